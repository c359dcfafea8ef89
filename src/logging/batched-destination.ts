/** Where the batched lines go: pino's SonicBoom (stdout, written asynchronously) or anything that takes strings. */
export interface LineSink {
  write(text: string): unknown;
  /** Writes what the sink itself still holds, before the process exits. */
  flushSync?(): void;
}

/**
 * A pino destination that gathers the log lines of a few milliseconds and hands them to `sink` in one write
 * (issue 16). A card action logs four to twelve lines; written one by one, each line was a write system call and a
 * hand-over to the thread pool, about 0.05 ms of CPU each on the 2-core machine, which a busy helpdesk pays on
 * every turn. Gathered, a turn costs one write, and under load many turns share one.
 *
 * Lines keep their order. The timer only runs while a line waits, so an idle bot is never woken by it. What is
 * still waiting when the process exits is written synchronously by `flushSync` (main.ts calls it on `exit`); a
 * process killed outright (SIGKILL) loses at most `windowMs` of log lines, the price of not writing each one.
 */
export class BatchedDestination {
  private pending: string[] = [];
  private waiting = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: LineSink,
    private readonly opts: {
      windowMs?: number;
      /** Written at once when this many characters wait, so a burst never holds much in memory. */
      maxChars?: number;
      /** Writes text synchronously (the exit path: an asynchronous write begun then might never finish). */
      writeSync?: (text: string) => void;
    } = {},
  ) {}

  write(line: string): boolean {
    this.pending.push(line);
    this.waiting += line.length;
    if (this.waiting >= (this.opts.maxChars ?? 64 * 1024)) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(this.flush, this.opts.windowMs ?? 20);
      // Waiting log lines never keep the process alive: `exit` writes them.
      this.timer.unref();
    }
    return true;
  }

  /** For the `exit` handler: what the sink holds, then what waits here, both written before returning. */
  flushSync(): void {
    this.sink.flushSync?.();
    const text = this.take();
    if (text === undefined) return;
    if (this.opts.writeSync) this.opts.writeSync(text);
    else this.sink.write(text);
  }

  private readonly flush = (): void => {
    const text = this.take();
    if (text !== undefined) this.sink.write(text);
  };

  private take(): string | undefined {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return undefined;
    const text = this.pending.length === 1 ? this.pending[0] : this.pending.join('');
    this.pending = [];
    this.waiting = 0;
    return text;
  }
}
