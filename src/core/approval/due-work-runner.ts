import type { Clock, Logger } from '../ports';
import type { DueItem, DueWorkKind, DueWorkStore } from './due-work';

export type DueWorkHandlers = Record<DueWorkKind, (item: DueItem) => Promise<void>>;

export interface DueWorkRunnerOptions {
  /** This instance's name in claims (unique per process). */
  owner: string;
  /** How often the store is asked for due work. */
  pollMs: number;
  /** How long a claim holds before another instance may take the item (longer than any handler runs). */
  leaseMs: number;
  /** Attempts before an item that keeps failing is dropped (with an error in the log). */
  maxAttempts?: number;
  clock: Clock;
  logger: Logger;
}

/**
 * Polls the durable due-work queue and runs what is due. The store's claims make each item run on one instance;
 * a handler that throws gets its item back later with a growing delay, so a passing outage (the Teams service,
 * the store) delays the work instead of losing it.
 */
export class DueWorkRunner {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly store: DueWorkStore,
    private readonly handlers: DueWorkHandlers,
    private readonly opts: DueWorkRunnerOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.poke(), this.opts.pollMs);
    this.timer.unref();
    this.poke();
  }

  /** Looks for due work now (after scheduling something due at once); overlapping pokes run one more round. */
  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.rounds().finally(() => (this.running = undefined));
  }

  /** Stops polling and waits for the round in progress; unclaimed work stays in the store for later. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /**
   * Resolves once no round is running: whoever must see a round's effects whole (a handler's last write is followed
   * by a WAL sync and then the item's removal, so its state can be visible while the item is still queued).
   */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** One round, awaited: what tests and the shutdown path use. */
  async runDue(): Promise<number> {
    const items = await this.store.claimDue(this.opts.clock.now(), this.opts.owner, this.opts.leaseMs, 20);
    await Promise.all(items.map((item) => this.runOne(item)));
    return items.length;
  }

  private async rounds(): Promise<void> {
    do {
      this.again = false;
      try {
        // Keep going while full batches come back: a backlog after an outage drains without waiting for polls.
        while (!this.stopped && (await this.runDue()) === 20);
      } catch (e) {
        this.opts.logger.warn({ err: e instanceof Error ? e.name : String(e), code: (e as { code?: string }).code }, 'could not read due work; trying again at the next poll');
      }
    } while (this.again && !this.stopped);
  }

  private async runOne(item: DueItem): Promise<void> {
    const fields = { key: item.key, kind: item.kind, requestId: item.requestId };
    try {
      await this.handlers[item.kind](item);
      await this.store.complete(item.key, this.opts.owner);
    } catch (e) {
      const attempts = Number(item.payload?.attempts ?? '0') + 1;
      const err = e instanceof Error ? { name: e.name, code: (e as { code?: string }).code } : String(e);
      if (attempts >= (this.opts.maxAttempts ?? 8)) {
        this.opts.logger.error({ ...fields, attempts, err }, 'due work kept failing and was dropped');
        await this.store.complete(item.key, this.opts.owner).catch(() => undefined);
        return;
      }
      const delayMs = Math.min(5 * 60_000, 1000 * 2 ** attempts);
      this.opts.logger.warn({ ...fields, attempts, delayMs, err }, 'due work failed; it will be tried again');
      const { owner: _owner, leaseUntil: _lease, ...work } = item;
      const dueAt = new Date(this.opts.clock.now().getTime() + delayMs).toISOString();
      await this.store.schedule({ ...work, dueAt, payload: { ...(work.payload ?? {}), attempts: String(attempts) } }).catch(() => undefined);
    }
  }
}
