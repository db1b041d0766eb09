import { ResourceInUseException } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ServiceNotFoundException } from '@aws-sdk/client-ecs';
import { SDK_SERVICES } from '../../../local/stepfunctions/sdk-services';
import {
  DROPPED_CONNECTION_ATTEMPTS,
  isDroppedConnection,
  LocalRuntimeError,
  taskErrorFromSdk,
  TaskFailure,
  withDroppedConnectionRetry,
} from '../../../local/stepfunctions/task-errors';

const ecs = SDK_SERVICES.get('ecs');
const elbv2 = SDK_SERVICES.get('elasticloadbalancingv2');
const metadata = { $metadata: { httpStatusCode: 400 } };

function named(error: Error): { name: string; message: string; catchable: boolean } {
  return {
    name: error.name,
    message: error.message,
    catchable: (error as { isCatchable?: boolean }).isCatchable ?? true,
  };
}

describe('Step Functions error names for SDK errors', () => {
  it('prefixes modeled errors with the service name', () => {
    const error = new ServiceNotFoundException({ message: 'Service not found.', $metadata: { httpStatusCode: 400 } });
    expect(named(taskErrorFromSdk(ecs!, error))).toEqual({
      name: 'Ecs.ServiceNotFoundException',
      message: 'Service not found.',
      catchable: true,
    });
    const inUse = new ResourceInUseException({ message: 'in use', $metadata: { httpStatusCode: 400 } });
    expect(taskErrorFromSdk(elbv2!, inUse).name).toBe('ElasticLoadBalancingV2.ResourceInUseException');
  });

  it('maps a raw query error code to its modeled name with the Exception suffix', () => {
    const error = Object.assign(new Error('in use'), { name: 'ResourceInUse', ...metadata });
    expect(taskErrorFromSdk(elbv2!, error)).toBeInstanceOf(TaskFailure);
    expect(taskErrorFromSdk(elbv2!, error).name).toBe('ElasticLoadBalancingV2.ResourceInUseException');
  });

  it('names codes the model does not list after the service', () => {
    const throttled = (): Error =>
      Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', ...metadata });
    expect(taskErrorFromSdk(ecs!, throttled()).name).toBe('Ecs.EcsException');
    expect(taskErrorFromSdk(elbv2!, throttled()).name).toBe('ElasticLoadBalancingV2.ElasticLoadBalancingV2Exception');
  });

  it('turns errors without an HTTP response into an uncatchable States.Runtime', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const error = taskErrorFromSdk(ecs!, refused);
    expect(error).toBeInstanceOf(LocalRuntimeError);
    expect(named(error)).toMatchObject({ name: 'States.Runtime', catchable: false });
  });
});

describe('a call that got no answer (the connection closed under it)', () => {
  const reset = (): Error => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

  it('is sent again, and the Task sees the answer to the repeated call', async () => {
    const answers: Array<() => Promise<string>> = [() => Promise.reject(reset()), () => Promise.resolve('applied')];
    let sent = 0;
    await expect(withDroppedConnectionRetry('Ecs', 'CreateTaskSet', () => answers[sent++]!())).resolves.toBe('applied');
    expect(sent).toBe(2);
  });

  it(`fails catchably as <prefix>.SdkClientException after ${DROPPED_CONNECTION_ATTEMPTS} attempts`, async () => {
    let sent = 0;
    const failure = await withDroppedConnectionRetry('ElasticLoadBalancingV2', 'CreateRule', () => {
      sent++;
      return Promise.reject(reset());
    }).catch((e: unknown) => e as Error);
    expect(sent).toBe(DROPPED_CONNECTION_ATTEMPTS);
    expect(failure).toBeInstanceOf(TaskFailure);
    expect(named(failure)).toMatchObject({ name: 'ElasticLoadBalancingV2.SdkClientException', catchable: true });
  });

  it('is not an answer with an HTTP status, a refused connection or an abort: those are not sent again', async () => {
    const others = [
      Object.assign(new Error('boom'), { name: 'ServerException', $metadata: { httpStatusCode: 500 } }),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('Request aborted'), { name: 'AbortError' }),
    ];
    for (const other of others) {
      expect(isDroppedConnection(other)).toBe(false);
      let sent = 0;
      await expect(
        withDroppedConnectionRetry('Ecs', 'DeleteTaskSet', () => {
          sent++;
          return Promise.reject(other);
        }),
      ).rejects.toBe(other);
      expect(sent).toBe(1);
    }
  });
});
