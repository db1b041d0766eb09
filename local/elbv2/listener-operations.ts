/**
 * CreateListener, DescribeListeners and ModifyListener. Each listener is a real HTTP server of the data plane, on the
 * local port options.listenerPort maps its ALB port to, routing every request by the listener's rules as they stand.
 */
import { AwsError } from '../aws/service';
import { PortInUseError } from '../dataplane/types';
import { describeAction, parseActions, type WireAction } from './actions';
import { listenerArn, ruleArn } from './arns';
import { duplicateListener, unsupportedProtocol, validation } from './errors';
import { syncHealthChecks } from './health-checks';
import { list, num, str, strings, type WireTag } from './input';
import type { ListenerRecord } from './model';
import type { OperationContext, OperationHandler } from './operation-context';
import { routeRequest } from './routing';
import { listenerToWire } from './wire';

/** The data-plane listener for an ELBv2 listener; a local port already taken is an InternalFailure (HTTP 500). */
async function startListenerServer(
  { store, options }: OperationContext,
  arn: string,
  albPort: number,
): Promise<ListenerRecord['server']> {
  const localPort = options.listenerPort(albPort);
  try {
    return await options.dataPlane.startListener({
      port: localPort,
      portOption: options.listenerPortOption?.(albPort),
      id: arn,
      forwardedPort: albPort,
      route: (request) => {
        const listener = store.listeners.get(arn);
        if (!listener) return { kind: 'fixed', statusCode: 503, contentType: 'text/plain', body: 'Listener deleted' };
        return routeRequest(request, {
          rules: store.rulesOf(arn),
          defaultActions: listener.defaultActions,
          routeTargets: (tgArn) => store.targetGroups.get(tgArn)?.checker?.routeTargets() ?? [],
        });
      },
    });
  } catch (error) {
    if (error instanceof PortInUseError) throw new AwsError('InternalFailure', error.message, 500, 'server');
    throw error;
  }
}

export const createListener: OperationHandler = async (ctx, input) => {
  const { store } = ctx;
  const lb = store.loadBalancer(str(input['LoadBalancerArn']) ?? '');
  const port = num(input['Port']) ?? 80;
  if (port < 1 || port > 65535) throw validation(`Port '${port}' must be between 1 and 65535`);
  const protocol = str(input['Protocol']) ?? 'HTTP';
  if (protocol !== 'HTTP') throw unsupportedProtocol(protocol);
  const defaultActions = parseActions(list<WireAction>(input['DefaultActions']));
  store.checkTargetGroupsExist(defaultActions);
  const sameLb = [...store.listeners.values()].filter((l) => l.loadBalancerArn === lb.arn);
  const duplicate = sameLb.find((l) => l.port === port);
  if (duplicate) {
    // CreateListener is idempotent: the same settings return the existing listener.
    const sameActions =
      JSON.stringify(duplicate.defaultActions.map(describeAction)) ===
      JSON.stringify(defaultActions.map(describeAction));
    if (duplicate.protocol === protocol && sameActions) return { Listeners: [listenerToWire(duplicate)] };
    throw duplicateListener(`A listener already exists on port ${port} of this load balancer`);
  }
  const arn = listenerArn(store.scope, lb.arn);
  const server = await startListenerServer(ctx, arn, port);
  const listener: ListenerRecord = {
    arn,
    loadBalancerArn: lb.arn,
    port,
    protocol,
    defaultActions,
    defaultRuleArn: ruleArn(store.scope, arn),
    server,
  };
  store.listeners.set(arn, listener);
  store.setTags(arn, list<WireTag>(input['Tags']));
  await syncHealthChecks(ctx);
  return { Listeners: [listenerToWire(listener)] };
};

export const describeListeners: OperationHandler = ({ store }, input) => {
  const lbArn = str(input['LoadBalancerArn']);
  const listenerArns = strings(input['ListenerArns']);
  if (lbArn === undefined && listenerArns.length === 0) {
    throw validation('You must specify either listener ARNs or a load balancer ARN');
  }
  if (lbArn !== undefined) store.loadBalancer(lbArn);
  const selected =
    listenerArns.length > 0
      ? listenerArns.map((arn) => store.listener(arn))
      : [...store.listeners.values()].filter((l) => l.loadBalancerArn === lbArn);
  return { Listeners: selected.map((l) => listenerToWire(l)) };
};

/** A new port moves the data-plane listener: the new server starts before the old one closes. */
export const modifyListener: OperationHandler = async (ctx, input) => {
  const { store } = ctx;
  const listener = store.listener(str(input['ListenerArn']) ?? '');
  const protocol = str(input['Protocol']);
  if (protocol !== undefined && protocol !== 'HTTP') throw unsupportedProtocol(protocol);
  const defaultActions =
    input['DefaultActions'] === undefined ? undefined : parseActions(list<WireAction>(input['DefaultActions']));
  if (defaultActions) store.checkTargetGroupsExist(defaultActions);
  const port = num(input['Port']);
  if (port !== undefined && port !== listener.port) {
    const clash = [...store.listeners.values()].some(
      (l) => l.loadBalancerArn === listener.loadBalancerArn && l.port === port,
    );
    if (clash) throw duplicateListener(`A listener already exists on port ${port}`);
    const server = await startListenerServer(ctx, listener.arn, port);
    const old = listener.server;
    listener.server = server;
    listener.port = port;
    await old.close();
  }
  if (defaultActions) listener.defaultActions = defaultActions;
  await syncHealthChecks(ctx);
  return { Listeners: [listenerToWire(listener)] };
};
