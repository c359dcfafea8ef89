import { graphError } from './errors';
import { header, type SandboxRequest, type SandboxResponse } from './http';

/**
 * The OData query options the customer-tenant collections answer, as Graph does for directory objects
 * ("Use the $search query parameter", "Advanced query capabilities on Microsoft Entra ID objects",
 * learn.microsoft.com/graph/search-query-parameter and /graph/aad-advanced-queries):
 * - `$search` only with `ConsistencyLevel: eventual`, else 400 Request_UnsupportedQuery with Graph's text;
 *   clauses are `"property:value"` in double quotes joined by OR / AND; a value matches when each of its words is
 *   the start of a word of the property (Graph tokenises on spaces, punctuation and case changes);
 * - `$top` (1–999, default 100) and an opaque `$skiptoken` in an absolute `@odata.nextLink`;
 * - `$select` (comma separated; unknown names are ignored here).
 */

export const SEARCH_NEEDS_EVENTUAL = "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'";

export type Searchable = Record<string, string | null | undefined>;

interface Clause {
  property: string;
  value: string;
}

/** Words of a property value: split on non-alphanumerics and lower→upper case changes, lowercased. */
function words(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

function matches(item: Searchable, c: Clause): boolean {
  const value = item[c.property];
  if (!value) return false;
  const have = words(value);
  return words(c.value).every((w) => have.some((h) => h.startsWith(w)));
}

/**
 * A filter from `$search`, or a 400 answer; undefined when there is no `$search`. `searchable` lists the
 * properties this collection supports in a clause (others: 400, UNCONFIRMED wording).
 */
export function searchFilter(req: SandboxRequest, searchable: readonly string[]): ((item: Searchable) => boolean) | SandboxResponse | undefined {
  const raw = req.query.get('$search');
  if (raw === null) return undefined;
  if ((header(req, 'ConsistencyLevel') ?? '').toLowerCase() !== 'eventual') return graphError(400, 'Request_UnsupportedQuery', SEARCH_NEEDS_EVENTUAL);
  const parts = raw.trim().split(/\s+(OR|AND)\s+(?=")/);
  const clauses: Clause[] = [];
  const ops: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 1) {
      ops.push(parts[i]);
      continue;
    }
    const m = /^"([A-Za-z]+):([^"]*)"$/.exec(parts[i].trim());
    if (!m || !searchable.includes(m[1]) || m[2].trim() === '') return graphError(400, 'Request_UnsupportedQuery', `Unsupported or invalid $search clause: ${parts[i].slice(0, 100)}`);
    clauses.push({ property: m[1], value: m[2] });
  }
  // AND binds tighter than OR, as in Graph's search syntax.
  const groups: Clause[][] = [[clauses[0]]];
  ops.forEach((op, i) => (op === 'AND' ? groups[groups.length - 1].push(clauses[i + 1]) : groups.push([clauses[i + 1]])));
  return (item) => groups.some((g) => g.every((c) => matches(item, c)));
}

export interface PageRequest {
  top: number;
  skip: number;
  select?: string[];
}

export function pageOf(req: SandboxRequest): PageRequest | SandboxResponse {
  const rawTop = req.query.get('$top');
  const top = rawTop === null ? 100 : Number(rawTop);
  if (!Number.isInteger(top) || top < 1 || top > 999) return graphError(400, 'Request_BadRequest', `Invalid page size specified: '${rawTop}'. Must be between 1 and 999 inclusive.`);
  const rawSkip = req.query.get('$skiptoken');
  const skip = rawSkip === null ? 0 : Number(Buffer.from(rawSkip, 'base64url').toString('utf8'));
  if (!Number.isInteger(skip) || skip < 0) return graphError(400, 'Request_BadRequest', 'Invalid skip token.');
  const select = req.query.get('$select');
  return { top, skip, select: select ? select.split(',').map((f) => f.trim()).filter(Boolean) : undefined };
}

/** Only the selected properties (all of `full` when nothing was selected), `id` always. */
export function selected(full: Record<string, unknown>, select: string[] | undefined, defaults?: readonly string[]): Record<string, unknown> {
  const fields = select ?? defaults ?? Object.keys(full);
  return Object.fromEntries(Object.entries(full).filter(([k]) => k === 'id' || k.startsWith('@odata') || fields.includes(k)));
}

/** One page of `all`, with an absolute next link on the origin the caller used that keeps the query options. */
export function odataPage(req: SandboxRequest, context: string, all: Array<Record<string, unknown>>, page: PageRequest): SandboxResponse {
  const value = all.slice(page.skip, page.skip + page.top);
  let nextLink: string | undefined;
  if (page.skip + page.top < all.length) {
    const next = new URL(`${req.origin}${req.path}`);
    for (const [k, v] of req.query) if (k !== '$skiptoken') next.searchParams.set(k, v);
    next.searchParams.set('$skiptoken', Buffer.from(String(page.skip + page.top)).toString('base64url'));
    nextLink = next.toString();
  }
  const count = req.query.get('$count') === 'true' ? { '@odata.count': all.length } : {};
  return { status: 200, body: { '@odata.context': `${req.origin}/v1.0/$metadata#${context}`, ...count, value, ...(nextLink ? { '@odata.nextLink': nextLink } : {}) } };
}
