import type { ContainerClient } from '@azure/storage-blob';
import { isConditional, keyValueConflict, toJson, type KeyValueChange, type KeyValueItem, type KeyValueStore } from '../key-value-store';
import { mapLimited, quoted, statusOf } from './container';
import { downloadText, uploadText } from './blob-text';
import { kvBlob } from './names';

/** One JSON blob per key under `kv/`, its ETag the item's eTag. Keys of one batch are written one by one. */
export class BlobKeyValueStore implements KeyValueStore {
  constructor(private readonly container: ContainerClient) {}

  async read(keys: string[]): Promise<Record<string, KeyValueItem>> {
    const blobs = await mapLimited(keys, 16, (key) => downloadText(this.container, kvBlob(key)));
    const out: Record<string, KeyValueItem> = {};
    blobs.forEach((blob, i) => {
      if (blob) out[keys[i]] = { value: JSON.parse(blob.text), eTag: blob.etag };
    });
    return out;
  }

  async write(changes: Record<string, KeyValueChange>): Promise<Record<string, string>> {
    const eTags: Record<string, string> = {};
    for (const [key, change] of Object.entries(changes)) eTags[key] = await this.writeOne(key, change);
    return eTags;
  }

  async delete(keys: string[]): Promise<void> {
    await mapLimited(keys, 16, (key) => this.container.getBlockBlobClient(kvBlob(key)).deleteIfExists());
  }

  private async writeOne(key: string, change: KeyValueChange): Promise<string> {
    const json = toJson(change.value);
    if (!isConditional(change) && !change.ifAbsent) return uploadText(this.container, kvBlob(key), json);
    try {
      return await uploadText(this.container, kvBlob(key), json, change.ifAbsent ? { ifNoneMatch: '*' } : { ifMatch: quoted(change.eTag!) });
    } catch (e) {
      if (statusOf(e) !== 412 && statusOf(e) !== 404 && statusOf(e) !== 409) throw e;
      // A retried write whose first attempt landed finds its own bytes (see BlobRequestStore).
      const stored = await downloadText(this.container, kvBlob(key));
      if (stored?.text === json) return stored.etag;
      throw keyValueConflict(key);
    }
  }
}
