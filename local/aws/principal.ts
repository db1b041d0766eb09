/**
 * Who signed a request. Each state machine's SDK calls are signed with an access key derived from its role ARN, so
 * the emulator can record which role made each call and check it against that role's policy (least privilege).
 * Keys are reversible encodings, not secrets: this is local AWS and nothing here is a credential.
 */
const PREFIX = 'LOCALROLE';

export function accessKeyForRole(roleArn: string): string {
  return PREFIX + Buffer.from(roleArn, 'utf8').toString('base64url');
}

/** The role ARN behind an access key made by accessKeyForRole, or undefined for any other key. */
export function roleForAccessKey(accessKeyId: string): string | undefined {
  if (!accessKeyId.startsWith(PREFIX)) return undefined;
  return Buffer.from(accessKeyId.slice(PREFIX.length), 'base64url').toString('utf8');
}

/** The Credential=AKID/… part of a SigV4 Authorization header, or undefined when unsigned. */
export function accessKeyFromAuthorization(header: string | undefined): string | undefined {
  const match = /Credential=([^/,\s]+)\//.exec(header ?? '');
  return match?.[1];
}
