import type { ContainerClient } from '@azure/storage-blob';
import { AppError } from '../../core/errors';
import type { RequestQuery, RequestStore, UserRequest, Versioned } from '../../core/approval/user-request';
import { matchesFilters } from '../../core/approval/request-index';
import type { Logger } from '../../core/ports';
import { RequestCodec } from '../request-codec';
import { epochMs } from '../time';
import { mapLimited, quoted, statusOf } from './container';
import { downloadText, uploadText } from './blob-text';
import { indexBlobs, listPrefix, parseListEntry, requestBlob, statePrefix, unsegment } from './names';

/** Parallel reads per listing page: enough to hide latency, few enough not to trip throttling. */
const READ_WIDTH = 16;
/** A state marker younger than this may belong to a write still in flight, so it is never cleaned up. */
const MARKER_GRACE_MS = 5 * 60_000;

/**
 * One JSON blob per request (the stored-request schema, read and written through RequestCodec), guarded by the
 * blob's ETag (`If-None-Match: *` to create, `If-Match` to update).
 * Listing walks index blobs whose names sort newest first, a page of `limit` names at a time, and reads only the
 * requests those names point to, so the audit never reads every request.
 */
export class BlobRequestStore implements RequestStore {
  private readonly codec: RequestCodec;

  constructor(
    private readonly container: ContainerClient,
    private readonly now: () => Date = () => new Date(),
    log?: Logger,
  ) {
    this.codec = new RequestCodec(log);
  }

  async get(id: string): Promise<Versioned<UserRequest> | undefined> {
    const blob = await downloadText(this.container, requestBlob(id));
    return blob && { value: this.codec.decode(id, blob.text), etag: blob.etag };
  }

  async create(request: UserRequest): Promise<Versioned<UserRequest>> {
    const json = this.codec.encode(request);
    await this.writeIndexes(request);
    try {
      const etag = await uploadText(this.container, requestBlob(request.id), json, { ifNoneMatch: '*' });
      return { value: structuredClone(request), etag };
    } catch (e) {
      if (statusOf(e) !== 409 && statusOf(e) !== 412) throw e;
      const stored = await downloadText(this.container, requestBlob(request.id));
      // Our own write, retried by the SDK after its answer was lost (see update).
      if (stored?.text === json) return { value: structuredClone(request), etag: stored.etag };
      throw new AppError('CONCURRENT_UPDATE', `request ${request.id} exists`);
    }
  }

  async update(request: UserRequest, etag: string): Promise<Versioned<UserRequest>> {
    const json = this.codec.encode(request);
    await this.writeIndexes(request);
    try {
      const next = await uploadText(this.container, requestBlob(request.id), json, { ifMatch: quoted(etag) });
      return { value: structuredClone(request), etag: next };
    } catch (e) {
      if (statusOf(e) !== 412 && statusOf(e) !== 404) throw e;
      const stored = await downloadText(this.container, requestBlob(request.id));
      if (!stored) throw new AppError('REQUEST_NOT_FOUND', `request ${request.id} not found`);
      // A refused conditional write can still be our own: the SDK retries a write whose answer was lost, and the
      // retry then finds the ETag moved by its first attempt. The same bytes stored means the write landed.
      if (stored.text === json) return { value: structuredClone(request), etag: stored.etag };
      throw new AppError('CONCURRENT_UPDATE', `request ${request.id} changed since it was read`);
    }
  }

  async list(query: RequestQuery): Promise<UserRequest[]> {
    const limit = Math.max(0, Math.floor(query.limit));
    if (limit === 0) return [];
    const prefix = listPrefix(query);
    const found: UserRequest[] = [];
    const pages = this.container.listBlobsFlat({ prefix }).byPage({ maxPageSize: Math.min(limit, 5000) });
    const sinceMs = query.since ? epochMs(query.since, 'since') : Number.NEGATIVE_INFINITY;
    const beforeMs = query.before ? epochMs(query.before, 'before') : Number.POSITIVE_INFINITY;
    for await (const page of pages) {
      // Index names sort newest first and carry the creation time: a time range costs listing, not downloads.
      const all = page.segment.blobItems.map((b) => parseListEntry(b.name, prefix));
      const entries = all.filter((e) => e.createdMs < beforeMs && e.createdMs >= sinceMs);
      const exhausted = all.length > 0 && all[all.length - 1].createdMs < sinceMs;
      const requests = await mapLimited(entries, READ_WIDTH, (e) => this.readable(e.id));
      for (const [i, r] of requests.entries()) {
        // An entry left by a write that lost its race, or by an earlier version, points at nothing or elsewhere.
        if (r && matches(r, query, entries[i].createdMs)) found.push(r);
        if (found.length === limit) return found;
      }
      if (exhausted) return found;
    }
    return found;
  }

  /** Oldest first. Walks the state's markers, checks each against its request, and sweeps old stale markers. */
  async inState(kind: UserRequest['state']['kind']): Promise<UserRequest[]> {
    const prefix = statePrefix(kind);
    const markers: Array<{ name: string; etag: string; modified: Date }> = [];
    for await (const b of this.container.listBlobsFlat({ prefix })) markers.push({ name: b.name, etag: b.properties.etag, modified: b.properties.lastModified });
    const checked = await mapLimited(markers, READ_WIDTH, async (m) => {
      const id = unsegment(m.name.slice(prefix.length));
      const blob = await downloadText(this.container, requestBlob(id));
      const request = blob && this.codec.decodeAll([{ id, text: blob.text }])[0];
      if (request?.state.kind === kind) return request;
      // Unreadable (logged): its state is unknown, so its marker is kept, never swept.
      if (blob && !request) return undefined;
      if (this.now().getTime() - m.modified.getTime() > MARKER_GRACE_MS) await this.sweep(m.name, m.etag);
      return undefined;
    });
    return checked
      .filter((r): r is UserRequest => r !== undefined)
      .sort((a, b) => epochMs(a.createdAt, 'createdAt') - epochMs(b.createdAt, 'createdAt') || (a.id < b.id ? -1 : 1));
  }

  /** A request for a listing: undefined when it is gone, or unreadable (logged, and left out of the listing). */
  private async readable(id: string): Promise<UserRequest | undefined> {
    const blob = await downloadText(this.container, requestBlob(id));
    return blob ? this.codec.decodeAll([{ id, text: blob.text }])[0] : undefined;
  }

  /** Index entries first: a crash between the two leaves an entry pointing at nothing, never a request nobody can list. */
  private async writeIndexes(request: UserRequest): Promise<void> {
    await Promise.all(indexBlobs(request).map((name) => uploadText(this.container, name, '')));
  }

  /** Deletes a stale marker only if nobody rewrote it since it was listed (a rewrite changes its ETag). */
  private async sweep(name: string, etag: string): Promise<void> {
    await this.container
      .getBlockBlobClient(name)
      .deleteIfExists({ conditions: { ifMatch: quoted(etag) } })
      .catch((e: unknown) => {
        if (statusOf(e) !== 412) throw e;
      });
  }
}

function matches(r: UserRequest, query: RequestQuery, createdMs: number): boolean {
  return Date.parse(r.createdAt) === createdMs && matchesFilters(r, query);
}

