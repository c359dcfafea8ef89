import { MemoryCiphertextStore } from './encrypted-password-vault';
import { MemoryKeyValueStore } from './key-value-store';
import { MemoryDueWorkStore } from './memory-due-work-store';
import { MemoryRequestStore } from './memory-request-store';
import { openSqliteStores } from './sqlite-store';
import { MemoryTemplateStore } from './memory-template-store';
import type { Stores } from './stores';
import { AppError } from '../core/errors';
import type { Logger } from '../core/ports';

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

/**
 * Async because the Blob store checks (and creates) its container before the bot starts taking messages. `log`
 * receives the stored requests that cannot be read (ids, codes and field paths; never a value).
 */
export async function createStores(config: StorageConfig, opts: { log?: Logger } = {}): Promise<Stores> {
  const stores = await openStores(config, opts.log);
  return {
    requests: storageErrorsAsAppErrors(stores.requests),
    ciphertexts: storageErrorsAsAppErrors(stores.ciphertexts),
    dueWork: storageErrorsAsAppErrors(stores.dueWork),
    keyValues: storageErrorsAsAppErrors(stores.keyValues),
    templates: storageErrorsAsAppErrors(stores.templates),
    close: () => stores.close(),
  };
}

/**
 * A failing store (the file cannot be written, Azure Storage unreachable) reaches people as STORAGE_UNAVAILABLE,
 * retryable, instead of "something went wrong"; AppErrors the stores raise on purpose (CONCURRENT_UPDATE) pass.
 */
function storageErrorsAsAppErrors<T extends object>(store: T): T {
  const wrap = (e: unknown) => (e instanceof AppError ? e : new AppError('STORAGE_UNAVAILABLE', 'a storage operation failed', { retryable: true, cause: e }));
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          return result instanceof Promise ? result.catch((e: unknown) => Promise.reject(wrap(e))) : result;
        } catch (e) {
          throw wrap(e);
        }
      };
    },
  });
}

async function openStores(config: StorageConfig, log: Logger | undefined): Promise<Stores> {
  switch (config.kind) {
    case 'memory':
      return {
        requests: new MemoryRequestStore({ log }),
        ciphertexts: new MemoryCiphertextStore(),
        dueWork: new MemoryDueWorkStore(),
        keyValues: new MemoryKeyValueStore(),
        templates: new MemoryTemplateStore(),
        close: async () => undefined,
      };
    case 'sqlite':
      return openSqliteStores(config.dataDir, log);
    case 'blob': {
      // Loaded only here: the Azure Storage SDK costs ≈ 0.4 s of start-up that sqlite and memory never need.
      const { openBlobStores } = await import('./blob-store');
      return openBlobStores({ connectionString: config.connectionString, container: config.container, log });
    }
  }
}
