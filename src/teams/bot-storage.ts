import type { Storage, StoreItems } from 'botbuilder';
import type { KeyValueStore } from '../storage/key-value-store';

/**
 * botbuilder's `Storage` contract over the bot's own store, so teams-ai turn state lives where the requests
 * live (SQLite, or Blob for several instances) and survives restarts. eTags map one to one.
 */
export class KeyValueBotStorage implements Storage {
  constructor(private readonly store: KeyValueStore) {}

  async read(keys: string[]): Promise<StoreItems> {
    const found = await this.store.read(keys);
    const out: StoreItems = {};
    for (const [key, item] of Object.entries(found)) out[key] = { ...(item.value as object), eTag: item.eTag };
    return out;
  }

  async write(changes: StoreItems): Promise<void> {
    const batch: Parameters<KeyValueStore['write']>[0] = {};
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...value } = (item ?? {}) as { eTag?: string };
      batch[key] = { value, eTag };
    }
    await this.store.write(batch);
  }

  async delete(keys: string[]): Promise<void> {
    await this.store.delete(keys);
  }
}
