/**
 * ELBv2 resource ARNs in the shapes AWS uses, so code that parses them (names, load balancer ids) works unchanged:
 *   loadbalancer/app/NAME/ID, listener/app/NAME/LB-ID/ID, listener-rule/app/NAME/LB-ID/LISTENER-ID/ID,
 *   targetgroup/NAME/ID — each ID 16 lowercase hex digits.
 */
import { randomBytes } from 'node:crypto';

export interface ArnScope {
  readonly region: string;
  readonly accountId: string;
}

const newId = (): string => randomBytes(8).toString('hex');
const prefix = (scope: ArnScope): string => `arn:aws:elasticloadbalancing:${scope.region}:${scope.accountId}`;

export function loadBalancerArn(scope: ArnScope, name: string): string {
  return `${prefix(scope)}:loadbalancer/app/${name}/${newId()}`;
}

/** `app/NAME/LB-ID`, the part of a load balancer ARN that listener and rule ARNs repeat. */
function loadBalancerPath(lbArn: string): string {
  return lbArn.slice(lbArn.indexOf(':loadbalancer/') + ':loadbalancer/'.length);
}

export function listenerArn(scope: ArnScope, lbArn: string): string {
  return `${prefix(scope)}:listener/${loadBalancerPath(lbArn)}/${newId()}`;
}

export function ruleArn(scope: ArnScope, lstArn: string): string {
  const listenerPath = lstArn.slice(lstArn.indexOf(':listener/') + ':listener/'.length);
  return `${prefix(scope)}:listener-rule/${listenerPath}/${newId()}`;
}

export function targetGroupArn(scope: ArnScope, name: string): string {
  return `${prefix(scope)}:targetgroup/${name}/${newId()}`;
}
