/**
 * The ECS List* paging: maxResults between 1 and 100 (100 when omitted), and a nextToken to pass back for the next
 * page. The token is the offset of the next page, opaque to callers.
 */
import { invalidParameter } from './errors';

export function paginate<K extends string>(
  member: K,
  items: readonly string[],
  maxResults = 100,
  nextToken?: string,
): { [P in K]: string[] } & { nextToken?: string } {
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) {
    throw invalidParameter('maxResults must be between 1 and 100.');
  }
  const start = nextToken === undefined ? 0 : Number(Buffer.from(nextToken, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) throw invalidParameter('Invalid nextToken.');
  const end = start + maxResults;
  const page = { [member]: items.slice(start, end) } as { [P in K]: string[] };
  return end < items.length ? { ...page, nextToken: Buffer.from(String(end)).toString('base64url') } : page;
}
