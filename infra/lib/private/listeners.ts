import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { PropValidationError } from './validate';

/** ELBv2: at most 5 match evaluations in a rule, at most 3 in one condition (Application Load Balancer quotas). */
const MAX_RULE_VALUES = 5;
const MAX_CONDITION_VALUES = 3;

/** The listener's port, as the listener construct knows it (`connections.defaultPort`). */
export function listenerPort(prop: string, listener: elbv2.IApplicationListener): number {
  const port = listener.connections.defaultPort?.toRuleJson() as { fromPort?: unknown } | undefined;
  if (typeof port?.fromPort !== 'number') {
    throw new PropValidationError(
      `${prop} has no known port (an imported listener without defaultPort). Import it with ApplicationListener.fromApplicationListenerAttributes({ ..., defaultPort: ec2.Port.tcp(PORT) }), or give the URL props.`,
    );
  }
  return port.fromPort;
}

/**
 * `http://<host>[:port]/`, https on 443 (the listener's protocol is not on its interface). The host is the one host of
 * a host-header condition without wildcards, when the conditions have one (the service's own name, which DNS points
 * at the load balancer), else the load balancer's DNS name.
 */
export function listenerUrl(
  prop: string,
  loadBalancer: elbv2.IApplicationLoadBalancer,
  listener: elbv2.IApplicationListener,
  conditions: ReadonlyArray<Readonly<Record<string, unknown>>>,
): string {
  const port = listenerPort(prop, listener);
  const scheme = port === 443 ? 'https' : 'http';
  const shown = port === 80 || port === 443 ? '' : `:${port}`;
  const hosts = conditions.flatMap((condition) =>
    condition.Field === 'host-header'
      ? (((condition.HostHeaderConfig as { Values?: unknown } | undefined)?.Values as unknown[] | undefined) ?? [])
      : [],
  );
  const host = hosts.length === 1 && typeof hosts[0] === 'string' && !/[*?]/.test(hosts[0]) ? hosts[0] : undefined;
  return `${scheme}://${host ?? loadBalancer.loadBalancerDnsName}${shown}/`;
}

/**
 * CDK's listener conditions in ELBv2's API shape (`{Field, HostHeaderConfig: {Values}}`), which the controller's rule
 * resource sends to CreateRule. The previous-version rule adds one header value, so the conditions may use at most 4
 * of a rule's 5 match evaluations.
 */
export function listenerConditionsToApi(
  prop: string,
  conditions: readonly elbv2.ListenerCondition[],
): ReadonlyArray<Readonly<Record<string, unknown>>> {
  if (conditions.length === 0) {
    throw new PropValidationError(
      `${prop} is empty. Leave it out for every request, or give at least one condition, e.g. ListenerCondition.hostHeaders(['api.example.com']).`,
    );
  }
  const api = conditions.map((condition) => toApiShape(condition.renderRawCondition()) as Record<string, unknown>);
  let total = 0;
  for (const condition of api) {
    const count = valueCount(condition);
    if (count > MAX_CONDITION_VALUES) {
      throw new PropValidationError(
        `${prop}: the ${String(condition.Field)} condition has ${count} values; ELBv2 allows at most ${MAX_CONDITION_VALUES} in one condition. Use a wildcard or fewer values.`,
      );
    }
    total += count;
  }
  if (total > MAX_RULE_VALUES - 1) {
    throw new PropValidationError(
      `${prop} has ${total} values in all; ELBv2 allows ${MAX_RULE_VALUES} in a rule and the controller's previous-version rule adds one header, so give at most ${MAX_RULE_VALUES - 1}.`,
    );
  }
  return api;
}

function toApiShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toApiShape);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key.charAt(0).toUpperCase() + key.slice(1), toApiShape(inner)]),
  );
}

function valueCount(condition: Record<string, unknown>): number {
  for (const [key, config] of Object.entries(condition)) {
    if (key === 'Field' || typeof config !== 'object' || config === null) continue;
    const values = (config as { Values?: unknown }).Values;
    if (Array.isArray(values)) return values.length;
  }
  return 1;
}
