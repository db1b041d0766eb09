/**
 * Who owns what (issue 10): the controller owns the service's desired count, its task sets and where its three rules
 * send traffic; the template only says what they were created with. This compares the template (GetTemplate) with the
 * live state and words each difference as drift the controller made on purpose, never to be reverted. A template
 * that still lets CloudFormation own one of them (a stack from before the controller-owned resources) is a hazard:
 * the next stack update would reset it, and that is said too.
 */
import type { RuleView } from './status-model';

/** The resource types of the controller-owned resources (lambdas/controller-resources/properties.ts). */
const SERVICE_TYPE = 'Custom::BlueGreenService';
const RULE_TYPE = 'Custom::BlueGreenListenerRule';

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
}

export interface StackResourceView {
  readonly logicalId: string;
  readonly physicalId: string;
  readonly type: string;
}

export interface LiveOwnedState {
  readonly desiredCount: number;
  /** Live action of each rule, by rule ARN; `missing` when ELBv2 no longer has it. */
  readonly rules: ReadonlyMap<string, RuleView | 'missing'>;
  /** How a rule target reads in status (`task set ecs-svc/123`). */
  readonly describeRule: (rule: RuleView) => string;
}

export interface OwnershipLine {
  readonly resource: string;
  readonly kind: 'drift' | 'hazard';
  readonly text: string;
}

const ruleNames: Readonly<Record<string, string>> = {
  ProductionRule: 'production rule',
  TestRule: 'test rule',
  PreviousVersionRule: 'previous-version rule',
};

function ruleName(logicalId: string): string {
  const known = Object.keys(ruleNames).find((k) => logicalId.includes(k));
  return known ? (ruleNames[known] ?? logicalId) : `rule ${logicalId}`;
}

/**
 * The stack's resources that are `service`'s: its controller-owned service and rules carry `ServiceName`; a stack of
 * several services has one set each (examples/two-services), and status speaks for one.
 */
export function resourcesOfService(
  template: Readonly<Record<string, TemplateResource>>,
  resources: readonly StackResourceView[],
  service: string,
): StackResourceView[] {
  return resources.filter((resource) => {
    const declared = template[resource.logicalId];
    if (declared === undefined) return false;
    if (declared.Type !== SERVICE_TYPE && declared.Type !== RULE_TYPE) return true;
    return declared.Properties?.ServiceName === service;
  });
}

export function ownershipLines(
  template: Readonly<Record<string, TemplateResource>>,
  resources: readonly StackResourceView[],
  live: LiveOwnedState,
): OwnershipLine[] {
  const lines: OwnershipLine[] = [];
  for (const resource of resources) {
    const declared = template[resource.logicalId];
    if (!declared) continue;
    const props = declared.Properties ?? {};
    if (declared.Type === SERVICE_TYPE && live.desiredCount !== 0) {
      lines.push({
        resource: 'service',
        kind: 'drift',
        text: `desired count ${live.desiredCount} (template: created with 0) — owned by the controller and your scaling; no stack update changes it`,
      });
    }
    if (declared.Type === RULE_TYPE) {
      const rule = live.rules.get(resource.physicalId);
      const idle = `fixed ${String(props.IdleStatusCode ?? '503')}`;
      if (rule === 'missing') {
        lines.push({
          resource: ruleName(resource.logicalId),
          kind: 'hazard',
          text: 'the rule is gone from its listener (deleted outside the controller): the state machines switch it by ARN and will fail until the stack recreates it',
        });
      } else if (rule && !(rule.kind === 'fixed' && `fixed ${rule.statusCode}` === idle)) {
        lines.push({
          resource: ruleName(resource.logicalId),
          kind: 'drift',
          text: `forwards to ${live.describeRule(rule)} (template: ${idle}) — owned by the controller; no stack update changes it`,
        });
      }
    }
    if (declared.Type === 'AWS::ECS::Service' && props.DesiredCount !== undefined) {
      lines.push({
        resource: 'service',
        kind: 'hazard',
        text: `CloudFormation owns DesiredCount (${String(props.DesiredCount)}): the next update of this resource sets every task set to it. Recreate the stack with this version (README: "Upgrading a stack from before 0.2")`,
      });
    }
    if (declared.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule') {
      lines.push({
        resource: ruleName(resource.logicalId),
        kind: 'hazard',
        text: 'CloudFormation owns this rule: the next update of it puts its template action back. Recreate the stack with this version (README: "Upgrading a stack from before 0.2")',
      });
    }
  }
  return lines;
}
