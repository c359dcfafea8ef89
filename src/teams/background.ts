import type { Logger } from '../core/ports';

/**
 * Work that continues after an invoke has been answered (the Partner Center call behind a "Creating…" card).
 * Tracked so a graceful shutdown, and the tests, can wait for it to finish.
 */
export class BackgroundWork {
  private readonly tasks = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  run(name: string, fields: object, work: () => Promise<void>): void {
    const task = (async () => {
      try {
        await work();
      } catch (e) {
        this.logger.error({ ...fields, task: name, err: e instanceof Error ? { name: e.name, code: (e as { code?: string }).code } : String(e) }, 'background work failed');
      }
    })();
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  get size(): number {
    return this.tasks.size;
  }

  /** Resolves when everything started so far (and anything it started) has finished. */
  async drain(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }
}
