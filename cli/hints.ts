/**
 * Every command the CLI prints for the user to run next (`Next: …`, `Resume with: …`, status's next commands, error
 * messages that name a command) is built here, so that it runs as printed in the context it was printed in: the way
 * the CLI was invoked (`npx bluegreen` under npm, else `bluegreen`) and the global flags that chose the target
 * (`--local`, `--endpoint-url`, `--stack`, `--region`, `--profile`; never `--json`). Pure: no I/O.
 */

/** Overrides how the CLI names itself in hints (e.g. `npx bluegreen`, or `node cli/bin/bluegreen.js`). */
export const INVOCATION_ENV = 'BLUEGREEN_INVOCATION';

/** What a hint needs to know about the target (the global options as given). */
export interface TargetFlags {
  readonly stack?: string;
  /** The stack the CLI uses when `--stack` is not given: no flag is printed for it. */
  readonly defaultStack?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly endpointUrl?: string;
  readonly local?: boolean;
  /** The service, in a stack with several controllers (`--service`). */
  readonly service?: string;
}

/** Characters a POSIX shell takes literally in an unquoted word. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One shell word: as it is when it is safe, else in single quotes. */
export function shellQuote(word: string): string {
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Splits a command line the way a POSIX shell would (quotes and backslashes; no expansions). For tests and hints. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word = `${word ?? ''}${c}`;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1] as string))
        word = `${word ?? ''}${line[++i] ?? ''}`;
      else word = `${word ?? ''}${c}`;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < line.length) {
      word = `${word ?? ''}${line[++i] ?? ''}`;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) throw new Error(`Unterminated ${quote} in: ${line}`);
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * How the user ran the CLI: `BLUEGREEN_INVOCATION` when set; `npx bluegreen` when npm started it (npx and `npm exec`
 * set `npm_command=exec`, `npm run` scripts set `npm_command=run-script`; in both cases a bare `bluegreen` is not on
 * the user's PATH); else `bluegreen` (installed globally or linked).
 */
export function invocation(env: Readonly<Record<string, string | undefined>>): string {
  const override = env[INVOCATION_ENV]?.trim();
  if (override) return override;
  if (env.npm_command || env.npm_lifecycle_event === 'npx') return 'npx bluegreen';
  return 'bluegreen';
}

/** The global flags that select the target, in a fixed order, each value quoted for the shell. */
export function targetFlags(flags: TargetFlags): string[] {
  const words: string[] = [];
  if (flags.local) words.push('--local');
  if (flags.endpointUrl !== undefined) words.push('--endpoint-url', shellQuote(flags.endpointUrl));
  if (flags.stack !== undefined && flags.stack !== flags.defaultStack) words.push('--stack', shellQuote(flags.stack));
  if (flags.region !== undefined) words.push('--region', shellQuote(flags.region));
  if (flags.profile !== undefined) words.push('--profile', shellQuote(flags.profile));
  if (flags.service !== undefined) words.push('--service', shellQuote(flags.service));
  return words;
}

/** The words every hint starts with: the invocation, then the target's flags. */
export function commandPrefix(flags: TargetFlags, env: Readonly<Record<string, string | undefined>>): string {
  return [invocation(env), ...targetFlags(flags)].join(' ');
}

/** What the hints of one run are built from. */
export interface Hints {
  /** `bluegreen`, `npx bluegreen --local`, … (see commandPrefix). */
  readonly prefix: string;
  /**
   * The arguments of a runnable `deploy` when the run does not say which release to deploy (e.g. after a refused
   * swap): `--image <ImageRepositoryUri>:<commit>` for the checkout the CLI runs in, as the pipeline would build it.
   * Undefined when unknown: the hint then names the flag to fill in.
   */
  readonly deployArgs?: readonly string[];
}

export const PLAIN_HINTS: Hints = { prefix: 'bluegreen' };

/** A command line to print: the prefix, then the command and its arguments (each quoted for the shell). */
export function hint(hints: Hints, ...args: readonly string[]): string {
  return [hints.prefix, ...args.map(shellQuote)].join(' ');
}
