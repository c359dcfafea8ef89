import { randomUUID } from 'node:crypto';
import { AppError } from '../core/errors';

/** A stored value with the eTag it was read at (botbuilder's `StoreItem` shape, so it can be wrapped as `Storage`). */
export interface KeyValueItem {
  value: unknown;
  eTag: string;
}

/**
 * A write: with `eTag` it only succeeds while the stored eTag is still that one; with `ifAbsent` only while there is
 * no item at all (put-if-absent); without either (or with `*`) it overwrites.
 */
export interface KeyValueChange {
  value: unknown;
  eTag?: string;
  ifAbsent?: boolean;
}

/**
 * A generic JSON key/value store with per-key compare-and-swap, for state that is not a request (botbuilder turn
 * state, SSO sessions). Values must survive JSON: what is read back is a fresh copy, never the written object.
 */
export interface KeyValueStore {
  /** Missing keys are left out of the answer. */
  read(keys: string[]): Promise<Record<string, KeyValueItem>>;
  /**
   * Fails with CONCURRENT_UPDATE when a conditional write finds another eTag, or no item at all, or when an
   * `ifAbsent` write finds an item. Each key is
   * written atomically; on the Blob store, keys written before a failing one stay written. Returns the new eTags.
   */
  write(changes: Record<string, KeyValueChange>): Promise<Record<string, string>>;
  /** Unconditional and idempotent. */
  delete(keys: string[]): Promise<void>;
}

/** The stored text of a value; `undefined` (which JSON cannot hold) is stored, and read back, as `null`. */
export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** True when a write must compare eTags. */
export function isConditional(change: KeyValueChange): change is KeyValueChange & { eTag: string } {
  return change.eTag !== undefined && change.eTag !== '*';
}

export function keyValueConflict(key: string): AppError {
  return new AppError('CONCURRENT_UPDATE', `key ${key} changed since it was read`);
}

/** JSON in and out, like the durable stores, so a value that would not survive them fails here too. */
export class MemoryKeyValueStore implements KeyValueStore {
  private readonly items = new Map<string, { json: string; eTag: string }>();

  async read(keys: string[]): Promise<Record<string, KeyValueItem>> {
    const out: Record<string, KeyValueItem> = {};
    for (const key of keys) {
      const item = this.items.get(key);
      if (item) out[key] = { value: JSON.parse(item.json), eTag: item.eTag };
    }
    return out;
  }

  async write(changes: Record<string, KeyValueChange>): Promise<Record<string, string>> {
    // Check every condition first, so a batch is all or nothing (as on SQLite).
    for (const [key, change] of Object.entries(changes)) {
      if (isConditional(change) && this.items.get(key)?.eTag !== change.eTag) throw keyValueConflict(key);
      if (change.ifAbsent && this.items.has(key)) throw keyValueConflict(key);
    }
    const eTags: Record<string, string> = {};
    for (const [key, change] of Object.entries(changes)) {
      const item = { json: toJson(change.value), eTag: randomUUID() };
      this.items.set(key, item);
      eTags[key] = item.eTag;
    }
    return eTags;
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.items.delete(key);
  }
}
