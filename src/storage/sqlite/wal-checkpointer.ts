import { Worker } from 'node:worker_threads';

/**
 * `wal_checkpoint(TRUNCATE)` on a worker thread with its own connection to the file, so the checkpoint's page
 * copies and its fsyncs (the WAL's and the database file's) no longer block the event loop (issue 16: 4–11 % of
 * the main thread under load, in bursts of several ms while people's turns waited).
 *
 * Each run opens a connection, checkpoints PASSIVE first (copies every frame and syncs the file without taking the
 * write lock, so the main connection writes on meanwhile), then TRUNCATE (the write lock only for the frames
 * written since, and to empty the WAL file), and closes it again: between runs the worker holds no connection,
 * so the main connection's close stays the last one (its own checkpoint and the WAL's removal). A TRUNCATE that
 * other readers kept from completing is tried again for up to a second. The result says whether the WAL was
 * emptied; the caller checkpoints on its own connection when it was not, or when the worker failed.
 */
export class WalCheckpointer {
  private worker?: Worker;
  private next = 1;
  private readonly pending = new Map<number, { resolve: (r: CheckpointResult) => void; reject: (e: Error) => void }>();
  /** 1 while the worker has the file open: `close` waits for it, so no connection outlives the store's own. */
  private readonly busy = new Int32Array(new SharedArrayBuffer(4));
  private idleTimer?: NodeJS.Timeout;

  constructor(
    private readonly file: string,
    /** The worker (and its V8 heap, ≈ 2 MB) ends after this long without a checkpoint; the next one starts it again. */
    private readonly idleMs = 30_000,
  ) {}

  run(): Promise<CheckpointResult> {
    const worker = this.started();
    const id = this.next++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    return new Promise<CheckpointResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage(id);
    });
  }

  /** Waits (bounded) for a checkpoint the worker is running, then ends the worker. Synchronous, like the store's close. */
  close(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    Atomics.wait(this.busy, 0, 1, 5_000);
    void worker.terminate();
    this.failAll(new Error('the store closed'));
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: this.file, sqlite: require.resolve('better-sqlite3'), busy: this.busy } });
    worker.unref();
    worker.on('message', (m: { id: number; result?: CheckpointResult; error?: string }) => {
      const waiter = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error !== undefined) waiter?.reject(new Error(m.error));
      else waiter?.resolve(m.result!);
      if (this.pending.size === 0 && this.worker === worker) {
        this.idleTimer = setTimeout(() => {
          if (this.pending.size > 0 || this.worker !== worker) return;
          this.worker = undefined;
          void worker.terminate();
        }, this.idleMs);
        this.idleTimer.unref();
      }
    });
    const gone = (e: Error) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(e);
    };
    worker.on('error', gone);
    worker.on('exit', (code) => gone(new Error(`the checkpoint worker exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  private failAll(e: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const w of waiting) w.reject(e);
  }
}

/** `wal_checkpoint`'s answer: `busy` 0 when the WAL was emptied; `log` the WAL's frames before, `checkpointed` those copied. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/** The worker, plain CommonJS evaluated as is (no build step: the same under ts-node, jest and the compiled bot). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const busy = workerData.busy;
const pause = new Int32Array(new SharedArrayBuffer(4));
parentPort.on('message', (id) => {
  Atomics.store(busy, 0, 1);
  let db;
  try {
    db = new Database(workerData.file, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    db.pragma('wal_checkpoint(PASSIVE)');
    let result = db.pragma('wal_checkpoint(TRUNCATE)')[0];
    for (let i = 0; i < 100 && result.busy !== 0; i++) {
      Atomics.wait(pause, 0, 0, 10);
      result = db.pragma('wal_checkpoint(TRUNCATE)')[0];
    }
    db.close();
    db = undefined;
    parentPort.postMessage({ id, result: { busy: result.busy, log: result.log, checkpointed: result.checkpointed } });
  } catch (e) {
    try { if (db) db.close(); } catch {}
    parentPort.postMessage({ id, error: String((e && e.message) || e) });
  } finally {
    Atomics.store(busy, 0, 0);
    Atomics.notify(busy, 0);
  }
});
`;
