// How the batch runner paces itself: a card redraw throttled however fast rows finish, and a plain wait (between a
// throttled row's attempts, and while rows another process left behind settle).
import type { BulkDeps } from './check-batch';

/** Waits `ms`; the timer is not unref'd, so a batch waiting between rows keeps the process alive. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The progress card redrawn at most every `everyMs`, however fast rows finish: a 300-row batch must not make 300
 * card updates (Teams throttles a conversation's updates too). A failed redraw is logged; the next one catches up.
 */
export class Throttled {
  private last = 0;
  private timer?: ReturnType<typeof setTimeout>;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly work: () => Promise<void>,
    private readonly everyMs: number,
    private readonly deps: Pick<BulkDeps, 'logger'>,
  ) {}

  poke(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.everyMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fire();
    }, wait);
    this.timer.unref?.();
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  private fire(): void {
    this.last = Date.now();
    this.chain = this.chain.then(() => this.work()).catch((e: unknown) => this.deps.logger.warn({ code: (e as { code?: string }).code }, 'could not redraw a batch card'));
  }
}
