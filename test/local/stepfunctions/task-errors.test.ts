import { ResourceInUseException } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ServiceNotFoundException } from '@aws-sdk/client-ecs';
import { SDK_SERVICES } from '../../../local/stepfunctions/sdk-services';
import { LocalRuntimeError, taskErrorFromSdk, TaskFailure } from '../../../local/stepfunctions/task-errors';

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
