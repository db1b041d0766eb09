/** maxResults/nextToken paging over an in-memory list, with an opaque token as AWS hands out. */
import { AwsError } from '../aws/service';

export function paginate<T>(
  items: readonly T[],
  maxResults: unknown,
  nextToken: unknown,
  defaultPageSize = 100,
): { page: T[]; nextToken?: string } {
  const size = typeof maxResults === 'number' && maxResults > 0 ? Math.min(maxResults, 1000) : defaultPageSize;
  let start = 0;
  if (typeof nextToken === 'string' && nextToken !== '') {
    start = Number(Buffer.from(nextToken, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0 || start > items.length) {
      throw new AwsError('InvalidToken', `Invalid nextToken: '${nextToken}'`);
    }
  }
  const end = start + size;
  const page = items.slice(start, end);
  return end < items.length ? { page, nextToken: Buffer.from(String(end), 'utf8').toString('base64url') } : { page };
}
