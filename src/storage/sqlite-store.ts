import { join } from 'node:path';
import type { Logger } from '../core/ports';
import { SqliteStore } from './sqlite/database';
import { SqliteCiphertextStore } from './sqlite/ciphertext-store';
import { SqliteDueWorkStore } from './sqlite/due-work-store';
import { SqliteKeyValueStore } from './sqlite/key-value-store';
import { SqliteRequestStore } from './sqlite/request-store';
import { SqliteTemplateStore } from './sqlite/template-store';
import type { Stores } from './stores';

/**
 * The embedded store: one SQLite file in the data folder (WAL, versioned migrations) holding requests with eTag
 * compare-and-swap, the password vault's ciphertexts, the due-work queue and a generic key/value table. Several
 * processes on one machine may share the file; for several machines use the Blob store.
 */
export { SqliteStore } from './sqlite/database';
export { MIGRATIONS, runMigrations, type Migration } from './sqlite/migrations';
export { SqliteRequestStore } from './sqlite/request-store';
export { SqliteCiphertextStore } from './sqlite/ciphertext-store';
export { SqliteDueWorkStore } from './sqlite/due-work-store';
export { SqliteKeyValueStore } from './sqlite/key-value-store';

/** The file name inside DATA_DIR (the name the first release used, so existing files are picked up). */
export const SQLITE_FILE_NAME = 'partner-user-desk.db';

/** `log`: where unreadable stored requests are reported (see RequestCodec). */
export function openSqliteStores(dataDir: string, log?: Logger): Stores {
  const db = new SqliteStore(join(dataDir, SQLITE_FILE_NAME));
  return {
    requests: new SqliteRequestStore(db, log),
    ciphertexts: new SqliteCiphertextStore(db),
    dueWork: new SqliteDueWorkStore(db),
    keyValues: new SqliteKeyValueStore(db),
    templates: new SqliteTemplateStore(db),
    close: async () => db.close(),
  };
}
