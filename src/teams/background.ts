import type { Logger } from '../core/ports';
import { TurnPriority } from './turn-priority';

/**
 * Work that continues after an invoke has been answered (the Partner Center call behind a "Creating…" card).
 * Tracked so a graceful shutdown, and the tests, can wait for it to finish.
 */
export class BackgroundWork {
  private readonly tasks = new Set<Promise<void>>();
  /** When the task queued last may start: tasks start in the order they were queued (below). */
  private lastStart: Promise<void> = Promise.resolve();
  /** Inbound turns go first: the work starts, and a creation takes each step, when no turn is running (bounded wait). */
  readonly priority: TurnPriority;

  constructor(
    private readonly logger: Logger,
    priority?: TurnPriority,
  ) {
    this.priority = priority ?? new TurnPriority();
  }

  /** Background work's yield point (between creation steps): see TurnPriority. */
  readonly turnsFirst = (): Promise<void> => this.priority.turnsFirst();

  run(name: string, fields: object, work: () => Promise<void>): void {
    // In queue order, each once the turns let it: a click's "Creating…" mirror is queued in the card updater
    // before the creation it started can write the result to the same message (personal-mirror.ts).
    const start = Promise.all([this.lastStart, this.priority.turnsFirst()]).then(() => undefined);
    this.lastStart = start;
    const task = (async () => {
      try {
        await start;
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
