/**
 * The shipped deploy-green definition runs end to end on local Step Functions (Choice, Pass, Map, Wait, aws-sdk
 * Tasks on ECS and ELBv2), with the template placeholders filled in and a fake local AWS answering as a healthy
 * deployment would. It checks the engine, not the deployment logic, which the state machine's own tests cover.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createClock } from '../../../local/aws/clock';
import { accessKeyForRole } from '../../../local/aws/principal';
import { createStepFunctionsService, type StepFunctionsService } from '../../../local/stepfunctions/service';
import { startFakeAwsEndpoint, type FakeAwsEndpoint } from './fake-aws-endpoint';
import { createMachine, eventTypes, ROLE, runToEnd } from './harness';
import { handler as validateInputHandler } from '../../../lambdas/validate-input/handler';
import { createHandler as createLifecycleHooksHandler } from '../../../lambdas/lifecycle-hooks/handler';

const shipped = path.join(__dirname, '../../../state-machines/deploy-green.asl.json');
const placeholders: Record<string, string> = {
  ClusterName: 'prod',
  ServiceName: 'web',
  ContainerName: 'app',
  TaskDefinitionFamily: 'web',
  ContainerPort: '8080',
  DesiredCount: '2',
  TestScalePercent: '100',
  DeregistrationDelaySeconds: '5',
  HealthCheckIntervalSeconds: '5',
  HealthCheckTimeoutSeconds: '4',
  HealthTimeoutSeconds: '60',
  FailFastThreshold: '3',
  HealthyThresholdCount: '2',
  UnhealthyThresholdCount: '2',
  SubnetIds: 'subnet-1,subnet-2',
};

let aws: FakeAwsEndpoint;
let sfn: StepFunctionsService;

beforeEach(async () => {
  aws = await startFakeAwsEndpoint();
  sfn = createStepFunctionsService({
    clock: createClock(0.001),
    region: 'us-east-1',
    accountId: '123456789012',
    endpoint: () => aws.url,
    // The shipped definition validates its input with the real validate-input function first,
    // and runs each stage's lifecycle hooks through the real runner, here configured with none.
    lambdas: {
      'local-ValidateInputFunctionArn': validateInputHandler as (event: unknown) => Promise<unknown>,
      'local-LifecycleHooksFunctionArn': createLifecycleHooksHandler({ variables: {} }),
    },
  });
});

afterEach(async () => {
  await sfn.close();
  await aws.close();
});

(existsSync(shipped) ? it : it.skip)('runs deploy-green to success through the SDK clients', async () => {
  const taskSet = {
    id: 'ts-1',
    taskSetArn: 'arn:ts-1',
    status: 'ACTIVE',
    stabilityStatus: 'STEADY_STATE',
    runningCount: 2,
    pendingCount: 0,
    computedDesiredCount: 2,
  };
  aws.reply('DescribeServices', {
    result: {
      services: [
        {
          serviceName: 'web',
          serviceArn: 'arn:svc',
          status: 'ACTIVE',
          desiredCount: 2,
          deploymentController: { type: 'EXTERNAL' },
          taskSets: [],
        },
      ],
      failures: [],
    },
  });
  aws.reply('DescribeRules', { result: { Rules: [{ RuleArn: 'arn:rule', Actions: [{ Type: 'fixed-response' }] }] } });
  // The lease and the deployment record (DynamoDB JSON 1.0 through the same fake): a free lease, nothing released yet.
  aws.reply('UpdateItem', { result: { Attributes: { service: { S: 'arn:svc' }, record: { S: '{"phase":"none"}' } } } });
  aws.reply('DescribeTaskDefinition', {
    result: {
      taskDefinition: {
        family: 'web',
        containerDefinitions: [{ name: 'app', image: 'old', dockerLabels: { 'com.example.team': 'deploy' } }],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
      },
    },
  });
  aws.reply('RegisterTaskDefinition', (call) => ({
    result: { taskDefinition: { taskDefinitionArn: 'arn:td:2', ...call.input } },
  }));
  aws.reply('CreateTargetGroup', {
    result: { TargetGroups: [{ TargetGroupArn: 'arn:tg-green', TargetGroupName: 'green' }] },
  });
  aws.reply('CreateRule', { result: { Rules: [{ RuleArn: 'arn:rule-health', Priority: '100' }] } });
  aws.reply('DeleteRule', { result: {} });
  aws.reply('CreateTaskSet', { result: { taskSet } });
  aws.reply('DescribeTaskSets', { result: { taskSets: [taskSet], failures: [] } });
  aws.reply('DescribeTargetHealth', {
    result: {
      TargetHealthDescriptions: [1, 2].map((n) => ({
        Target: { Id: `10.0.0.${n}`, Port: 8080 },
        TargetHealth: { State: 'healthy' },
      })),
    },
  });
  const definition = JSON.parse(
    readFileSync(shipped, 'utf8').replace(
      /\$\{([A-Za-z]+)\}/g,
      (_match, name: string) => placeholders[name] ?? `local-${name}`,
    ),
  ) as unknown;
  const arn = await createMachine(sfn, 'deploy-green', definition);

  const execution = await runToEnd(sfn, arn, { cluster: 'prod', service: 'web', commit: 'abc1234', image: 'nginx:1' });

  expect({ status: execution.status, error: execution.error, cause: execution.cause }).toEqual({
    status: 'SUCCEEDED',
    error: undefined,
    cause: undefined,
  });
  expect(eventTypes(execution)).toEqual(
    expect.arrayContaining(['MapIterationStarted', 'WaitStateEntered', 'TaskSucceeded']),
  );
  expect(aws.calls.every((call) => call.accessKeyId === accessKeyForRole(ROLE))).toBe(true);
  const registered = aws.calls.find((call) => call.operation === 'RegisterTaskDefinition');
  expect(registered?.input['containerDefinitions']).toEqual([
    expect.objectContaining({ name: 'app', image: 'nginx:1', dockerLabels: { 'com.example.team': 'deploy' } }),
  ]);
});
