/**
 * What a listener does with one request: the first rule by priority whose conditions match, else the default actions.
 * Evaluated per request from the rules as they stand, so ModifyRule/ModifyListener take effect on the next request.
 */
import type { ListenerRequest, RouteDecision, RouteTarget } from '../dataplane/types';
import type { Action } from './actions';
import { conditionsMatch } from './conditions';
import type { RuleRecord } from './model';

export interface RoutingView {
  readonly rules: readonly RuleRecord[];
  readonly defaultActions: readonly Action[];
  routeTargets(targetGroupArn: string): RouteTarget[];
}

function decide(actions: readonly Action[], view: RoutingView): RouteDecision {
  // The terminal action is the last one by order; forward and fixed-response are both terminal.
  const action = [...actions].sort((a, b) => (a.order ?? 0) - (b.order ?? 0)).at(-1);
  if (!action) return { kind: 'fixed', statusCode: 503, contentType: 'text/plain', body: 'No action' };
  if (action.type === 'fixed-response') {
    return {
      kind: 'fixed',
      statusCode: Number(action.statusCode),
      contentType: action.contentType ?? 'text/plain',
      body: action.messageBody ?? '',
    };
  }
  return {
    kind: 'forward',
    groups: action.targetGroups.map((tg) => ({
      weight: tg.weight,
      targets: view.routeTargets(tg.targetGroupArn),
      id: tg.targetGroupArn,
    })),
  };
}

export function routeRequest(request: ListenerRequest, view: RoutingView): RouteDecision {
  const rule = [...view.rules]
    .sort((a, b) => a.priority - b.priority)
    .find((r) => conditionsMatch(r.conditions, request));
  return decide(rule ? rule.actions : view.defaultActions, view);
}
