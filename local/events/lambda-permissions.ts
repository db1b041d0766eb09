/**
 * Lambda resource-based policy statements (what AddPermission / AWS::Lambda::Permission adds to a function's policy),
 * as far as EventBridge's invocations of a Lambda target need them. EventBridge invokes a Lambda function with the
 * function's resource-based policy, not with a role: the invocation is allowed only when a statement grants
 * `lambda:InvokeFunction` to the principal `events.amazonaws.com` on that function (same qualifier), and its
 * conditions hold (`SourceArn`, matched as ArnLike against the rule's ARN; `SourceAccount`, the rule's account).
 */
export interface LambdaPermission {
  /** The statement id (the physical id CloudFormation reports). */
  readonly id: string;
  /** The function's name, ARN or partial ARN, with an optional qualifier (version or alias). */
  readonly functionName: string;
  readonly action: string;
  readonly principal: string;
  readonly sourceArn?: string;
  readonly sourceAccount?: string;
}

/** A Lambda function as an invocation names it: its name, its qualifier (alias/version) and its region/account. */
export interface FunctionRef {
  readonly name: string;
  readonly qualifier?: string;
  readonly region?: string;
  readonly accountId?: string;
}

const FUNCTION_ARN =
  /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9_$-]{1,128}))?$/;
const PARTIAL_ARN = /^(\d{12}):function:([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9_$-]{1,128}))?$/;
const NAME = /^([A-Za-z0-9_-]{1,64})(?::([A-Za-z0-9_$-]{1,128}))?$/;

/** Parses a function name, ARN or partial ARN (Lambda's three forms); undefined when it is none of them. */
export function functionRef(nameOrArn: string): FunctionRef | undefined {
  const arn = FUNCTION_ARN.exec(nameOrArn);
  if (arn) return { region: arn[1], accountId: arn[2], name: arn[3] ?? '', ...(arn[4] && { qualifier: arn[4] }) };
  const partial = PARTIAL_ARN.exec(nameOrArn);
  if (partial) return { accountId: partial[1], name: partial[2] ?? '', ...(partial[3] && { qualifier: partial[3] }) };
  const name = NAME.exec(nameOrArn);
  if (name) return { name: name[1] ?? '', ...(name[2] && { qualifier: name[2] }) };
  return undefined;
}

export const isLambdaFunctionArn = (arn: string): boolean => FUNCTION_ARN.test(arn);

/** IAM's ArnLike: `*` matches any run of characters and `?` any one, within each of the ARN's six fields. */
export function arnLike(pattern: string, arn: string): boolean {
  const patternParts = pattern.split(':');
  const arnParts = arn.split(':');
  if (patternParts.length < 6 || arnParts.length < 6) return false;
  // The resource part may itself contain colons: compare the first five fields, then the rest as one.
  const fields = (parts: string[]): string[] => [...parts.slice(0, 5), parts.slice(5).join(':')];
  const [p, a] = [fields(patternParts), fields(arnParts)];
  return p.every((field, i) => {
    const regex = new RegExp(
      `^${field
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    );
    return regex.test(a[i] ?? '');
  });
}

export const EVENTS_PRINCIPAL = 'events.amazonaws.com';

export interface InvocationBy {
  readonly principal: string;
  readonly sourceArn: string;
  readonly sourceAccount: string;
}

/** Whether this statement lets `by` invoke `target` (lambda:InvokeFunction). */
export function permits(permission: LambdaPermission, target: FunctionRef, by: InvocationBy): boolean {
  const on = functionRef(permission.functionName);
  if (on === undefined || on.name !== target.name || on.qualifier !== target.qualifier) return false;
  if (on.region !== undefined && target.region !== undefined && on.region !== target.region) return false;
  if (on.accountId !== undefined && target.accountId !== undefined && on.accountId !== target.accountId) return false;
  if (permission.action !== 'lambda:InvokeFunction' && permission.action !== 'lambda:*' && permission.action !== '*') {
    return false;
  }
  if (permission.principal !== by.principal && permission.principal !== '*') return false;
  if (permission.sourceArn !== undefined && !arnLike(permission.sourceArn, by.sourceArn)) return false;
  if (permission.sourceAccount !== undefined && permission.sourceAccount !== by.sourceAccount) return false;
  return true;
}
