import type { Versioned } from '../core/approval/user-request';
import { decodeBatch, encodeBatch, type Batch, type BatchStore } from '../core/bulk/batch';
import type { KeyValueStore } from './key-value-store';

/**
 * Bulk batches (src/core/bulk/) on the generic key/value store every backend has (memory, SQLite, Blob), one
 * item per batch, with its compare-and-swap: a new table or container layout would add nothing a batch needs
 * (it is read by id only; the due-work queue finds the running ones). Every read is parsed by the batch schema.
 */
export class KeyValueBatchStore implements BatchStore {
  constructor(private readonly store: KeyValueStore) {}

  async get(id: string): Promise<Versioned<Batch> | undefined> {
    const item = (await this.store.read([keyOf(id)]))[keyOf(id)];
    return item && { value: decodeBatch(item.value), etag: item.eTag };
  }

  async create(batch: Batch): Promise<Versioned<Batch>> {
    const value = encodeBatch(batch);
    const eTags = await this.store.write({ [keyOf(batch.id)]: { value, ifAbsent: true } });
    return { value: decodeBatch(value), etag: eTags[keyOf(batch.id)] };
  }

  async update(batch: Batch, etag: string): Promise<Versioned<Batch>> {
    const value = encodeBatch(batch);
    const eTags = await this.store.write({ [keyOf(batch.id)]: { value, eTag: etag } });
    return { value: decodeBatch(value), etag: eTags[keyOf(batch.id)] };
  }
}

const keyOf = (id: string) => `bulk-batch:${id}`;
