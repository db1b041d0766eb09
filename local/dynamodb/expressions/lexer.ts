/**
 * Tokens of DynamoDB expressions (condition, update, projection): names, `#name` and `:value` placeholders, list
 * indexes, comparators, arithmetic and punctuation. Keywords (AND, OR, NOT, SET, REMOVE, …) are plain names here and
 * recognised case-insensitively by the parsers, as DynamoDB does.
 */
import { validation } from '../errors';

export type TokenKind = 'name' | 'nameRef' | 'valueRef' | 'integer' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly at: number;
}

export type ExpressionKind = 'ConditionExpression' | 'UpdateExpression' | 'ProjectionExpression';

const PUNCTUATION = ['<>', '<=', '>=', '=', '<', '>', '(', ')', '[', ']', '.', ',', '+', '-'] as const;

export function tokenize(text: string, kind: ExpressionKind): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const word = /[A-Za-z0-9_]/;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    const start = i;
    if (ch === '#' || ch === ':') {
      i += 1;
      while (i < text.length && word.test(text.charAt(i))) i += 1;
      if (i === start + 1) throw syntaxError(kind, ch, text, start);
      tokens.push({ kind: ch === '#' ? 'nameRef' : 'valueRef', text: text.slice(start, i), at: start });
      continue;
    }
    if (/[0-9]/.test(ch)) {
      while (i < text.length && /[0-9]/.test(text.charAt(i))) i += 1;
      if (i < text.length && /[A-Za-z_]/.test(text.charAt(i))) {
        while (i < text.length && word.test(text.charAt(i))) i += 1;
        tokens.push({ kind: 'name', text: text.slice(start, i), at: start });
      } else {
        tokens.push({ kind: 'integer', text: text.slice(start, i), at: start });
      }
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      while (i < text.length && word.test(text.charAt(i))) i += 1;
      tokens.push({ kind: 'name', text: text.slice(start, i), at: start });
      continue;
    }
    const punct = PUNCTUATION.find((p) => text.startsWith(p, i));
    if (punct === undefined) throw syntaxError(kind, ch, text, start);
    i += punct.length;
    tokens.push({ kind: 'punct', text: punct, at: start });
  }
  tokens.push({ kind: 'eof', text: '<EOF>', at: text.length });
  return tokens;
}

/** `Invalid UpdateExpression: Syntax error; token: "=", near: "a =="` (the `near` text is approximated). */
export function syntaxError(kind: ExpressionKind, token: string, text: string, at: number): Error {
  const near = text.slice(Math.max(0, at - 10), Math.min(text.length, at + token.length + 10)).trim();
  return validation(`Invalid ${kind}: Syntax error; token: "${token}", near: "${near}"`);
}

/** A cursor over the tokens with the helpers every expression parser needs. */
export class TokenStream {
  private index = 0;
  constructor(
    private readonly tokens: readonly Token[],
    readonly text: string,
    readonly kind: ExpressionKind,
  ) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as Token;
  }

  next(): Token {
    const token = this.peek();
    if (this.index < this.tokens.length - 1) this.index += 1;
    return token;
  }

  /** Whether the next token is the keyword (case-insensitive) or punctuation `text`. */
  is(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    if (token.kind === 'punct') return token.text === text;
    return token.kind === 'name' && token.text.toUpperCase() === text.toUpperCase();
  }

  accept(text: string): boolean {
    if (!this.is(text)) return false;
    this.next();
    return true;
  }

  expect(text: string): Token {
    if (!this.is(text)) throw this.unexpected();
    return this.next();
  }

  unexpected(token: Token = this.peek()): Error {
    return syntaxError(this.kind, token.text, this.text, token.at);
  }
}
