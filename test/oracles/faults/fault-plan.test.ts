import { DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ECSClient, DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { InvokeCommand, LambdaClient, LambdaServiceException } from '@aws-sdk/client-lambda';
import { invokeErrorVerdict } from '../../../lambdas/lifecycle-hooks/core';
import { accessKeyForRole } from '../../../local/aws/principal';
import type { FaultCall } from '../../../local/aws/faults';
import { resolveImage } from '../../../local/dataplane/images';
import { localClientConfig } from '../../../local/aws/client-config';
import { FaultInjector, greenImage } from '../../../oracles/faults/fault-plan';
import { STEP_FUNCTIONS_ERROR_NAMES, wireError, type FaultService } from '../../../oracles/faults/wire-errors';
import { startLocalAwsStack, type RunningLocalAws } from '../../../local/local-aws';
import { SDK_SERVICES } from '../../../local/stepfunctions/sdk-services';
import { taskErrorFromSdk } from '../../../local/stepfunctions/task-errors';

const ROLE = 'arn:aws:iam::123456789012:role/DeployGreenRole';
const call = (operation: string, service = 'ECS', principal: string | undefined = ROLE): FaultCall => ({
  service,
  operation,
  input: {},
  principal,
  n: 0,
});
const unsignedCall = (operation: string): FaultCall => ({ ...call(operation), principal: undefined });

describe('FaultInjector', () => {
  test('fails exactly the calls numbered call..through of the matching service operation', () => {
    const injector = new FaultInjector();
    injector.arm({ api: [{ service: 'ECS', operation: 'CreateTaskSet', kind: 'throttling', call: 2, through: 3 }] });
    const outcomes = [1, 2, 3, 4].map(() => injector.beforeInvoke(call('CreateTaskSet'))?.code);
    expect(outcomes).toEqual([undefined, 'ThrottlingException', 'ThrottlingException', undefined]);
    expect(injector.beforeInvoke(call('DeleteTaskSet'))).toBeUndefined();
    expect(injector.injected().map((f) => [f.operation, f.n, f.wireCode, f.stepFunctionsError])).toEqual([
      ['CreateTaskSet', 2, 'ThrottlingException', 'Ecs.EcsException'],
      ['CreateTaskSet', 3, 'ThrottlingException', 'Ecs.EcsException'],
    ]);
  });

  test('Infinity fails every call from `call` on; arm starts counting again; disarm stops failing', () => {
    const injector = new FaultInjector();
    const plan = {
      api: [
        {
          service: 'Elastic Load Balancing v2' as const,
          operation: 'ModifyRule',
          kind: 'server-error' as const,
          call: 1,
          through: Infinity,
        },
      ],
    };
    injector.arm(plan);
    const elb = () => injector.beforeInvoke(call('ModifyRule', 'Elastic Load Balancing v2'))?.code;
    expect([elb(), elb(), elb()]).toEqual(['InternalFailure', 'InternalFailure', 'InternalFailure']);
    injector.arm(plan);
    expect(injector.callCount('Elastic Load Balancing v2', 'ModifyRule')).toBe(0);
    expect(injector.injected()).toEqual([]);
    injector.disarm();
    expect(elb()).toBeUndefined();
  });

  test("a test's own calls (not signed as a role) neither fail nor shift the call numbers", () => {
    const injector = new FaultInjector();
    injector.arm({ api: [{ service: 'ECS', operation: 'DescribeServices', kind: 'client-error', call: 1 }] });
    expect(injector.beforeInvoke(unsignedCall('DescribeServices'))).toBeUndefined();
    expect(injector.beforeInvoke(call('DescribeServices'))?.code).toBe('ClientException');
  });

  test('observers see every call before the plan decides', () => {
    const injector = new FaultInjector();
    const seen: string[] = [];
    const stop = injector.observe((c) => seen.push(c.operation));
    injector.beforeInvoke(call('A'));
    stop();
    injector.beforeInvoke(call('B'));
    expect(seen).toEqual(['A']);
  });

  test.each([
    [{ call: 0 }, /call must be a whole number from 1/],
    [{ call: 2, through: 1 }, /through must be a whole number ≥ call/],
    [{ call: 1, operation: 'createTaskSet' }, /spelled as in the API reference/],
  ])('rejects a malformed fault %j', (override, message) => {
    const fault = {
      service: 'ECS' as const,
      operation: 'CreateTaskSet',
      kind: 'throttling' as const,
      ...override,
    };
    expect(() => new FaultInjector().arm({ api: [fault] })).toThrow(message);
  });
});

describe('wire errors', () => {
  test.each([
    ['ECS', 'throttling', 'ThrottlingException', 400],
    ['ECS', 'server-error', 'ServerException', 500],
    ['ECS', 'client-error', 'ClientException', 400],
    ['Elastic Load Balancing v2', 'throttling', 'Throttling', 400],
    ['Elastic Load Balancing v2', 'server-error', 'InternalFailure', 500],
    ['Elastic Load Balancing v2', 'client-error', 'OperationNotPermitted', 400],
    ['Lambda', 'throttling', 'TooManyRequestsException', 429],
    ['Lambda', 'server-error', 'ServiceException', 500],
    ['Lambda', 'client-error', 'ResourceNotFoundException', 404],
  ] as const)('%s %s is %s (HTTP %d)', (service, kind, code, status) => {
    const error = wireError(service, kind);
    expect([error.code, error.httpStatus, error.fault]).toEqual([code, status, status >= 500 ? 'server' : 'client']);
  });
});

describe('over the real wire protocols', () => {
  let aws: RunningLocalAws;
  const injector = new FaultInjector();
  beforeAll(async () => {
    aws = await startLocalAwsStack({ ports: { api: 0, listeners: {} }, faults: injector });
  });
  afterAll(async () => aws?.close());

  const clients = () => {
    const config = localClientConfig(aws.endpoint, 'us-east-1', accessKeyForRole(ROLE));
    return { ecs: new ECSClient(config), elb: new ElasticLoadBalancingV2Client(config) };
  };

  test.each([
    ['ECS', 'throttling'],
    ['ECS', 'server-error'],
    ['ECS', 'client-error'],
    ['Elastic Load Balancing v2', 'throttling'],
    ['Elastic Load Balancing v2', 'server-error'],
    ['Elastic Load Balancing v2', 'client-error'],
  ] as const)('%s %s: the SDK parses it and Step Functions names it as documented', async (service, kind) => {
    const operation = service === 'ECS' ? 'DescribeClusters' : 'DescribeTargetGroups';
    injector.arm({ api: [{ service, operation, kind, call: 1 }] });
    const { ecs, elb } = clients();
    try {
      const sent =
        service === 'ECS' ? ecs.send(new DescribeClustersCommand({})) : elb.send(new DescribeTargetGroupsCommand({}));
      const error = await sent.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeDefined();
      const sdk = SDK_SERVICES.get(service === 'ECS' ? 'ecs' : 'elasticloadbalancingv2');
      if (!sdk) throw new Error('no SDK service');
      expect(taskErrorFromSdk(sdk, error).name).toBe(STEP_FUNCTIONS_ERROR_NAMES[service as FaultService][kind]);
      // The next call is not in the plan and goes through.
      await (service === 'ECS'
        ? ecs.send(new DescribeClustersCommand({}))
        : elb.send(new DescribeTargetGroupsCommand({})));
    } finally {
      ecs.destroy();
      elb.destroy();
    }
  });
});

describe("Lambda Invoke over its real wire (the lifecycle-hook runner's call)", () => {
  let aws: RunningLocalAws;
  const injector = new FaultInjector();
  beforeAll(async () => {
    aws = await startLocalAwsStack({ ports: { api: 0, listeners: {} }, faults: injector });
    aws.lambda.register('hook', () => Promise.resolve({ hookStatus: 'SUCCEEDED' }));
  });
  afterAll(async () => aws?.close());

  test.each([
    ['throttling', 'TooManyRequestsException', 429, 'transient'],
    ['server-error', 'ServiceException', 500, 'transient'],
    ['client-error', 'ResourceNotFoundException', 404, 'refused'],
  ] as const)('%s: the SDK throws %s (HTTP %d), which the runner reads as %s', async (kind, name, status, verdict) => {
    injector.arm({ api: [{ service: 'Lambda', operation: 'Invoke', kind, call: 1 }] });
    const lambda = new LambdaClient({
      ...localClientConfig(aws.endpoint, 'us-east-1', accessKeyForRole(ROLE)),
      maxAttempts: 1,
    });
    try {
      const error = await lambda.send(new InvokeCommand({ FunctionName: 'hook', Payload: Buffer.from('{}') })).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(LambdaServiceException);
      expect(error).toMatchObject({ name, $metadata: { httpStatusCode: status } });
      const modelled = (e: unknown) => e instanceof LambdaServiceException && e.constructor !== LambdaServiceException;
      expect(invokeErrorVerdict(error, modelled).kind).toBe(verdict);
      expect(injector.injected().map((f) => [f.service, f.operation, f.wireCode])).toEqual([
        ['Lambda', 'Invoke', name],
      ]);
      // The next call is not in the plan and goes through.
      const answered = await lambda.send(new InvokeCommand({ FunctionName: 'hook', Payload: Buffer.from('{}') }));
      expect(Buffer.from(answered.Payload ?? new Uint8Array()).toString('utf8')).toBe('{"hookStatus":"SUCCEEDED"}');
    } finally {
      lambda.destroy();
    }
  });
});

describe('greenImage', () => {
  test.each([
    [{ kind: 'healthy' as const }, { behaviour: 'healthy', colour: 'green', startupSeconds: 0 }],
    [{ kind: 'crash-on-start' as const }, { behaviour: 'crash-on-start', colour: 'green', startupSeconds: 0 }],
    [{ kind: 'unhealthy' as const }, { behaviour: 'unhealthy', colour: 'green', startupSeconds: 0 }],
    [
      { kind: 'slow-start' as const, seconds: 45 },
      { behaviour: 'healthy', colour: 'green', startupSeconds: 45 },
    ],
    [
      { kind: 'flapping' as const, seconds: 20 },
      { behaviour: 'flapping', colour: 'green', startupSeconds: 0, flapSeconds: 20 },
    ],
  ])('%j runs as %j', (green, spec) => {
    expect(resolveImage(greenImage(green))).toEqual(spec);
  });
});
