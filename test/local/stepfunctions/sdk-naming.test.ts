import * as ecs from '@aws-sdk/client-ecs';
import * as elbv2 from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  fromSdkOutput,
  parameterTemplateProblems,
  toSdkInput,
  UnknownParameterError,
} from '../../../local/stepfunctions/sdk-naming';

describe('Step Functions ↔ SDK naming, driven by the SDK schemas', () => {
  it('renames PascalCase Parameters to ECS member names at every structure level', () => {
    const input = toSdkInput(
      {
        Cluster: 'prod',
        Service: 'web',
        TaskDefinition: 'web:3',
        ExternalId: 'green',
        NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-1'], AssignPublicIp: 'DISABLED' } },
        LoadBalancers: [{ TargetGroupArn: 'arn:tg', ContainerName: 'app', ContainerPort: 8080 }],
        Scale: { Unit: 'PERCENT', Value: 100 },
        Tags: [{ Key: 'deployment', Value: 'd-1' }],
      },
      ecs.CreateTaskSetRequest$,
    );
    expect(input).toEqual({
      cluster: 'prod',
      service: 'web',
      taskDefinition: 'web:3',
      externalId: 'green',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], assignPublicIp: 'DISABLED' } },
      loadBalancers: [{ targetGroupArn: 'arn:tg', containerName: 'app', containerPort: 8080 }],
      scale: { unit: 'PERCENT', value: 100 },
      tags: [{ key: 'deployment', value: 'd-1' }],
    });
  });

  it('never renames keys inside map shapes (dockerLabels, log options)', () => {
    const input = toSdkInput(
      {
        Family: 'web',
        ContainerDefinitions: [
          {
            Name: 'app',
            DockerLabels: { 'com.example.Commit': 'abc', Version: '2' },
            LogConfiguration: { LogDriver: 'awslogs', Options: { 'awslogs-group': '/ecs/web', Mode: 'non-blocking' } },
          },
        ],
      },
      ecs.RegisterTaskDefinitionRequest$,
    );
    expect(input).toEqual({
      family: 'web',
      containerDefinitions: [
        {
          name: 'app',
          dockerLabels: { 'com.example.Commit': 'abc', Version: '2' },
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web', Mode: 'non-blocking' } },
        },
      ],
    });
  });

  it('keeps ELBv2 PascalCase members as they are', () => {
    expect(
      toSdkInput(
        { TargetGroupArn: 'arn:tg', Targets: [{ Id: '10.0.0.5', Port: 80 }] },
        elbv2.DescribeTargetHealthInput$,
      ),
    ).toEqual({
      TargetGroupArn: 'arn:tg',
      Targets: [{ Id: '10.0.0.5', Port: 80 }],
    });
  });

  it('rejects a parameter the API does not have, naming where it is', () => {
    expect(() =>
      toSdkInput({ Cluster: 'c', Services: ['web'], Include: [], Bogus: 1 }, ecs.DescribeServicesRequest$),
    ).toThrow(UnknownParameterError);
    expect(() => toSdkInput({ cluster: 'c' }, ecs.DescribeServicesRequest$)).toThrow(
      /Parameters\.cluster is not a member/,
    );
  });

  it('turns results into PascalCase with ISO-8601 timestamps, keeping map keys and dropping $metadata', () => {
    const output = fromSdkOutput(
      {
        $metadata: { httpStatusCode: 200 },
        taskDefinition: {
          family: 'web',
          registeredAt: new Date('2026-01-02T03:04:05.000Z'),
          containerDefinitions: [{ name: 'app', dockerLabels: { 'com.example.Commit': 'abc', lower: 'x' } }],
        },
        tags: [{ key: 'k', value: 'v' }],
      },
      ecs.DescribeTaskDefinitionResponse$,
    );
    expect(output).toEqual({
      TaskDefinition: {
        Family: 'web',
        RegisteredAt: '2026-01-02T03:04:05.000Z',
        ContainerDefinitions: [{ Name: 'app', DockerLabels: { 'com.example.Commit': 'abc', lower: 'x' } }],
      },
      Tags: [{ Key: 'k', Value: 'v' }],
    });
  });

  it('finds template problems in literal keys and checks `.$` keys by name only', () => {
    expect(
      parameterTemplateProblems(
        { 'Cluster.$': '$.cluster', 'Services.$': '$.services' },
        ecs.DescribeServicesRequest$,
        '/P',
      ),
    ).toEqual([]);
    const problems = parameterTemplateProblems(
      {
        Cluster: 'c',
        Service: 's',
        TaskDefinition: 't',
        NetworkConfiguration: { AwsVpcConfig: {} },
        'Colour.$': '$.x',
      },
      ecs.CreateTaskSetRequest$,
      '/P',
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/\/P\.NetworkConfiguration: the field 'AwsVpcConfig' is not supported/);
    expect(problems[1]).toMatch(/the field 'Colour' is not supported/);
  });
});
