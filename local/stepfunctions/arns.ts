/** Step Functions ARNs and resource names. */
import { AwsError } from '../aws/service';

export function stateMachineArn(region: string, accountId: string, name: string): string {
  return `arn:aws:states:${region}:${accountId}:stateMachine:${name}`;
}

export function executionArn(region: string, accountId: string, stateMachineName: string, name: string): string {
  return `arn:aws:states:${region}:${accountId}:execution:${stateMachineName}:${name}`;
}

/** Names may not contain whitespace, brackets, wildcards, most punctuation or control characters (1–80 chars). */
const INVALID_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

function hasControlCharacter(name: string): boolean {
  return [...name].some((ch) => {
    const code = ch.charCodeAt(0);
    return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
  });
}

export function checkName(name: unknown, what: string): string {
  if (
    typeof name !== 'string' ||
    name.length < 1 ||
    name.length > 80 ||
    INVALID_NAME_CHARACTERS.test(name) ||
    hasControlCharacter(name)
  ) {
    throw new AwsError('InvalidName', `Invalid ${what} name: '${String(name)}'`);
  }
  return name;
}

export function checkArn(arn: unknown, kind: 'stateMachine' | 'execution'): string {
  if (typeof arn !== 'string' || !new RegExp(`^arn:aws[a-z-]*:states:[a-z0-9-]+:\\d{12}:${kind}:`).test(arn)) {
    throw new AwsError('InvalidArn', `Invalid Arn: '${String(arn)}'`);
  }
  return arn;
}
