import { MemoryCiphertextStore } from './encrypted-password-vault';
import { MemoryKeyValueStore } from './key-value-store';
import { MemoryDueWorkStore } from './memory-due-work-store';
import { MemoryRequestStore } from './memory-request-store';
import { openBlobStores } from './blob-store';
import { openSqliteStores } from './sqlite-store';
import type { Stores } from './stores';

export type { Stores } from './stores';

/**
 * Where the bot keeps its state:
 * - `memory`: nothing survives a restart (unit tests, throwaway runs);
 * - `sqlite`: one file in `dataDir`, the default for a single instance;
 * - `blob`: an Azure Storage container, for several instances behind one bot.
 */
export type StorageConfig =
  | { kind: 'memory' }
  | { kind: 'sqlite'; dataDir: string }
  | { kind: 'blob'; connectionString: string; container: string };

/** Async because the Blob store checks (and creates) its container before the bot starts taking messages. */
export async function createStores(config: StorageConfig): Promise<Stores> {
  switch (config.kind) {
    case 'memory':
      return {
        requests: new MemoryRequestStore(),
        ciphertexts: new MemoryCiphertextStore(),
        dueWork: new MemoryDueWorkStore(),
        keyValues: new MemoryKeyValueStore(),
        close: async () => undefined,
      };
    case 'sqlite':
      return openSqliteStores(config.dataDir);
    case 'blob':
      return openBlobStores({ connectionString: config.connectionString, container: config.container });
  }
}
