/**
 * aws-sdk Tasks run through the real ECS/ELBv2 SDK clients against a fake local AWS endpoint: what goes over the wire,
 * what the state machine sees, and the error names Retry/Catch match on.
 */
import { createClock } from '../../../local/aws/clock';
import { accessKeyForRole } from '../../../local/aws/principal';
import { createStepFunctionsService, type StepFunctionsService } from '../../../local/stepfunctions/service';
import { startFakeAwsEndpoint, type FakeAwsEndpoint } from './fake-aws-endpoint';
import { createMachine, eventTypes, outputOf, ROLE, runToEnd } from './harness';

let aws: FakeAwsEndpoint;
let sfn: StepFunctionsService;

beforeEach(async () => {
  aws = await startFakeAwsEndpoint();
  sfn = createStepFunctionsService({
    clock: createClock(0.001),
    region: 'us-east-1',
    accountId: '123456789012',
    endpoint: () => aws.url,
  });
});

afterEach(async () => {
  await sfn.close();
  await aws.close();
});

const describeService = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::aws-sdk:ecs:describeServices',
  Parameters: { 'Cluster.$': '$.cluster', 'Services.$': 'States.Array($.service)' },
  ResultPath: '$.described',
  ...extra,
});

describe('aws-sdk:ecs and aws-sdk:elasticloadbalancingv2 Tasks', () => {
  it('sends SDK member names signed as the role, and returns PascalCase results with ISO-8601 dates', async () => {
    aws.reply('DescribeServices', {
      result: {
        services: [
          {
            serviceName: 'web',
            createdAt: 1767323045.5,
            deploymentController: { type: 'EXTERNAL' },
            tags: [{ key: 'team', value: 'a' }],
          },
        ],
        failures: [],
      },
    });
    const arn = await createMachine(sfn, 'describe', {
      StartAt: 'Describe',
      States: { Describe: describeService({ End: true }) },
    });

    const execution = await runToEnd(sfn, arn, { cluster: 'prod', service: 'web' });

    expect(execution.status).toBe('SUCCEEDED');
    expect(aws.calls).toEqual([
      {
        service: 'ecs',
        operation: 'DescribeServices',
        input: { cluster: 'prod', services: ['web'] },
        accessKeyId: accessKeyForRole(ROLE),
      },
    ]);
    expect(outputOf(execution)).toEqual({
      cluster: 'prod',
      service: 'web',
      described: {
        Services: [
          {
            ServiceName: 'web',
            CreatedAt: '2026-01-02T03:04:05.500Z',
            DeploymentController: { Type: 'EXTERNAL' },
            Tags: [{ Key: 'team', Value: 'a' }],
          },
        ],
        Failures: [],
      },
    });
  });

  it('fails with Ecs.ServiceNotFoundException, which a Catch naming it exactly handles', async () => {
    aws.reply('DescribeServices', { error: 'ServiceNotFoundException', message: 'Service not found.' });
    const arn = await createMachine(sfn, 'catch-ecs', {
      StartAt: 'Describe',
      States: {
        Describe: describeService({
          Catch: [{ ErrorEquals: ['Ecs.ServiceNotFoundException'], ResultPath: '$.error', Next: 'Missing' }],
          Next: 'Found',
        }),
        Found: { Type: 'Succeed' },
        Missing: { Type: 'Pass', End: true },
      },
    });

    const execution = await runToEnd(sfn, arn, { cluster: 'prod', service: 'web' });

    expect(execution.status).toBe('SUCCEEDED');
    expect(outputOf(execution)).toEqual({
      cluster: 'prod',
      service: 'web',
      error: { Error: 'Ecs.ServiceNotFoundException', Cause: 'Service not found.' },
    });
    const failed = execution.history.find((e) => e.type === 'TaskFailed');
    expect(failed?.details).toEqual({
      resourceType: 'aws-sdk:ecs',
      resource: 'describeServices',
      error: 'Ecs.ServiceNotFoundException',
      cause: 'Service not found.',
    });
    expect(eventTypes(execution)).toContain('PassStateEntered');
  });

  it('names the ELBv2 query code ResourceInUse ElasticLoadBalancingV2.ResourceInUseException; Retry and Catch match it', async () => {
    aws.reply('DeleteTargetGroup', { error: 'ResourceInUse', message: 'Target group is in use by a listener.' });
    const arn = await createMachine(sfn, 'retry-elb', {
      StartAt: 'Delete',
      States: {
        Delete: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:elasticloadbalancingv2:deleteTargetGroup',
          Parameters: { TargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/1' },
          Retry: [
            {
              ErrorEquals: ['ElasticLoadBalancingV2.ResourceInUseException'],
              IntervalSeconds: 2,
              MaxAttempts: 2,
              BackoffRate: 2,
            },
          ],
          Catch: [{ ErrorEquals: ['ElasticLoadBalancingV2.ResourceInUseException'], Next: 'InUse' }],
          End: true,
        },
        InUse: { Type: 'Fail', Error: 'StillInUse', Cause: 'gave up' },
      },
    });

    const execution = await runToEnd(sfn, arn);

    expect(aws.calls.map((c) => [c.service, c.operation, c.input['TargetGroupArn']])).toEqual([
      ['elbv2', 'DeleteTargetGroup', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/1'],
      ['elbv2', 'DeleteTargetGroup', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/1'],
      ['elbv2', 'DeleteTargetGroup', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/1'],
    ]);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'StillInUse', cause: 'gave up' });
    expect(eventTypes(execution)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskStateExited',
      'FailStateEntered',
      'ExecutionFailed',
    ]);
    expect(execution.history.filter((e) => e.type === 'TaskFailed').map((e) => e.details?.['error'])).toEqual([
      'ElasticLoadBalancingV2.ResourceInUseException',
      'ElasticLoadBalancingV2.ResourceInUseException',
      'ElasticLoadBalancingV2.ResourceInUseException',
    ]);
  });

  it('reports error codes the ECS model does not list as Ecs.EcsException', async () => {
    aws.reply('DescribeServices', { error: 'SomethingNewException', message: 'new failure', status: 500 });
    const arn = await createMachine(sfn, 'unknown-code', {
      StartAt: 'Describe',
      States: { Describe: describeService({ End: true }) },
    });

    const execution = await runToEnd(sfn, arn, { cluster: 'prod', service: 'web' });

    expect(execution).toMatchObject({ status: 'FAILED', error: 'Ecs.EcsException', cause: 'new failure' });
  });

  it('runs Tasks nested in Parallel branches and Map iterations through the SDK too', async () => {
    aws.reply('DescribeTargetHealth', (call) => ({
      result: {
        TargetHealthDescriptions: [
          { Target: { Id: call.input['TargetGroupArn'] }, TargetHealth: { State: 'healthy' } },
        ],
      },
    }));
    const arn = await createMachine(sfn, 'nested', {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          End: true,
          Branches: [
            {
              StartAt: 'Describe',
              States: {
                Describe: describeService({
                  ResultSelector: { 'Count.$': 'States.ArrayLength($.Services)' },
                  ResultPath: '$',
                  End: true,
                }),
              },
            },
            {
              StartAt: 'EachGroup',
              States: {
                EachGroup: {
                  Type: 'Map',
                  ItemsPath: '$.groups',
                  End: true,
                  ItemProcessor: {
                    StartAt: 'Health',
                    States: {
                      Health: {
                        Type: 'Task',
                        Resource: 'arn:aws:states:::aws-sdk:elasticloadbalancingv2:describeTargetHealth',
                        Parameters: { 'TargetGroupArn.$': '$' },
                        OutputPath: '$.TargetHealthDescriptions[0].TargetHealth.State',
                        End: true,
                      },
                    },
                  },
                },
              },
            },
          ],
        },
      },
    });
    aws.reply('DescribeServices', { result: { services: [{ serviceName: 'web' }], failures: [] } });

    const execution = await runToEnd(sfn, arn, { cluster: 'c', service: 'web', groups: ['tg-a', 'tg-b'] });

    expect(execution.status).toBe('SUCCEEDED');
    expect(outputOf(execution)).toEqual([{ Count: 1 }, ['healthy', 'healthy']]);
    expect(aws.calls.map((c) => c.operation).sort()).toEqual([
      'DescribeServices',
      'DescribeTargetHealth',
      'DescribeTargetHealth',
    ]);
    expect(eventTypes(execution)).toEqual(
      expect.arrayContaining([
        'ParallelStateEntered',
        'ParallelStateStarted',
        'MapStateEntered',
        'MapIterationStarted',
        'MapIterationSucceeded',
        'ParallelStateSucceeded',
        'ParallelStateExited',
      ]),
    );
  });

  it('fails loudly (States.Runtime, not catchable) when local AWS cannot be reached', async () => {
    const unreachable = createStepFunctionsService({
      clock: createClock(0.001),
      region: 'us-east-1',
      accountId: '123456789012',
      endpoint: () => 'http://127.0.0.1:9',
    });
    const arn = await createMachine(unreachable, 'unreachable', {
      StartAt: 'Describe',
      States: {
        Describe: describeService({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Swallowed' }], End: true }),
        Swallowed: { Type: 'Succeed' },
      },
    });

    const execution = await runToEnd(unreachable, arn, { cluster: 'c', service: 'web' });
    await unreachable.close();

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.Runtime');
    expect(execution.cause).toMatch(/without a response from local AWS/);
  });

  it('records no TaskScheduled when the Parameters cannot be built from the input', async () => {
    const arn = await createMachine(sfn, 'bad-path', {
      StartAt: 'Describe',
      States: { Describe: describeService({ End: true }) },
    });

    const execution = await runToEnd(sfn, arn, { service: 'web' });

    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(eventTypes(execution)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'ExecutionFailed']);
    expect(aws.calls).toEqual([]);
  });

  it('fails loudly when input sent as Parameters has a key the API does not know', async () => {
    const arn = await createMachine(sfn, 'no-parameters', {
      StartAt: 'Describe',
      States: {
        Describe: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:ecs:describeServices',
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Swallowed' }],
          End: true,
        },
        Swallowed: { Type: 'Succeed' },
      },
    });

    const execution = await runToEnd(sfn, arn, { cluster: 'c' });

    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(execution.cause).toMatch(/cluster is not a member of DescribeServicesRequest/);
    expect(aws.calls).toEqual([]);
  });
});
