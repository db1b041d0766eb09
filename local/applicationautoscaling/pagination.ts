/**
 * NextToken/MaxResults over a list in a stable order: the token is the key of the last item returned (base64 JSON,
 * where AWS's is opaque); a token naming no item of the list is InvalidNextTokenException.
 */
import { invalidNextToken } from './errors';

export function page<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  maxResults: number,
  nextToken: string | undefined,
): { readonly items: T[]; readonly nextToken?: string } {
  let start = 0;
  if (nextToken !== undefined) {
    let after: unknown;
    try {
      after = JSON.parse(Buffer.from(nextToken, 'base64').toString('utf8'));
    } catch {
      throw invalidNextToken();
    }
    const index = items.findIndex((item) => keyOf(item) === after);
    if (typeof after !== 'string' || index < 0) throw invalidNextToken();
    start = index + 1;
  }
  const slice = items.slice(start, start + maxResults);
  const lastItem = slice.at(-1);
  const more = start + maxResults < items.length && lastItem !== undefined;
  return {
    items: slice,
    ...(more && { nextToken: Buffer.from(JSON.stringify(keyOf(lastItem))).toString('base64') }),
  };
}
