/** CreateLoadBalancer and DescribeLoadBalancers (application load balancers only). */
import { AwsError } from '../aws/service';
import { loadBalancerArn } from './arns';
import { validation } from './errors';
import { list, str, strings, type WireTag } from './input';
import type { LoadBalancerRecord } from './model';
import type { OperationHandler } from './operation-context';
import { loadBalancerToWire } from './wire';

/** Idempotent by name: creating an existing load balancer returns it. */
export const createLoadBalancer: OperationHandler = ({ store, options }, input) => {
  const name = str(input['Name']) ?? '';
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/.test(name) || name.startsWith('internal-')) {
    throw validation(`Load balancer name '${name}' is not valid`);
  }
  const type = str(input['Type']) ?? 'application';
  if (type !== 'application') throw validation(`Load balancer type '${type}' is not supported by local ELBv2`);
  const existing = [...store.loadBalancers.values()].find((lb) => lb.name === name);
  if (existing) return { LoadBalancers: [loadBalancerToWire(options.region, existing)] };
  const arn = loadBalancerArn(store.scope, name);
  const lb: LoadBalancerRecord = {
    arn,
    name,
    type,
    scheme: str(input['Scheme']) ?? 'internet-facing',
    ipAddressType: str(input['IpAddressType']) ?? 'ipv4',
    vpcId: 'vpc-0local0000000000',
    subnets: strings(input['Subnets']),
    securityGroups: strings(input['SecurityGroups']),
    createdTime: new Date(options.clock.now()),
    dnsName: `${name}-${parseInt(arn.slice(-8), 16)}.${options.region}.elb.amazonaws.com`,
  };
  store.loadBalancers.set(arn, lb);
  store.setTags(arn, list<WireTag>(input['Tags']));
  return { LoadBalancers: [loadBalancerToWire(options.region, lb)] };
};

export const describeLoadBalancers: OperationHandler = ({ store, options }, input) => {
  const wantedArns = strings(input['LoadBalancerArns']);
  const wantedNames = strings(input['Names']);
  const all = [...store.loadBalancers.values()];
  const missingNames = wantedNames.filter((n) => !all.some((lb) => lb.name === n));
  if (missingNames.length > 0) {
    throw new AwsError('LoadBalancerNotFound', `Load balancers '[${missingNames.join(', ')}]' not found`);
  }
  wantedArns.forEach((arn) => store.loadBalancer(arn));
  const selected = all.filter(
    (lb) =>
      (wantedArns.length === 0 || wantedArns.includes(lb.arn)) &&
      (wantedNames.length === 0 || wantedNames.includes(lb.name)),
  );
  return { LoadBalancers: selected.map((lb) => loadBalancerToWire(options.region, lb)) };
};
