/**
 * The forms Invoke's FunctionName takes (API reference: "Name formats"): a name (`my-function`), a name with a
 * version or alias (`my-function:v1`), a partial ARN (`123456789012:function:my-function`) and a full ARN
 * (`arn:aws:lambda:us-west-2:123456789012:function:my-function`), each with or without `:QUALIFIER`. The pattern
 * and the length limit (170) are the API reference's for the member.
 */
export const FUNCTION_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const FUNCTION_NAME = new RegExp(`^${FUNCTION_NAME_PATTERN}$`);
export const FUNCTION_NAME_MAX_LENGTH = 170;

/** The pattern and length limits of the Qualifier query parameter. */
export const QUALIFIER_PATTERN = '(|[a-zA-Z0-9$_-]+)';
const QUALIFIER = new RegExp(`^${QUALIFIER_PATTERN}$`);
export const QUALIFIER_MAX_LENGTH = 128;

/** A function reference taken apart. Region and account are those the reference names, if it names them. */
export interface FunctionReference {
  readonly name: string;
  readonly region?: string;
  readonly accountId?: string;
  readonly qualifier?: string;
}

/** The parts of a FunctionName, or undefined when it does not match the API's pattern. */
export function parseFunctionName(functionName: string): FunctionReference | undefined {
  const match = FUNCTION_NAME.exec(functionName);
  if (!match) return undefined;
  const region = match[3]?.slice(0, -1);
  const accountId = match[5]?.slice(0, -1);
  const qualifier = match[9];
  return {
    name: match[7] ?? '',
    ...(region !== undefined && { region }),
    ...(accountId !== undefined && { accountId }),
    ...(qualifier !== undefined && { qualifier }),
  };
}

export const isValidQualifier = (qualifier: string): boolean => QUALIFIER.test(qualifier);

/** `arn:aws:lambda:REGION:ACCOUNT:function:NAME`, with `:QUALIFIER` when one is given. */
export const functionArn = (region: string, accountId: string, name: string, qualifier?: string): string =>
  `arn:aws:lambda:${region}:${accountId}:function:${name}${qualifier === undefined ? '' : `:${qualifier}`}`;

/**
 * The ARN IAM evaluates an Invoke against: the function's, qualified when the call names a version or alias (in the
 * name or the Qualifier parameter), in the region and account the reference names or else the caller's.
 */
export function invokedArn(
  functionName: string,
  qualifierParameter: string | undefined,
  scope: { readonly region: string; readonly accountId: string },
): string | undefined {
  const ref = parseFunctionName(functionName);
  if (!ref) return undefined;
  const qualifier = ref.qualifier ?? (qualifierParameter === '' ? undefined : qualifierParameter);
  return functionArn(ref.region ?? scope.region, ref.accountId ?? scope.accountId, ref.name, qualifier);
}
