import type { ContainerClient } from '@azure/storage-blob';
import type { DueItem, DueWork, DueWorkStore } from '../../core/approval/due-work';
import { epochMs } from '../time';
import { mapLimited, quoted, statusOf } from './container';
import { uploadText } from './blob-text';
import { dueBlob } from './names';

/**
 * The due-work queue: one blob per item under `due/`, its state in the blob's metadata so one listing shows
 * what is due without downloading anything. A claim is a metadata write conditioned on the ETag seen in the
 * listing: of two instances racing for an item, Azure lets exactly one write through.
 */
export class BlobDueWorkStore implements DueWorkStore {
  constructor(private readonly container: ContainerClient) {}

  async schedule(item: DueWork): Promise<void> {
    const work: DueWork = { key: item.key, kind: item.kind, requestId: item.requestId, dueAt: item.dueAt, ...(item.payload ? { payload: item.payload } : {}) };
    const metadata = { item: encode(JSON.stringify(work)), dueat: String(epochMs(item.dueAt, `due work ${item.key} dueAt`)) };
    // Unconditional: rescheduling replaces the item and any claim on it.
    await uploadText(this.container, dueBlob(item.key), JSON.stringify(work), { metadata });
  }

  async claimDue(now: Date, owner: string, leaseMs: number, limit: number): Promise<DueItem[]> {
    const nowMs = now.getTime();
    const due: Array<{ name: string; etag: string; meta: Meta; dueMs: number; key: string }> = [];
    for await (const b of this.container.listBlobsFlat({ prefix: 'due/', includeMetadata: true })) {
      const meta = (b.metadata ?? {}) as Meta;
      const dueMs = Number(meta.dueat);
      const free = meta.owner === undefined || Number(meta.leaseuntil) <= nowMs;
      if (meta.item && dueMs <= nowMs && free) due.push({ name: b.name, etag: b.properties.etag, meta, dueMs, key: b.name });
    }
    due.sort((a, b) => a.dueMs - b.dueMs || (a.key < b.key ? -1 : 1));

    const leaseUntil = String(nowMs + leaseMs);
    const claim: Meta = { owner: encode(owner), leaseuntil: leaseUntil };
    const claimed: DueItem[] = [];
    // Claim in waves of at most the number still wanted, so a lost race is made up from the next candidates.
    for (let i = 0; i < due.length && claimed.length < limit; ) {
      const wave = due.slice(i, i + Math.min(16, limit - claimed.length));
      i += wave.length;
      const won = await mapLimited(wave, 16, (c) => this.tryClaim(c.name, c.etag, { ...c.meta, ...claim }));
      wave.forEach((c, j) => {
        if (won[j]) claimed.push({ ...(JSON.parse(decode(c.meta.item ?? '')) as DueWork), owner, leaseUntil: new Date(nowMs + leaseMs).toISOString() });
      });
    }
    return claimed;
  }

  async complete(key: string, owner?: string): Promise<void> {
    const blob = this.container.getBlockBlobClient(dueBlob(key));
    if (owner === undefined) {
      await blob.deleteIfExists();
      return;
    }
    let props;
    try {
      props = await blob.getProperties();
    } catch (e) {
      if (statusOf(e) === 404) return;
      throw e;
    }
    if ((props.metadata as Meta | undefined)?.owner !== encode(owner)) return;
    // Conditional: if the item was rescheduled or reclaimed since, it is no longer ours to remove.
    await blob.deleteIfExists({ conditions: { ifMatch: props.etag } }).catch((e: unknown) => {
      if (statusOf(e) !== 412) throw e;
    });
  }

  async cancel(key: string): Promise<void> {
    await this.container.getBlockBlobClient(dueBlob(key)).deleteIfExists();
  }

  private async tryClaim(name: string, etag: string, metadata: Meta): Promise<boolean> {
    const blob = this.container.getBlockBlobClient(name);
    try {
      await blob.setMetadata(metadata as Record<string, string>, { conditions: { ifMatch: quoted(etag) } });
      return true;
    } catch (e) {
      if (statusOf(e) === 404) return false;
      if (statusOf(e) !== 412) throw e;
      // Lost the race, or our own first attempt landed and the SDK's retry found the ETag moved.
      const now = await blob.getProperties().catch(() => undefined);
      const meta = now?.metadata as Meta | undefined;
      return meta?.owner === metadata.owner && meta?.leaseuntil === metadata.leaseuntil && meta?.item === metadata.item;
    }
  }
}

/** Blob metadata (lowercase names; values must be plain ASCII, hence base64url for anything a caller chose). */
interface Meta {
  item?: string;
  dueat?: string;
  owner?: string;
  leaseuntil?: string;
}

function encode(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function decode(text: string): string {
  return Buffer.from(text, 'base64url').toString('utf8');
}
