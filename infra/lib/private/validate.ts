/**
 * Pure prop validation shared by the constructs. Every message names the prop, the value it got, what is allowed,
 * and how to fix it, because these errors surface in `cdk synth` far away from the code that set the value.
 */

import { ALL_AT_ONCE, formatTrafficShift, trafficShiftProblems, type TrafficShift } from '../../../contract';

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

/** The largest range a test-listener CIDR may be (10.0.0.0/8, a whole private network, still fits). */
const MIN_PREFIX = 8;

/** Whether the union of the CIDR blocks is the whole IPv4 space (e.g. 0.0.0.0/1 and 128.0.0.0/1). */
export function coversAllOfIpv4(cidrs: readonly string[]): boolean {
  const ranges = cidrs
    .map((cidr) => {
      const [address = '', prefix = '32'] = cidr.split('/');
      const start = address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
      const size = 2 ** (32 - Number(prefix));
      const first = Math.floor(start / size) * size;
      return [first, first + size] as const;
    })
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  for (const [first, end] of ranges) {
    if (first > covered) return false;
    covered = Math.max(covered, end);
  }
  return covered >= 2 ** 32;
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
    if (Number(cidr.split('/')[1]) < MIN_PREFIX) {
      throw new PropValidationError(
        `${prop} contains '${cidr}', a range larger than a /${MIN_PREFIX} (${2 ** (32 - Number(cidr.split('/')[1]))} addresses): that is the public internet in all but name. List the office or VPN ranges that may test green, each /${MIN_PREFIX} or smaller.`,
      );
    }
  }
  if (coversAllOfIpv4(cidrs)) {
    throw new PropValidationError(
      `${prop} (${cidrs.join(', ')}) together cover every IPv4 address, which opens the test listener to the whole internet. List the office or VPN ranges that may test green instead.`,
    );
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

/**
 * The stack's default traffic shift (prop `prop`), checked with the contract's rules (contract/traffic-shift.ts, limits
 * in contract/inputs.ts); returns its compact form for the swap state machine's `${TrafficShift}` substitution.
 */
export function validateTrafficShift(prop: string, value: TrafficShift | undefined): string {
  if (value === undefined) return formatTrafficShift(ALL_AT_ONCE);
  const problems = trafficShiftProblems(value, prop);
  if (problems.length > 0) {
    throw new PropValidationError(
      `${problems.join(' ')} Omit ${prop} for all-at-once (the default), or see contract/traffic-shift.ts for the shapes.`,
    );
  }
  return formatTrafficShift(value);
}
