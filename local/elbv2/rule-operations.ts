/**
 * CreateRule, DescribeRules, ModifyRule and DeleteRule. A listener's default rule is not a RuleRecord: it is the
 * listener's defaultRuleArn and defaultActions, described with priority `default`.
 */
import { AwsError } from '../aws/service';
import { parseActions, type WireAction } from './actions';
import { ruleArn } from './arns';
import { parseConditions, type WireCondition } from './conditions';
import { operationNotPermitted, ruleNotFound, validation } from './errors';
import { syncHealthChecks } from './health-checks';
import { list, num, str, strings, type WireTag } from './input';
import type { RuleRecord } from './model';
import type { OperationHandler } from './operation-context';
import { defaultRuleToWire, ruleToWire } from './wire';

export const createRule: OperationHandler = async (ctx, input) => {
  const { store } = ctx;
  const listener = store.listener(str(input['ListenerArn']) ?? '');
  const priority = num(input['Priority']) ?? 0;
  if (!Number.isInteger(priority) || priority < 1 || priority > 50000) {
    throw validation(`Priority '${priority}' must be between 1 and 50000`);
  }
  if (store.rulesOf(listener.arn).some((r) => r.priority === priority)) {
    throw new AwsError('PriorityInUse', `Priority '${priority}' is currently in use`);
  }
  const conditions = parseConditions(list<WireCondition>(input['Conditions']));
  if (conditions.length === 0) throw validation('A rule must have at least one condition');
  const actions = parseActions(list<WireAction>(input['Actions']));
  store.checkTargetGroupsExist(actions);
  const rule: RuleRecord = {
    arn: ruleArn(store.scope, listener.arn),
    listenerArn: listener.arn,
    priority,
    conditions,
    actions,
  };
  store.rules.set(rule.arn, rule);
  store.setTags(rule.arn, list<WireTag>(input['Tags']));
  await syncHealthChecks(ctx);
  return { Rules: [ruleToWire(rule)] };
};

/** By RuleArns (default rules included), else a listener's rules by priority followed by its default rule. */
export const describeRules: OperationHandler = ({ store }, input) => {
  const listenerArn = str(input['ListenerArn']);
  const ruleArns = strings(input['RuleArns']);
  if (listenerArn === undefined && ruleArns.length === 0) {
    throw validation('You must specify either listener ARN or rule ARNs');
  }
  if (ruleArns.length > 0) {
    return {
      Rules: ruleArns.map((arn) => {
        const rule = store.rules.get(arn);
        if (rule) return ruleToWire(rule);
        const owner = [...store.listeners.values()].find((l) => l.defaultRuleArn === arn);
        if (owner) return defaultRuleToWire(owner);
        throw ruleNotFound();
      }),
    };
  }
  const listener = store.listener(listenerArn ?? '');
  return {
    Rules: [...store.rulesOf(listener.arn).map((r) => ruleToWire(r)), defaultRuleToWire(listener)],
  };
};

/** On a default rule only the actions may change (they are the listener's default actions). */
export const modifyRule: OperationHandler = async (ctx, input) => {
  const { store } = ctx;
  const arn = str(input['RuleArn']) ?? '';
  const conditions =
    input['Conditions'] === undefined ? undefined : parseConditions(list<WireCondition>(input['Conditions']));
  const actions = input['Actions'] === undefined ? undefined : parseActions(list<WireAction>(input['Actions']));
  if (actions) store.checkTargetGroupsExist(actions);
  const defaultOf = [...store.listeners.values()].find((l) => l.defaultRuleArn === arn);
  if (defaultOf) {
    if (conditions && conditions.length > 0) {
      throw operationNotPermitted('Conditions cannot be added to a default rule');
    }
    if (actions) defaultOf.defaultActions = actions;
    await syncHealthChecks(ctx);
    return { Rules: [defaultRuleToWire(defaultOf)] };
  }
  const rule = store.rules.get(arn);
  if (!rule) throw ruleNotFound();
  if (conditions) {
    if (conditions.length === 0) throw validation('A rule must have at least one condition');
    rule.conditions = conditions;
  }
  if (actions) rule.actions = actions;
  await syncHealthChecks(ctx);
  return { Rules: [ruleToWire(rule)] };
};

export const deleteRule: OperationHandler = async (ctx, input) => {
  const { store } = ctx;
  const arn = str(input['RuleArn']) ?? '';
  if ([...store.listeners.values()].some((l) => l.defaultRuleArn === arn)) {
    throw operationNotPermitted('Default rule cannot be deleted');
  }
  if (!store.rules.delete(arn)) throw ruleNotFound();
  store.tags.delete(arn);
  await syncHealthChecks(ctx);
  return {};
};
