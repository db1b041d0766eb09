/**
 * The usage-error contract (cli/exit-codes.ts): exit 2, nothing on stdout, one line on stderr that starts with
 * `bluegreen: `, says what is wrong (`line`) and carries no stack trace.
 */
export function expectUsageError(
  result: { readonly code: number | null; readonly stdout: string; readonly stderr: string },
  line: RegExp,
): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(/^bluegreen: /);
  expect(result.stderr.trimEnd()).toMatch(line);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}
