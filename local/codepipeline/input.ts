/**
 * Readers for decoded JSON request members. The local AWS server has already validated the request against
 * `@aws-sdk/client-codepipeline`'s schema (required and unknown members, member types), so these only narrow types.
 */
export type Input = Readonly<Record<string, unknown>>;

/** A string member, or '' when absent (the name checks then report it as AWS does). */
export const str = (input: Input, member: string): string => {
  const value = input[member];
  return typeof value === 'string' ? value : '';
};
