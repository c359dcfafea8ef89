import { open, seal } from './encrypted-password-vault';
import type { KeyValueStore } from './key-value-store';

/**
 * Small pieces of conversation state shared by every instance (SSO sessions, sign-ins waiting to resume, where
 * the approvers' channel is), sealed with the data key because some of them are tokens, and given an expiry
 * after which they read as absent.
 */
export class SealedKeyValues {
  constructor(
    private readonly key: Buffer,
    private readonly store: KeyValueStore,
    private readonly now: () => number = Date.now,
  ) {}

  async get<T>(name: string): Promise<T | undefined> {
    const item = (await this.store.read([name]))[name]?.value as { sealed?: string; expiresAt?: number } | null | undefined;
    if (!item?.sealed) return undefined;
    if (item.expiresAt !== undefined && item.expiresAt <= this.now()) {
      await this.store.delete([name]);
      return undefined;
    }
    const plain = open(this.key, name, item.sealed);
    return plain === undefined ? undefined : (JSON.parse(plain) as T);
  }

  async put(name: string, value: unknown, ttlMs?: number): Promise<void> {
    await this.store.write({ [name]: { value: { sealed: seal(this.key, name, JSON.stringify(value)), expiresAt: ttlMs === undefined ? undefined : this.now() + ttlMs } } });
  }

  /**
   * Records `id` as the latest one handled under `name`; true for the one caller that recorded it, false for every
   * other caller with the same id (on any instance). Compare-and-swap on the store's eTags (put-if-absent for the
   * first), so two deliveries of one id racing each other cannot both win. One item per name, whatever the ids.
   */
  async claimOnce(name: string, id: string): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = (await this.store.read([name]))[name];
      if ((current?.value as { id?: string } | null | undefined)?.id === id) return false;
      try {
        await this.store.write({ [name]: current ? { value: { id, at: this.now() }, eTag: current.eTag } : { value: { id, at: this.now() }, ifAbsent: true } });
        return true;
      } catch (e) {
        if ((e as { code?: string }).code !== 'CONCURRENT_UPDATE') throw e;
      }
    }
    return false;
  }

  async delete(name: string): Promise<void> {
    await this.store.delete([name]);
  }
}
