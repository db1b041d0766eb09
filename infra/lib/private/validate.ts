/**
 * Pure prop validation shared by the constructs. Every message names the prop, the value it got, what is allowed,
 * and how to fix it, because these errors surface in `cdk synth` far away from the code that set the value.
 */

export class PropValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PropValidationError';
  }
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** True for an IPv4 CIDR block such as `10.0.0.0/16` (octets 0-255, prefix 0-32). */
export function isIpv4Cidr(value: string): boolean {
  const match = IPV4_CIDR.exec(value);
  if (!match) return false;
  const [, a, b, c, d, prefix] = match;
  return [a, b, c, d].every((octet) => Number(octet) <= 255) && Number(prefix) <= 32;
}

export function validateCidrList(prop: string, cidrs: readonly string[]): void {
  if (cidrs.length === 0) {
    throw new PropValidationError(
      `${prop} is empty. Give at least one IPv4 CIDR block (for example ['10.0.0.0/16']), or omit ${prop} to allow only the VPC.`,
    );
  }
  for (const cidr of cidrs) {
    if (!isIpv4Cidr(cidr)) {
      throw new PropValidationError(
        `${prop} contains '${cidr}', which is not an IPv4 CIDR block. Use the form a.b.c.d/n with octets 0-255 and n 0-32, for example '203.0.113.0/24'.`,
      );
    }
    if (cidr.endsWith('/0')) {
      throw new PropValidationError(
        `${prop} contains '${cidr}', which opens the test listener to the whole internet. Green versions are unreleased: list the office or VPN ranges that may test them instead.`,
      );
    }
  }
}

export function validateIntegerInRange(prop: string, value: number, min: number, max: number, hint: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new PropValidationError(`${prop} is ${value}, but it must be a whole number from ${min} to ${max}. ${hint}`);
  }
}

/** Names that end up inside AWS resource names: letters, digits and hyphens, bounded length. */
export function validateName(prop: string, value: string, maxLength: number, why: string): void {
  if (!/^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(value)) {
    throw new PropValidationError(
      `${prop} is '${value}', but it may contain only letters, digits and hyphens, and must start and end with a letter or digit.`,
    );
  }
  if (value.length > maxLength) {
    throw new PropValidationError(
      `${prop} is '${value}' (${value.length} characters), but at most ${maxLength} are allowed because ${why}. Choose a shorter name.`,
    );
  }
}
