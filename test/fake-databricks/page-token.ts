import { errors } from './api.js';

/**
 * Offset page tokens for the list endpoints added with policies, pools, pipelines and warehouses. Tokens are
 * opaque to clients; each endpoint names its own `kind`, so a token from one listing is refused by another,
 * as a real token would be.
 */
export function encodeOffsetToken(kind: string, offset: number): string {
  return Buffer.from(`${kind}:${offset}`).toString('base64url');
}

/** The offset a token carries (0 for none); a token this listing did not hand out is a 400. */
export function decodeOffsetToken(kind: string, token: string | undefined, field = 'page_token'): number {
  if (token === undefined || token === '') return 0;
  const match = new RegExp(`^${kind}:(\\d+)$`).exec(Buffer.from(token, 'base64url').toString());
  if (!match) throw errors.invalidParameter(`${field} '${token}' is not a token this API returned.`);
  return Number(match[1]);
}

/** One page of `items` from `offset`, and the token of the next page when more remain. */
export function pageOf<T>(
  kind: string,
  items: readonly T[],
  offset: number,
  size: number,
): { page: T[]; nextPageToken?: string; prevPageToken?: string } {
  const page = items.slice(offset, offset + size);
  const end = offset + page.length;
  return {
    page,
    ...(end < items.length && { nextPageToken: encodeOffsetToken(kind, end) }),
    ...(offset > 0 && { prevPageToken: encodeOffsetToken(kind, Math.max(0, offset - size)) }),
  };
}
