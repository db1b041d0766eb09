// asl-validator ships no TypeScript types; this is the part of its API we use.
declare module 'asl-validator' {
  interface AslValidationError {
    'Error code': string;
    Message: string;
  }
  function validator(
    definition: unknown,
    options?: Record<string, unknown>,
  ): { isValid: boolean; errors: AslValidationError[] };
  export = validator;
}
