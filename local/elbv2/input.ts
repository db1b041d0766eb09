/**
 * Readers for decoded query-protocol request members (PascalCase, as the ELBv2 API names them). The local AWS server
 * has already validated the request against the SDK's schema (required and unknown members, member types, enum
 * values; local/aws/validation), so these readers only narrow the types: a member of another type reads as absent.
 */
export type Input = Readonly<Record<string, unknown>>;

/** A response, or a part of one, in the wire shape the query protocol serialises to XML. */
export type Output = Record<string, unknown>;

export type WireTag = { Key?: string; Value?: string };
export type WireTarget = { Id?: string; Port?: number; AvailabilityZone?: string };

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
export const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
export const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
