import { BoundedMap } from '../../core/bounded-map';
import type { UserRequest } from '../../core/approval/user-request';

/** A request row as this store last read or wrote it. */
interface KnownRow {
  etag: string;
  /** The row's text: a row changed behind the store's back without a new eTag must not match. */
  body: string;
  /** JSON text whose parse is the decoded request (the body itself when this store wrote it). */
  json: string;
  /**
   * Only for a row this store wrote itself: the deciders and `createdAt` it filed in request_deciders in the same
   * transaction. A row read from disk (another process, an older build, a migration) leaves them unknown, so the
   * next write files its deciders afresh.
   */
  filed?: Filed;
}

/** What this store filed with a row it wrote: its deciders, and the listing columns beside its body. */
type Filed = Readonly<{ deciders: readonly string[]; createdAt: string; customerId: string; requesterOid: string; conversationId: string | null }>;

/**
 * The last decoded version of recently used requests, by id (issue 16). A turn and a creation read the same request
 * many times (a create and its creation read it 7 times) and write it 3 times; each read was a JSON parse plus a
 * full schema parse, and each write rewrote the request's deciders. Bounded; a miss only costs the decode (or
 * rewriting the deciders).
 *
 * Copies are made with JSON.parse of the known text rather than structuredClone: the value is plain JSON data, so
 * both give the same object, and the parse takes about half the time on a 2 KB request.
 */
export class KnownRows {
  private readonly rows = new BoundedMap<string, KnownRow>(256);

  /** A fresh copy of the request when `row` is exactly the version known (same eTag and same text). */
  read(id: string, row: { etag: string; body: string }): UserRequest | undefined {
    const known = this.rows.get(id);
    return known?.etag === row.etag && known.body === row.body ? fromJson(known.json) : undefined;
  }

  /** A row just decoded from disk. */
  decoded(id: string, row: { etag: string; body: string }, value: UserRequest): void {
    this.rows.set(id, { etag: row.etag, body: row.body, json: JSON.stringify(value), filed: undefined });
  }

  /** A row this store just wrote (its text was checked against the schema by the codec), with the deciders filed. */
  wrote(id: string, etag: string, body: string, filed: Filed): UserRequest {
    this.rows.set(id, { etag, body, json: body, filed });
    return fromJson(body);
  }

  /**
   * Whether the version at `etag` was written by this store with exactly these deciders and creation time, so
   * the write replacing it (guarded by the same eTag) can leave request_deciders as they are.
   */
  sameFiling(id: string, etag: string, filed: Pick<Filed, 'deciders' | 'createdAt'>): boolean {
    const before = this.filedAt(id, etag);
    if (!before || before.createdAt !== filed.createdAt) return false;
    return before.deciders.length === filed.deciders.length && before.deciders.every((oid, i) => oid === filed.deciders[i]);
  }

  /** Whether the version at `etag` was written by this store with exactly these listing columns beside its body. */
  sameListing(id: string, etag: string, filed: Omit<Filed, 'deciders'>): boolean {
    const before = this.filedAt(id, etag);
    return (
      before !== undefined &&
      before.createdAt === filed.createdAt &&
      before.customerId === filed.customerId &&
      before.requesterOid === filed.requesterOid &&
      before.conversationId === filed.conversationId
    );
  }

  /** What this store filed with the version at `etag`, when it wrote that version itself. */
  private filedAt(id: string, etag: string): Filed | undefined {
    const known = this.rows.get(id);
    return known?.etag === etag ? known.filed : undefined;
  }
}

/** The request in stored (or re-serialised) JSON text, without the stored record's version. */
function fromJson(text: string): UserRequest {
  const { schemaVersion: _version, ...value } = JSON.parse(text) as UserRequest & { schemaVersion?: number };
  return value;
}
