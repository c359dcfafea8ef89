import type { SecretWriteOptions } from '../../core/approval/user-request';
import type { CiphertextStore } from '../encrypted-password-vault';
import type { SqliteStore } from './database';

/** The vault's ciphertexts (AES-GCM, sealed before they get here): this table never sees a password. */
export class SqliteCiphertextStore implements CiphertextStore {
  constructor(readonly store: SqliteStore) {}

  async put(key: string, value: string, opts?: SecretWriteOptions): Promise<void> {
    this.store.statement('INSERT INTO secrets (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
    // On disk before the caller goes on: a password or the creator's identity must still be there after a power cut
    // to finish a creation (database.ts, syncWal). A write the caller marks not durable is synced by the next one
    // that is: the WAL is synced as a whole.
    if (opts?.durable !== false) await this.store.syncWal();
  }

  async get(key: string): Promise<string | undefined> {
    return (this.store.statement('SELECT value FROM secrets WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  async delete(key: string): Promise<void> {
    const { changes } = this.store.statement('DELETE FROM secrets WHERE key = ?').run(key);
    // secure_delete zeroed the row in the file; the checkpoint removes the WAL's older copies of its page (one
    // checkpoint for the erases of the next few milliseconds; the erase is done when it has run).
    if (changes > 0) await this.store.checkpointSoon();
  }
}
