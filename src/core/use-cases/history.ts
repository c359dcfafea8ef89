import type { UserRequest } from '../approval/user-request';
import { inScope, scopeQueries, type HistoryScope } from '../audit/history-scope';
import { AppError } from '../errors';
import type { UserCredential } from '../ports';
import type { UseCaseDeps } from './deps';

/**
 * How much one `history` may cost. A customer name is matched among recent requests and each matching customer
 * is then listed through its own index; without bounds a short name ("a") in a large partner fans out to hundreds
 * of customers × the row limit (thousands of Blob reads). The answer says when a bound cut the search short.
 */
export interface HistoryLimits {
  /** Requests read to find which customers match a name. */
  discoveryReads: number;
  /** Customers listed one by one; the most recently seen first. */
  matchedCustomers: number;
  /** Requests read in all for one answer (discovery included). */
  reads: number;
}

export const HISTORY_LIMITS: HistoryLimits = { discoveryReads: 500, matchedCustomers: 10, reads: 2500 };

/** Rows in the card and in the CSV file. */
export const HISTORY_ROWS = { card: 20, csv: 1000 } as const;

export interface HistoryFilter {
  /** Part of a customer's name, or its id; empty: every customer. */
  customer: string;
  /** Created at or after (ISO). */
  since?: string;
  /** Created before (ISO). */
  before?: string;
}

export interface HistoryResult {
  /** Newest first, at most the rows asked for, every one in scope. */
  requests: UserRequest[];
  /** Requests read from the store for this answer. */
  reads: number;
  /** With a customer filter: how many customers matched, and how many of them were listed. */
  customers?: { matched: number; searched: number };
  /** Customers are matched among this many recent requests only, and there were at least that many. */
  discoveryCut: boolean;
  /** The read bound stopped the listing: older requests of the customers searched may be missing. */
  readsCut: boolean;
}

/**
 * `everything` is for members of the auditor group (partner tenant, checked with the person's own token, like the
 * approver group); with no group configured nobody gets it. Throws NOT_AUDITOR.
 */
export async function authorizeHistory(deps: UseCaseDeps, cred: UserCredential, scope: HistoryScope, auditorGroupId: string | undefined): Promise<void> {
  if (scope.kind !== 'everything') return;
  if (!auditorGroupId) throw new AppError('NOT_AUDITOR', 'no auditor group is configured');
  const token = (await deps.tokens.partnerGraph(cred)).token;
  const member = await deps.directory.checkMemberGroups(token, [auditorGroupId], { correlationId: deps.ids.newId() });
  if (!member.includes(auditorGroupId)) throw new AppError('NOT_AUDITOR', `${cred.user.oid} is not in the auditor group`);
}

/** The requests of a scope, filtered, newest first, within `limits`. */
export async function listHistory(deps: UseCaseDeps, scope: HistoryScope, filter: HistoryFilter, rows: number, limits: HistoryLimits = HISTORY_LIMITS): Promise<HistoryResult> {
  const queries = scopeQueries(scope);
  const range = { since: filter.since, before: filter.before };
  let reads = 0;
  const list = async (query: Parameters<UseCaseDeps['requests']['list']>[0]) => {
    const found = await deps.requests.list(query);
    reads += found.length;
    return found;
  };
  const result = (found: UserRequest[][], extra: Partial<HistoryResult> = {}): HistoryResult => ({
    requests: newestFirst(found.flat().filter((r) => inScope(scope, r))).slice(0, rows),
    reads,
    discoveryCut: false,
    readsCut: false,
    ...extra,
  });

  if (!filter.customer) {
    const limit = Math.min(rows, Math.floor(limits.reads / queries.length));
    return result(await Promise.all(queries.map((q) => list({ ...q, ...range, limit }))));
  }

  // Which customers match, among the scope's recent requests (most recently seen first).
  const perQuery = Math.max(1, Math.floor(limits.discoveryReads / queries.length));
  const recent = await Promise.all(queries.map((q) => list({ ...q, ...range, limit: perQuery })));
  const discoveryCut = recent.some((found) => found.length === perQuery);
  const needle = filter.customer.toLowerCase();
  const matched = [
    ...new Set(
      newestFirst(recent.flat())
        .filter((r) => r.customer.companyName.toLowerCase().includes(needle) || r.customer.id.toLowerCase() === needle)
        .map((r) => r.customer.id),
    ),
  ];
  const searched = matched.slice(0, limits.matchedCustomers);

  // Then each through its own index, until the read bound.
  const found: UserRequest[][] = [];
  let readsCut = false;
  for (const customerId of searched) {
    for (const q of queries) {
      const budget = limits.reads - reads;
      const limit = Math.min(rows, budget);
      if (limit <= 0) {
        readsCut = true;
        break;
      }
      const page = await list({ ...q, customerId, ...range, limit });
      found.push(page);
      if (limit < rows && page.length === limit) readsCut = true;
    }
    if (readsCut) break;
  }
  return result(found, { customers: { matched: matched.length, searched: searched.length }, discoveryCut, readsCut });
}

function newestFirst(requests: UserRequest[]): UserRequest[] {
  const unique = [...new Map(requests.map((r) => [r.id, r])).values()];
  return unique.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
