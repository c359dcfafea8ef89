import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLITE_FILE_NAME, SqliteStore } from '../../../src/storage/sqlite-store';
import { SqliteCiphertextStore } from '../../../src/storage/sqlite/ciphertext-store';
import { WalCheckpointer } from '../../../src/storage/sqlite/wal-checkpointer';

const root = mkdtempSync(join(tmpdir(), 'wal-checkpointer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function openStore(): { dir: string; store: SqliteStore; secrets: SqliteCiphertextStore } {
  const dir = mkdtempSync(join(root, 'case-'));
  const store = new SqliteStore(join(dir, SQLITE_FILE_NAME));
  return { dir, store, secrets: new SqliteCiphertextStore(store) };
}
const bytesOf = (dir: string) => Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
const walSize = (dir: string) => (existsSync(join(dir, `${SQLITE_FILE_NAME}-wal`)) ? statSync(join(dir, `${SQLITE_FILE_NAME}-wal`)).size : 0);

describe('the WAL checkpoint after an erase runs on a worker thread (issue 16)', () => {
  it('an erase resolves only once the checkpoint ran off the event loop and the WAL is empty: the erased bytes are in no file', async () => {
    const { dir, store, secrets } = openStore();
    const secret = `sealed-${'Wk7'.repeat(40)}`;
    await secrets.put('vault:r-1', secret);
    await secrets.put('vault:r-2', 'sealed-kept');
    expect(bytesOf(dir).includes(Buffer.from(secret))).toBe(true);
    expect(walSize(dir)).toBeGreaterThan(0);

    await secrets.delete('vault:r-1');
    expect(store.checkpointsOffThread).toBe(1);
    expect(walSize(dir)).toBe(0);
    expect(bytesOf(dir).includes(Buffer.from(secret.slice(0, 40)))).toBe(false);
    expect(await secrets.get('vault:r-2')).toBe('sealed-kept');
    store.close();
  });

  it('the main connection keeps writing while checkpoints run on the worker: no write fails, every erase removes its bytes', async () => {
    const { dir, store, secrets } = openStore();
    const secret = (i: number) => `sealed-${String(i).padStart(4, '0')}-${'Qx3'.repeat(30)}`;
    for (let i = 0; i < 40; i++) await secrets.put(`vault:e-${i}`, secret(i));
    const erases: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) {
      // Erases spread over several checkpoint windows, with unrelated writes in between.
      erases.push(secrets.delete(`vault:e-${i}`));
      await secrets.put(`vault:keep-${i}`, `sealed-keep-${i}`);
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 120));
    }
    await Promise.all(erases);
    expect(store.checkpointsOffThread).toBeGreaterThanOrEqual(2);
    const all = bytesOf(dir);
    for (let i = 0; i < 40; i++) expect(all.includes(Buffer.from(secret(i).slice(0, 40)))).toBe(false);
    for (let i = 0; i < 40; i++) expect(await secrets.get(`vault:keep-${i}`)).toBe(`sealed-keep-${i}`);
    store.close();
  });

  it('the worker empties the WAL of a file another connection writes, holds no connection between runs, and says when it cannot run', async () => {
    const { dir, store, secrets } = openStore();
    await secrets.put('vault:a', 'sealed-a');
    expect(walSize(dir)).toBeGreaterThan(0);
    const checkpointer = new WalCheckpointer(join(dir, SQLITE_FILE_NAME));
    const result = await checkpointer.run();
    expect(result.busy).toBe(0);
    expect(walSize(dir)).toBe(0);
    checkpointer.close();
    // No connection left behind by the worker: the store's close is the last one and removes the WAL file.
    store.close();
    expect(existsSync(join(dir, `${SQLITE_FILE_NAME}-wal`))).toBe(false);

    const missing = new WalCheckpointer(join(dir, 'not-there.sqlite'));
    await expect(missing.run()).rejects.toThrow();
    missing.close();
  });
});
