/**
 * Inbound turns before background work (issue 16). One event loop runs both: an invoke Teams waits 5 s for, and
 * the creations, card mirrors and due work started after earlier invokes were answered. Under a burst every piece
 * of ready work queues for the same core, so a background step that could as well run 100 ms later makes a
 * person's click wait. Background work therefore asks `turnsFirst()` before each step: it goes on at once while no
 * turn is running, else once the last running turn has answered, and never later than `maxWaitMs` after asking,
 * so a steady stream of turns delays a creation by at most that much a step and never starves it.
 *
 * Only the order of work changes: every step still runs, with the same writes in the same order, so leases,
 * exactly-once and crash recovery are as they were (a lease is renewed by its own timer, which does not wait here).
 */
export class TurnPriority {
  private running = 0;
  private readonly waiting = new Set<() => void>();

  constructor(private readonly maxWaitMs = 250) {}

  /** An inbound turn started (TurnRunner.handle); `turnEnded` must follow, whatever the turn's outcome. */
  turnStarted(): void {
    this.running++;
  }

  turnEnded(): void {
    this.running = Math.max(0, this.running - 1);
    if (this.running === 0 && this.waiting.size > 0) {
      const released = [...this.waiting];
      this.waiting.clear();
      for (const release of released) release();
    }
  }

  /** Turns running now (for tests and the benchmark's view of the queue). */
  get turns(): number {
    return this.running;
  }

  /** Resolves when no turn is running, or `maxWaitMs` from now at the latest. */
  turnsFirst(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const release = () => {
        clearTimeout(timer);
        this.waiting.delete(release);
        resolve();
      };
      const timer = setTimeout(release, this.maxWaitMs);
      timer.unref?.();
      this.waiting.add(release);
    });
  }
}
