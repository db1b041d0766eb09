/**
 * Errors the deployment functions throw. Lambda reports a thrown error's `name` as its error type, and the Step
 * Functions lambda:invoke integration turns that into the Task's error, so these names are what ASL Catchers match.
 */

import { ECHO_MAX_LENGTH } from '../../contract';

export const INVALID_INPUT = 'BlueGreen.InvalidInput';
export const SMOKE_TEST_FAILED = 'BlueGreen.SmokeTestFailed';

export type BlueGreenErrorName = typeof INVALID_INPUT | typeof SMOKE_TEST_FAILED;

export class BlueGreenError extends Error {
  /** One sentence per problem; `message` is all of them joined. */
  public readonly problems: readonly string[];

  constructor(name: BlueGreenErrorName, problems: readonly string[]) {
    super(problems.join(' '));
    this.name = name;
    this.problems = problems;
  }
}

/**
 * Control characters (C0, DEL, C1), bidirectional formatting (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069),
 * line and paragraph separators and the BOM: shown as `\\uXXXX` so a message can neither reorder nor hide the text
 * around it (an RLO, U+202E, would display the rest of the line reversed).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

/** `text` with its unsafe characters (see UNSAFE) as `\\uXXXX` escapes. */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `text` cut to `max` characters, never inside a surrogate pair, and whether it was cut. */
function cut(text: string, max: number): { readonly head: string; readonly cut: boolean } {
  if (text.length <= max) return { head: text, cut: false };
  const end = /[\ud800-\udbff]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return { head: text.slice(0, end), cut: true };
}

/**
 * What a message may repeat of a text a caller gave: cut to `max` characters and followed by `… (N characters)` when
 * it is longer, and escaped (escapeUnsafe).
 */
export function echo(text: string, max: number = ECHO_MAX_LENGTH): string {
  const { head, cut: wasCut } = cut(text, max);
  return wasCut ? `${escapeUnsafe(head)}… (${text.length} characters)` : escapeUnsafe(head);
}

/**
 * A value as it appears in messages: strings quoted, everything else as JSON; long values cut and unsafe characters
 * escaped (echo()), so a message stays short and reads as written whatever the input was.
 */
export function show(value: unknown, max: number = ECHO_MAX_LENGTH): string {
  if (typeof value === 'string') {
    const { head, cut: wasCut } = cut(value, max);
    return `'${escapeUnsafe(head)}'${wasCut ? `… (${value.length} characters)` : ''}`;
  }
  let text: string;
  if (value === undefined) text = 'undefined';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return echo(text, max);
}
