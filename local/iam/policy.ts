/**
 * IAM identity-based policy evaluation, for the subset of the policy language our roles use, with AWS's semantics:
 *
 * - default deny; an explicit `Deny` that matches wins over any `Allow`;
 * - `Action`/`NotAction`: `service:Name` patterns with `*` and `?`, matched case-insensitively;
 * - `Resource`/`NotResource`: ARN patterns with `*` and `?`, matched case-sensitively within each of the six
 *   colon-separated ARN segments (`*` alone matches every resource);
 * - `Condition`: every operator block and every key must match (AND), any of a key's values may match (OR); a key
 *   missing from the request context fails a positive operator and passes a negated one; `…IfExists` passes when the
 *   key is missing. `ForAllValues:` holds when every value in the request matches some policy value (and when the
 *   key is missing or empty); `ForAnyValue:` when at least one does (never when it is missing). Operators outside
 *   the supported list, and condition keys the request context is not built for (see MODELLED_CONDITION_KEYS),
 *   fail loudly rather than being guessed: a key nobody fills would otherwise pass every negated operator.
 *
 * References: IAM User Guide, "Policy evaluation logic", "IAM JSON policy elements: Action / Resource / Condition
 * operators" (docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html) and "Single-valued
 * vs. multivalued context keys" (reference_policies_condition-single-vs-multi-valued-context-keys.html).
 */

export type PolicyValue = string | readonly string[];

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: PolicyValue;
  readonly NotAction?: PolicyValue;
  readonly Resource?: PolicyValue;
  readonly NotResource?: PolicyValue;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, PolicyValue>>>>;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: PolicyStatement | readonly PolicyStatement[];
}

/** A statement and where it came from, so reports can point at the template. */
export interface SourcedStatement {
  readonly statement: PolicyStatement;
  /** e.g. `StateMachinesDeployGreenRoleDefaultPolicy9C491D6E`, or `RoleLogicalId.Policies[0]` for inline policies. */
  readonly policy: string;
  readonly index: number;
}

/** One authorization IAM would evaluate: an action on a resource, with request context keys. */
export interface AuthorizationRequest {
  /** `ecs:CreateTaskSet`, `elasticloadbalancing:ModifyRule`, `iam:PassRole`. */
  readonly action: string;
  /** The resource ARN, or `*` for actions without resource-level permissions. */
  readonly resource: string;
  /** Condition keys present in the request, e.g. `{ 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }`. */
  readonly context?: Readonly<Record<string, PolicyValue>>;
  /**
   * Set when the called service checks this permission of the caller itself before acting, rather than IAM on the
   * request: Application Auto Scaling's "permissions validation for API calls on target resources" (the target
   * service's and CloudWatch's actions). A refusal is then that service's ValidationException naming the missing
   * permissions, not AccessDenied. @default undefined: IAM authorizes it (AccessDenied when refused)
   */
  readonly validatedBy?: 'application-autoscaling';
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface Evaluation {
  readonly decision: Decision;
  /** The statements that matched with the deciding effect (Deny statements for ExplicitDeny, Allow ones for Allow). */
  readonly matched: readonly SourcedStatement[];
}

export const asList = (value: PolicyValue | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

function globToRegExp(pattern: string, flags: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}

/** `*` any characters, `?` one character; the whole string must match. */
export function globMatches(pattern: string, value: string, caseInsensitive = false): boolean {
  return globToRegExp(pattern, caseInsensitive ? 'is' : 's').test(value);
}

/** Action names are case-insensitive (`ecs:createtaskset` grants `ecs:CreateTaskSet`). */
export function actionMatches(pattern: string, action: string): boolean {
  return globMatches(pattern, action, true);
}

/** `arn:partition:service:region:account:resource` → its six segments (the resource keeps any further colons). */
function arnSegments(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** Resource ARNs match segment by segment, case-sensitively; `*` alone matches everything. */
export function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  const p = arnSegments(pattern);
  const r = arnSegments(resource);
  if (!p || !r) return globMatches(pattern, resource);
  return p.every((segment, i) => globMatches(segment, r[i] ?? ''));
}

type Operator = (policyValue: string, requestValue: string) => boolean;

const OPERATORS: Readonly<Record<string, { readonly test: Operator; readonly negated: boolean }>> = {
  StringEquals: { test: (p, r) => p === r, negated: false },
  StringNotEquals: { test: (p, r) => p === r, negated: true },
  StringEqualsIgnoreCase: { test: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { test: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: true },
  StringLike: { test: (p, r) => globMatches(p, r), negated: false },
  StringNotLike: { test: (p, r) => globMatches(p, r), negated: true },
  ArnEquals: { test: (p, r) => p === r, negated: false },
  ArnNotEquals: { test: (p, r) => p === r, negated: true },
  ArnLike: { test: (p, r) => resourceMatches(p, r), negated: false },
  ArnNotLike: { test: (p, r) => resourceMatches(p, r), negated: true },
  Bool: { test: (p, r) => p.toLowerCase() === r.toLowerCase(), negated: false },
};

export class UnsupportedPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedPolicyError';
  }
}

/**
 * The condition keys local authorization puts in the request context (request-authorization.ts), matched
 * case-insensitively; `…/` entries are prefixes (`aws:ResourceTag/bluegreen:stack`). Multivalued keys may be used
 * only with `ForAllValues:` / `ForAnyValue:`.
 */
export const MODELLED_CONDITION_KEYS: ReadonlyArray<{ readonly key: string; readonly multivalued: boolean }> = [
  { key: 'iam:PassedToService', multivalued: false },
  { key: 'aws:RequestTag/', multivalued: false },
  { key: 'aws:ResourceTag/', multivalued: false },
  { key: 'aws:TagKeys', multivalued: true },
  { key: 'ecs:CreateAction', multivalued: false },
  { key: 'ecs:cluster', multivalued: false },
  { key: 'elasticloadbalancing:CreateAction', multivalued: false },
  { key: 'application-autoscaling:scalable-dimension', multivalued: false },
  { key: 'application-autoscaling:service-namespace', multivalued: false },
];

function modelledKey(key: string): { readonly key: string; readonly multivalued: boolean } {
  const lower = key.toLowerCase();
  const found = MODELLED_CONDITION_KEYS.find((k) =>
    k.key.endsWith('/')
      ? lower.startsWith(k.key.toLowerCase()) && lower.length > k.key.length
      : lower === k.key.toLowerCase(),
  );
  if (!found) {
    throw new UnsupportedPolicyError(
      `Condition key ${key} is not modelled locally (the request context never carries it), so a condition on it cannot be judged. ` +
        'Add it to MODELLED_CONDITION_KEYS in local/iam/policy.ts and fill it in local/iam/request-authorization.ts.',
    );
  }
  return found;
}

function conditionKeyValue(
  context: Readonly<Record<string, PolicyValue>> | undefined,
  key: string,
): readonly string[] | undefined {
  if (!context) return undefined;
  // Condition key names are case-insensitive.
  const found = Object.keys(context).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : asList(context[found]);
}

const SET_OPERATORS = ['ForAllValues', 'ForAnyValue'] as const;

export function conditionsMatch(
  condition: PolicyStatement['Condition'],
  context: AuthorizationRequest['context'],
): boolean {
  if (!condition) return true;
  return Object.entries(condition).every(([rawOperator, keys]) => {
    const [qualifier, base] = rawOperator.includes(':')
      ? [rawOperator.slice(0, rawOperator.indexOf(':')), rawOperator.slice(rawOperator.indexOf(':') + 1)]
      : [undefined, rawOperator];
    if (qualifier !== undefined && !(SET_OPERATORS as readonly string[]).includes(qualifier)) {
      throw new UnsupportedPolicyError(`Condition set operator ${rawOperator} is not modelled locally.`);
    }
    const ifExists = base.endsWith('IfExists');
    if (ifExists && qualifier !== undefined) {
      throw new UnsupportedPolicyError(`Condition operator ${rawOperator} is not modelled locally.`);
    }
    const name = ifExists ? base.slice(0, -'IfExists'.length) : base;
    const operator = OPERATORS[name];
    if (!operator) throw new UnsupportedPolicyError(`Condition operator ${rawOperator} is not modelled locally.`);
    return Object.entries(keys).every(([key, policyValues]) => {
      const { multivalued } = modelledKey(key);
      if (multivalued !== (qualifier !== undefined)) {
        throw new UnsupportedPolicyError(
          multivalued
            ? `${key} is multivalued: use ForAllValues:${name} or ForAnyValue:${name}, not ${rawOperator}.`
            : `${key} is single-valued: ${rawOperator} is not modelled for it.`,
        );
      }
      const requestValues = conditionKeyValue(context, key);
      // One request value against the policy values: a positive operator matches any of them, a negated one none.
      const valueMatches = (r: string): boolean => {
        const any = asList(policyValues).some((p) => operator.test(p, r));
        return operator.negated ? !any : any;
      };
      if (qualifier === 'ForAllValues') return (requestValues ?? []).every(valueMatches);
      if (qualifier === 'ForAnyValue') return (requestValues ?? []).some(valueMatches);
      if (requestValues === undefined) return ifExists || operator.negated;
      const any = asList(policyValues).some((p) => requestValues.some((r) => operator.test(p, r)));
      return operator.negated ? !any : any;
    });
  });
}

/** Whether the statement applies to the request (ignoring its effect). */
export function statementMatches(statement: PolicyStatement, request: AuthorizationRequest): boolean {
  const actionOk =
    statement.Action !== undefined
      ? asList(statement.Action).some((a) => actionMatches(a, request.action))
      : statement.NotAction !== undefined && !asList(statement.NotAction).some((a) => actionMatches(a, request.action));
  if (!actionOk) return false;
  const resourceOk =
    statement.Resource !== undefined
      ? asList(statement.Resource).some((r) => resourceMatches(r, request.resource))
      : statement.NotResource !== undefined &&
        !asList(statement.NotResource).some((r) => resourceMatches(r, request.resource));
  return resourceOk && conditionsMatch(statement.Condition, request.context);
}

/** Identity-based policy evaluation for one principal: explicit deny, else allow, else implicit deny. */
export function evaluate(statements: readonly SourcedStatement[], request: AuthorizationRequest): Evaluation {
  const matching = statements.filter((s) => statementMatches(s.statement, request));
  const denies = matching.filter((s) => s.statement.Effect === 'Deny');
  if (denies.length > 0) return { decision: 'ExplicitDeny', matched: denies };
  const allows = matching.filter((s) => s.statement.Effect === 'Allow');
  return allows.length > 0 ? { decision: 'Allow', matched: allows } : { decision: 'ImplicitDeny', matched: [] };
}

/** The statements of a policy document as a list, checked for the fields evaluation relies on. */
export function statementsOf(document: PolicyDocument, policy: string): SourcedStatement[] {
  const list: readonly PolicyStatement[] = Array.isArray(document.Statement)
    ? (document.Statement as readonly PolicyStatement[])
    : [document.Statement as PolicyStatement];
  return list.map((statement, index) => {
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
      throw new UnsupportedPolicyError(`${policy} statement ${index} has Effect ${String(statement.Effect)}.`);
    }
    if ((statement.Action === undefined) === (statement.NotAction === undefined)) {
      throw new UnsupportedPolicyError(`${policy} statement ${index} needs exactly one of Action and NotAction.`);
    }
    if ((statement.Resource === undefined) === (statement.NotResource === undefined)) {
      throw new UnsupportedPolicyError(`${policy} statement ${index} needs exactly one of Resource and NotResource.`);
    }
    return { statement, policy, index };
  });
}
