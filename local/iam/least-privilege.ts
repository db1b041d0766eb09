/**
 * Least privilege, checked against what really happened: every call a role made (from the local AWS call log) is
 * evaluated against that role's policies as IAM would, and every grant is matched against the calls that used it.
 *
 * - `checkCalls`: calls a role signed that IAM would refuse (AccessDenied on AWS), with call, role, action, resource.
 * - `unusedGrants`: actions a role grants that no call used (over-grant), resources listed for an action that no
 *   call of that action touched, and `*` resources where every call named a specific ARN (could be narrowed).
 * - `trusts`: whether a role's trust policy lets the principal that assumed it (a role, or a service) do so.
 */
import type { CallRecord } from '../aws/call-log';
import {
  actionMatches,
  asList,
  conditionsMatch,
  evaluate,
  resourceMatches,
  type AuthorizationRequest,
  type Decision,
  type SourcedStatement,
} from './policy';
import { authorizationsFor, type AccountScope } from './request-authorization';
import type { RolePolicies, TrustedPrincipals } from './template-policies';

export interface AuthorizedCall {
  /** What made the authorization: an API call from the call log, or a Task Step Functions ran itself. */
  readonly source: string;
  /** The call log record, for calls that went through local AWS's API. */
  readonly call?: CallRecord;
  readonly role: RolePolicies;
  readonly request: AuthorizationRequest;
  readonly decision: Decision;
  readonly matched: readonly SourcedStatement[];
}

export interface Violation extends AuthorizedCall {
  readonly message: string;
}

export interface CallCheck {
  /** One entry per IAM authorization of every call signed by a known role. */
  readonly authorized: readonly AuthorizedCall[];
  readonly violations: readonly Violation[];
  /** Calls signed by a principal that is none of the given roles (not judged). */
  readonly otherPrincipals: readonly CallRecord[];
}

const roleName = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

export function describeCall(call: CallRecord): string {
  const outcome = call.outcome.ok ? 'ok' : call.outcome.errorCode;
  return `${call.service} ${call.operation} at ${call.time} (${outcome}) ${JSON.stringify(call.input).slice(0, 300)}`;
}

/** The part of a Step Functions history event this needs (structurally an SDK HistoryEvent). */
export interface ScheduledTaskEvent {
  readonly timestamp?: Date;
  readonly taskScheduledEventDetails?: {
    readonly resourceType?: string;
    readonly resource?: string;
    readonly parameters?: string;
  };
}

/** One execution's history and the role its state machine runs as. */
export interface ExecutionRecord {
  readonly executionArn: string;
  readonly roleArn: string;
  readonly history: readonly ScheduledTaskEvent[];
}

const DYNAMODB_INTEGRATIONS: Readonly<Record<string, string>> = {
  getItem: 'dynamodb:GetItem',
  putItem: 'dynamodb:PutItem',
  updateItem: 'dynamodb:UpdateItem',
  deleteItem: 'dynamodb:DeleteItem',
};

/**
 * Integrations Step Functions performs itself with the role, which never reach local AWS's API and so are not in the
 * call log: `lambda:invoke` → lambda:InvokeFunction on the function (ARN as given, qualifier included);
 * `dynamodb:getItem|putItem|updateItem|deleteItem` → dynamodb:<Op> on the table. aws-sdk
 * Tasks are skipped here (the call log has them); any other integration fails loudly until it is mapped.
 */
export function integrationAuthorizations(
  history: readonly ScheduledTaskEvent[],
  scope: AccountScope,
): Array<{ readonly request: AuthorizationRequest; readonly source: string }> {
  return history.flatMap((event) => {
    const details = event.taskScheduledEventDetails;
    if (!details?.resourceType || details.resourceType.startsWith('aws-sdk:')) return [];
    const source = `Step Functions ${details.resourceType}:${details.resource ?? '?'} ${details.parameters ?? ''}`;
    // The callback pattern (invoke.waitForTaskToken) invokes the function the same way.
    if (
      details.resourceType === 'lambda' &&
      (details.resource === 'invoke' || details.resource === 'invoke.waitForTaskToken')
    ) {
      const parameters = JSON.parse(details.parameters ?? '{}') as { FunctionName?: unknown };
      const name = String(parameters.FunctionName);
      const resource = name.startsWith('arn:')
        ? name
        : name.includes(':function:')
          ? `arn:aws:lambda:${scope.region}:${name}`
          : `arn:aws:lambda:${scope.region}:${scope.accountId}:function:${name}`;
      return [{ request: { action: 'lambda:InvokeFunction', resource }, source: source.slice(0, 300) }];
    }
    // Optimized DynamoDB integrations: Step Functions calls DynamoDB with the role (dynamodb:GetItem … on the table).
    // If local Step Functions reaches local DynamoDB through its API signed as the role, the call log maps the same
    // call again (request-authorization.ts); judging it twice changes nothing.
    const dynamoDbAction = DYNAMODB_INTEGRATIONS[details.resource ?? ''];
    if (details.resourceType === 'dynamodb' && dynamoDbAction) {
      const parameters = JSON.parse(details.parameters ?? '{}') as { TableName?: unknown };
      const table = String(parameters.TableName);
      const resource = table.startsWith('arn:')
        ? table
        : `arn:aws:dynamodb:${scope.region}:${scope.accountId}:table/${table}`;
      return [{ request: { action: dynamoDbAction, resource }, source: source.slice(0, 300) }];
    }
    throw new Error(
      `No IAM mapping for the Step Functions integration ${details.resourceType}:${String(details.resource)}; ` +
        'add it to integrationAuthorizations in local/iam/least-privilege.ts.',
    );
  });
}

export interface CheckOptions {
  /**
   * The authorizations of a logged call, with their condition keys. Default: mapped now, without resource tags; pass
   * `AuthorizationRecord.of` (resource-tags.ts) to judge each call by the resource tags it met when it was made.
   */
  readonly authorizationsOf?: (call: CallRecord) => readonly AuthorizationRequest[];
}

/**
 * Evaluates every call signed by one of `roles` (unsigned calls are ignored, unknown operations throw), and the
 * integrations Step Functions ran itself in the given executions.
 *
 * `assumedBy` maps a role to the role that assumes it before signing as it (a pipeline action role → the pipeline's
 * service role): the first call signed as the assumed role also authorizes sts:AssumeRole on it for the assuming role,
 * which must be one of `roles`.
 */
export function checkCalls(
  calls: readonly CallRecord[],
  roles: readonly RolePolicies[],
  scope: AccountScope,
  executions: readonly ExecutionRecord[] = [],
  assumedBy: ReadonlyMap<string, string> = new Map(),
  options: CheckOptions = {},
): CallCheck {
  const authorizationsOf = options.authorizationsOf ?? ((call: CallRecord) => authorizationsFor(call, scope));
  const byArn = new Map(roles.map((r) => [r.roleArn, r]));
  const authorized: AuthorizedCall[] = [];
  const otherPrincipals: CallRecord[] = [];
  const assumed = new Set<string>();
  for (const call of calls) {
    if (call.principal === undefined) continue;
    const role = byArn.get(call.principal);
    if (!role) {
      otherPrincipals.push(call);
      continue;
    }
    const assumerArn = assumedBy.get(role.roleArn);
    if (assumerArn !== undefined && !assumed.has(role.roleArn)) {
      assumed.add(role.roleArn);
      const assumer = byArn.get(assumerArn);
      if (!assumer) throw new Error(`${role.roleArn} is assumed by ${assumerArn}, which is not given.`);
      const request = { action: 'sts:AssumeRole', resource: role.roleArn };
      const { decision, matched } = evaluate(assumer.statements, request);
      const source = `${roleName(assumerArn)} assumed ${roleName(role.roleArn)} to sign ${describeCall(call)}`;
      authorized.push({ source, call, role: assumer, request, decision, matched });
    }
    for (const request of authorizationsOf(call)) {
      const { decision, matched } = evaluate(role.statements, request);
      authorized.push({ source: describeCall(call), call, role, request, decision, matched });
    }
  }
  for (const execution of executions) {
    const role = byArn.get(execution.roleArn);
    if (!role) throw new Error(`Execution ${execution.executionArn} runs as ${execution.roleArn}, which is not given.`);
    for (const { request, source } of integrationAuthorizations(execution.history, scope)) {
      const { decision, matched } = evaluate(role.statements, request);
      authorized.push({ source: `${source} in ${execution.executionArn}`, role, request, decision, matched });
    }
  }
  const violations = authorized
    .filter((a) => a.decision !== 'Allow')
    .map((a) => ({
      ...a,
      message:
        `${a.source}: role ${roleName(a.role.roleArn)} would get ` +
        (a.request.validatedBy === 'application-autoscaling'
          ? "Application Auto Scaling's ValidationException (its permission validation on the target) "
          : 'AccessDenied ') +
        `(${a.decision === 'ExplicitDeny' ? 'explicit deny' : 'no statement allows it'}) for ${a.request.action} ` +
        `on ${a.request.resource}${a.request.context ? ` with ${JSON.stringify(a.request.context)}` : ''}`,
    }));
  return { authorized, violations, otherPrincipals };
}

/** Who assumes a role: a role (by ARN) or an AWS service principal (`events.amazonaws.com`). */
export type AssumingPrincipal = { readonly role: string } | { readonly service: string };

/**
 * Whether a trust policy lets `principal` assume the role, as IAM reads the Principal element: a service by name; a
 * role by its ARN, or through its account (`arn:aws:iam::ACCOUNT:root` or the bare account id, which then leaves the
 * decision to the caller's own policies), or `*`.
 */
export function trusts(trusted: TrustedPrincipals, principal: AssumingPrincipal): boolean {
  if ('service' in principal) return trusted.services.includes(principal.service);
  const account = /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(principal.role)?.[1];
  return trusted.aws.some(
    (p) =>
      p === '*' ||
      p === principal.role ||
      (account !== undefined && (p === account || p.endsWith(`:iam::${account}:root`))),
  );
}

export type UnusedGrantKind =
  /** No call used this action of the statement. */
  | 'action'
  /** Calls used the action, but none on this resource of the statement. */
  | 'resource'
  /** The statement grants the action on `*`, yet every call named a specific resource (could be scoped). */
  | 'wildcard-resource';

export interface UnusedGrant {
  readonly kind: UnusedGrantKind;
  readonly roleLogicalId: string;
  readonly policy: string;
  readonly statementIndex: number;
  readonly action: string;
  readonly resource: string;
  readonly message: string;
}

export interface UnusedGrantOptions {
  /** Action prefixes granted for Step Functions itself (logging, tracing), not for the flows. */
  readonly ignoreActionPrefixes?: readonly string[];
}

export const STEP_FUNCTIONS_OWN_PREFIXES = ['logs:', 'xray:'];

/** Grants of `role` that none of `used` (the role's allowed authorizations) needed. */
export function unusedGrants(
  role: RolePolicies,
  used: readonly AuthorizationRequest[],
  options: UnusedGrantOptions = {},
): UnusedGrant[] {
  const ignored = options.ignoreActionPrefixes ?? STEP_FUNCTIONS_OWN_PREFIXES;
  const found: UnusedGrant[] = [];
  for (const { statement, policy, index } of role.statements) {
    if (statement.Effect !== 'Allow') continue;
    const grant = (kind: UnusedGrantKind, action: string, resource: string, why: string): void => {
      found.push({
        kind,
        roleLogicalId: role.roleLogicalId,
        policy,
        statementIndex: index,
        action,
        resource,
        message: `${role.roleLogicalId} (${policy} statement ${index}) grants ${action} on ${resource}, but ${why}`,
      });
    };
    const resources = asList(statement.Resource);
    for (const action of asList(statement.Action)) {
      if (ignored.some((p) => action.toLowerCase().startsWith(p))) continue;
      const ofAction = used.filter(
        (r) => actionMatches(action, r.action) && conditionsMatch(statement.Condition, r.context),
      );
      const matching = ofAction.filter((r) => resources.some((p) => resourceMatches(p, r.resource)));
      if (matching.length === 0) {
        grant('action', action, resources.join(', ') || '(NotResource)', 'no flow called it.');
        continue;
      }
      for (const resource of resources) {
        const hits = matching.filter((r) => resourceMatches(resource, r.resource));
        if (hits.length === 0) {
          grant('resource', action, resource, `no ${action} call touched it (they touched ${distinct(matching)}).`);
        } else if (resource === '*' && hits.every((r) => r.resource !== '*')) {
          grant('wildcard-resource', action, resource, `every call named a specific resource: ${distinct(hits)}.`);
        }
      }
    }
  }
  return found;
}

function distinct(requests: readonly AuthorizationRequest[]): string {
  return [...new Set(requests.map((r) => r.resource))].join(', ');
}
