import { PC_TEXT, pcError } from './errors';
import { header, type SandboxRequest, type SandboxResponse } from './http';

/**
 * Partner Center's paging: `size` in the query, the next page asked for with `seekOperation=Next` and the
 * continuation token in the MS-ContinuationToken header (the token also comes back in `links.next.headers`).
 * The token is opaque to clients; here it names the collection it belongs to, so one from another list is refused.
 */

export interface PageRequest {
  offset: number;
  size: number;
}

const MAX_SIZE = 500;

interface TokenBody {
  c: string;
  o: number;
  s: number;
}

const encode = (t: TokenBody) => Buffer.from(JSON.stringify(t)).toString('base64url');

function decode(token: string): TokenBody | undefined {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenBody>;
    if (typeof t.c !== 'string' || !Number.isInteger(t.o) || !Number.isInteger(t.s) || t.o! < 0 || t.s! < 1) return undefined;
    return t as TokenBody;
  } catch {
    return undefined;
  }
}

/** Where this request's page starts and how long it is; a 400 for a bad size or a token of another collection. */
export function pageRequest(req: SandboxRequest, collection: string, defaultSize: number): PageRequest | SandboxResponse {
  const rawSize = req.query.get('size');
  const size = rawSize === null ? undefined : Number(rawSize);
  if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > MAX_SIZE)) {
    return pcError(400, '400', `The size parameter must be a whole number from 1 to ${MAX_SIZE}.`);
  }
  const token = header(req, 'MS-ContinuationToken');
  const seekNext = (req.query.get('seekOperation') ?? '').toLowerCase() === 'next';
  if (!token) return seekNext ? pcError(400, '400', PC_TEXT.badContinuation) : { offset: 0, size: size ?? defaultSize };
  const t = decode(token);
  if (!t || t.c !== collection) return pcError(400, '400', PC_TEXT.badContinuation);
  return { offset: t.o, size: size ?? t.s };
}

/** A Partner Center collection page: `{totalCount, items, links: {self, next?}, attributes}`. */
export function collectionPage<T>(items: T[], p: PageRequest, collection: string, uri: string): object {
  const end = p.offset + p.size;
  const next = end < items.length ? encode({ c: collection, o: end, s: p.size }) : undefined;
  const sep = uri.includes('?') ? '&' : '?';
  const slice = items.slice(p.offset, end);
  return {
    // UNCONFIRMED whether Partner Center counts this page or the whole list; clients must not rely on it.
    totalCount: slice.length,
    items: slice,
    links: {
      self: { uri: `${uri}${sep}size=${p.size}`, method: 'GET', headers: [] },
      ...(next ? { next: { uri: `${uri}${sep}size=${p.size}&seekOperation=Next`, method: 'GET', headers: [{ key: 'MS-ContinuationToken', value: next }] } } : {}),
    },
    attributes: { objectType: 'Collection' },
  };
}
