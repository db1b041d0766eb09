import type { NextStep } from '../../contract';
import type { ChoiceRule, ChoiceState, Condition, PassState, Payload, Retrier, States, TaskState } from './asl';
import {
  catchTo,
  changeTask,
  containsStates,
  elb,
  fmtReject,
  inlineMap,
  type OnError,
  retry,
  undoCatch,
  undoRetry,
} from './basics';
import { deleteTargetGroupTask, ownerTagsCheckStates, taskSetTargetGroupsStates } from './target-groups';

/**
 * The controller-owned listener rules: production (ProdRuleArn), test (TestRuleArn), previous-version
 * (PreviousRuleArn, on the test listener, routes no request: it keeps a version health-checked), and the deployment
 * rules deploy-green adds at priority 100 of the test listener.
 */

/** The target group a forward rule sends to, below the rule (or its `actions`). */
export const FORWARDED_TG = 'Actions[0].ForwardConfig.TargetGroups[0].TargetGroupArn';
const actionsTg = (rulePath: string): string => `${rulePath}.actions[0].ForwardConfig.TargetGroups[0].TargetGroupArn`;

/** The rule read by describeRuleTask() into `rulePath` forwards (rather than answering a fixed response). */
export const forwards = (rulePath: string): Condition => ({
  Variable: `${rulePath}.actions[0].Type`,
  StringEquals: 'forward',
});
/**
 * The rule forwards by weight to more than one target group: production split between blue and green by a traffic
 * shift (swap writes blue first, then green; forwardSplitTask()). Every reader that takes a rule as forwarding to one
 * target group (forwards() with sameTargetGroup(), locateTaskSetStates()) must check this first and either handle the
 * split or refuse it (productionSplitReject()).
 */
export const forwardsSplit = (rulePath: string): Condition => ({
  Variable: `${rulePath}.actions[0].ForwardConfig.TargetGroups[1]`,
  IsPresent: true,
});

/**
 * Refusal of an operation that needs production on one version while it is split between blue and green (a traffic
 * shift stopped part-way): swap finishes the shift, rollback puts production back on blue.
 */
export function productionSplitReject(machine: string, next: readonly NextStep[] = ['swap', 'rollback']): PassState {
  const fix = next.includes('rollback')
    ? 'Run swap to finish it (production then serves green alone), or rollback to send production back to the previous version.'
    : 'The deployment record names no swap to go back from: run swap to finish the shift (production then serves green alone), then rollback if you want the previous version.';
  return fmtReject(
    'BlueGreen.ProductionSplit',
    `States.Format('${machine} refused: production of service {} is split between two versions by weight ({}), a traffic shift that did not finish. ${fix} Nothing was changed.', $.service, States.JsonToString($.prodRule.actions[0].ForwardConfig.TargetGroups))`,
    next,
  );
}

/**
 * ModifyRule: production split by weight, blue (listed first, so a reader of TargetGroups[0] sees the version that
 * is still primary) and green, with the weights at `weightsPath` ({blueWeight, greenWeight}: 0 to 999 each).
 */
export function forwardSplitTask(
  blueTgPath: string,
  greenTgPath: string,
  weightsPath: string,
  next: string,
  onError: OnError,
  comment?: string,
): TaskState {
  const actions = [
    {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { 'TargetGroupArn.$': blueTgPath, 'Weight.$': `${weightsPath}.blueWeight` },
          { 'TargetGroupArn.$': greenTgPath, 'Weight.$': `${weightsPath}.greenWeight` },
        ],
      },
    },
  ];
  return changeTask(elb('modifyRule'), { RuleArn: '${ProdRuleArn}', Actions: actions }, next, onError, { comment });
}

/** Both rules forward, and to the same target group. Only after forwards() of both: the paths must exist. */
export const sameTargetGroup = (rulePath: string, otherRulePath: string, next: string): ChoiceRule => ({
  Variable: actionsTg(rulePath),
  StringEqualsPath: actionsTg(otherRulePath),
  Next: next,
});

/**
 * Does the test listener serve what production serves (a swap happened, and clean-up has not closed it yet)? Goes
 * to `split` when production is split by weight (a traffic shift that did not finish), `testClosed` when the test rule does not forward, `prodNotForwarding` when production does not, `same` when
 * both forward to one target group, else `different`.
 */
export function testServesProductionChoice({
  comment,
  split,
  testClosed,
  prodNotForwarding,
  same,
  different,
}: {
  comment: string;
  /** Production split by weight (forwardsSplit()): neither "same" nor "different", refused by the caller. */
  split: string;
  testClosed: string;
  prodNotForwarding: string;
  same: string;
  different: string;
}): ChoiceState {
  return {
    Type: 'Choice',
    Comment: comment,
    Choices: [
      { ...forwardsSplit('$.prodRule'), Next: split },
      { Not: forwards('$.testRule'), Next: testClosed },
      { Not: forwards('$.prodRule'), Next: prodNotForwarding },
      sameTargetGroup('$.testRule', '$.prodRule', same),
    ],
    Default: different,
  };
}

/** DescribeRules of one controller-owned rule (by its placeholder) into `<resultPath>.actions`. */
export function describeRuleTask(
  ruleArn: string,
  resultPath: string,
  next: string,
  { comment, onError = 'FailBeforeChanges' }: { comment?: string; onError?: string } = {},
): TaskState {
  return {
    Type: 'Task',
    Resource: elb('describeRules'),
    ...(comment ? { Comment: comment } : {}),
    Parameters: { RuleArns: [ruleArn] },
    ResultSelector: { 'actions.$': '$.Rules[0].Actions' },
    ResultPath: resultPath,
    Retry: retry,
    Catch: catchTo(onError),
    Next: next,
  };
}

/** A rule forwarding to one target group (weight 1), as the controller-owned rules do once a version is in them. */
export const forwardTo = (tgPath: string): Payload[] => [
  { Type: 'forward', ForwardConfig: { TargetGroups: [{ 'TargetGroupArn.$': tgPath, Weight: 1 }] } },
];

/** ModifyRule: the rule (its ARN, or `{ path }` to it) forwards to the target group at `tgPath`. */
export function forwardRuleTask(
  rule: string | { path: string },
  tgPath: string,
  next: string,
  onError: OnError,
  options?: { comment?: string; retrier?: readonly Retrier[] },
): TaskState {
  const ruleArn: Payload = typeof rule === 'string' ? { RuleArn: rule } : { 'RuleArn.$': rule.path };
  return changeTask(elb('modifyRule'), { ...ruleArn, Actions: forwardTo(tgPath) }, next, onError, options);
}

/** Undo: ModifyRule puts the rule's actions back as describeRuleTask() found them (at `actionsPath`). */
export function restoreRuleTask(ruleArn: string, actionsPath: string, next: string, comment?: string): TaskState {
  const parameters = { RuleArn: ruleArn, 'Actions.$': actionsPath };
  return changeTask(elb('modifyRule'), parameters, next, undoCatch(), { comment, retrier: undoRetry });
}

/** ModifyRule: a controller-owned rule answers its idle fixed 503 again (the text CDK gave it, so nothing drifts). */
export function fixedResponseRuleTask(
  ruleArn: string,
  message: string,
  next: string,
  onError: OnError,
  retrier: readonly Retrier[] = retry,
): TaskState {
  const actions = [
    {
      Type: 'fixed-response',
      FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain', MessageBody: message },
    },
  ];
  return changeTask(elb('modifyRule'), { RuleArn: ruleArn, Actions: actions }, next, onError, { retrier });
}

/** The test rule answers a fixed response again (nothing under test). */
export function closeTestListener(next: string, onError: string): TaskState {
  return fixedResponseRuleTask('${TestRuleArn}', '${TestListenerIdleMessage}', next, onError);
}

/**
 * ModifyRule: the previous-version rule forwards to the version production is about to leave, so ELBv2 keeps
 * health-checking it and a swap undo or a rollback returns production to checked targets.
 */
export function keepPreviousInUse(tgPath: string, next: string, onError: string): TaskState {
  return forwardRuleTask('${PreviousRuleArn}', tgPath, next, onError);
}

/** The previous-version rule answers its fixed response again (no previous version kept). */
export function resetPreviousRule(next: string, onError: OnError, retrier?: readonly Retrier[]): TaskState {
  return fixedResponseRuleTask('${PreviousRuleArn}', '${PreviousRuleIdleMessage}', next, onError, retrier);
}

/**
 * Removes deployment rules (the lock/health-check rules deploy-green adds at priority 100 of the test listener) left
 * by an interrupted deploy-green, and the target group such a rule forwards to when no task set uses it.
 */
export function releaseDeploymentRulesStates(next: string, onError: string): States {
  return {
    ListDeploymentRules: {
      Type: 'Task',
      Resource: elb('describeRules'),
      Parameters: { ListenerArn: '${TestListenerArn}' },
      ResultSelector: { 'rules.$': '$.Rules' },
      ResultPath: '$.listenerRules',
      Retry: retry,
      Catch: catchTo(onError),
      Next: 'AnyTaskSetTargetGroups',
    },
    ...taskSetTargetGroupsStates({
      any: 'AnyTaskSetTargetGroups',
      list: 'ListTaskSetTargetGroups',
      none: 'NoTaskSetTargetGroups',
      taskSetsPath: '$.current.services[0].TaskSets',
      resultPath: '$.taskSetTargetGroups',
      next: 'RemoveDeploymentRules',
    }),
    RemoveDeploymentRules: inlineMap({
      itemsPath: '$.listenerRules.rules',
      maxConcurrency: 1,
      itemSelector: { 'rule.$': '$$.Map.Item.Value', 'inUse.$': '$.taskSetTargetGroups.arns' },
      startAt: 'IsDeploymentRule',
      states: {
        IsDeploymentRule: {
          Type: 'Choice',
          Choices: [{ Variable: '$.rule.Priority', StringEquals: '100', Next: 'DeploymentRuleDescribeTags' }],
          Default: 'NotADeploymentRule',
        },
        ...ownerTagsCheckStates({
          prefix: 'DeploymentRule',
          arnPath: '$.rule.RuleArn',
          resultPath: '$.tags',
          ours: 'DeleteDeploymentRule',
          notOurs: 'NotADeploymentRule',
        }),
        NotADeploymentRule: { Type: 'Pass', Parameters: { removed: false }, End: true },
        DeleteDeploymentRule: {
          Type: 'Task',
          Resource: elb('deleteRule'),
          Parameters: { 'RuleArn.$': '$.rule.RuleArn' },
          ResultPath: null,
          Retry: retry,
          Catch: [
            {
              ErrorEquals: ['ElasticLoadBalancingV2.RuleNotFoundException'],
              ResultPath: null,
              Next: 'ForwardsToOrphan',
            },
          ],
          Next: 'ForwardsToOrphan',
        },
        ForwardsToOrphan: {
          Type: 'Choice',
          Comment: 'A target group only this rule used (its task set is gone) would otherwise be left behind.',
          Choices: [
            {
              Not: { Variable: `$.rule.${FORWARDED_TG}`, IsPresent: true },
              Next: 'DeploymentRuleRemoved',
            },
            { Variable: '$.inUse[0]', IsPresent: true, Next: 'IsOrphanInUse' },
          ],
          Default: 'DeleteOrphanTargetGroup',
        },
        ...containsStates({
          check: 'IsOrphanInUse',
          choose: 'IsOrphan',
          list: '$.inUse',
          item: `$.rule.${FORWARDED_TG}`,
          resultPath: '$.orphan',
          flag: 'inUse',
          contained: 'DeploymentRuleRemoved',
          notContained: 'DeleteOrphanTargetGroup',
        }),
        DeleteOrphanTargetGroup: deleteTargetGroupTask({
          tgPath: `$.rule.${FORWARDED_TG}`,
          next: 'DeploymentRuleRemoved',
        }),
        DeploymentRuleRemoved: {
          Type: 'Pass',
          Parameters: { removed: true, 'ruleArn.$': '$.rule.RuleArn' },
          End: true,
        },
      },
      resultPath: '$.removedRules',
      onError,
      next,
    }),
  };
}
