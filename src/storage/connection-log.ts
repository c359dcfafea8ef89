import { AppError } from '../core/errors';
import type { ConnectionLog, ConnectionRecord } from '../core/ports';
import type { KeyValueStore } from './key-value-store';

const KEY = 'audit:customer-connections';
/** Connections are rare (once per customer); the newest this many are kept. */
const MAX_RECORDS = 5000;
const ATTEMPTS = 5;

/**
 * The connection audit on the generic key/value store (SQLite, Blob or memory, like the bot's other state): one
 * item holding the records newest first, appended with compare-and-swap so two instances never lose each other's
 * record. The records carry no secret: who, when, which customer, outcome, codes, correlation id.
 */
export class KeyValueConnectionLog implements ConnectionLog {
  constructor(private readonly store: KeyValueStore) {}

  async append(record: ConnectionRecord): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const current = (await this.store.read([KEY]))[KEY];
      const records = Array.isArray(current?.value) ? (current.value as ConnectionRecord[]) : [];
      try {
        await this.store.write({ [KEY]: { value: [record, ...records].slice(0, MAX_RECORDS), eTag: current?.eTag ?? undefined } });
        return;
      } catch (e) {
        // Another instance appended meanwhile: read again. (The very first append is unconditional, as the store
        // has no create-if-absent; two instances' first appends racing could lose one.)
        if (!(e instanceof AppError && e.code === 'CONCURRENT_UPDATE') || attempt >= ATTEMPTS) throw e;
      }
    }
  }

  async list(limit: number): Promise<ConnectionRecord[]> {
    const current = (await this.store.read([KEY]))[KEY];
    return (Array.isArray(current?.value) ? (current.value as ConnectionRecord[]) : []).slice(0, limit);
  }
}
