import type { Logger } from '../../src/core/ports';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  level: LogLevel;
  /** The bindings of every child logger on the way, merged with the call's own object. */
  obj: Record<string, unknown>;
  msg?: string;
}

/**
 * A Logger that keeps every entry in memory, so tests can assert on what was logged (one line per attempt, the
 * request ids) and scan the whole log for secrets that must never be in it.
 */
export class RecordingLogger implements Logger {
  constructor(
    readonly entries: LogEntry[] = [],
    private readonly bindings: Record<string, unknown> = {},
  ) {}

  debug(obj: object, msg?: string): void {
    this.record('debug', obj, msg);
  }
  info(obj: object, msg?: string): void {
    this.record('info', obj, msg);
  }
  warn(obj: object, msg?: string): void {
    this.record('warn', obj, msg);
  }
  error(obj: object, msg?: string): void {
    this.record('error', obj, msg);
  }
  child(bindings: object): Logger {
    return new RecordingLogger(this.entries, { ...this.bindings, ...(bindings as Record<string, unknown>) });
  }

  /** Entries whose message is `msg`. */
  withMessage(msg: string): LogEntry[] {
    return this.entries.filter((e) => e.msg === msg);
  }

  /** Everything logged, as one string, for "this secret appears nowhere" assertions. */
  text(): string {
    return this.entries.map((e) => JSON.stringify({ level: e.level, msg: e.msg, ...e.obj })).join('\n');
  }

  clear(): void {
    this.entries.length = 0;
  }

  private record(level: LogLevel, obj: object, msg?: string): void {
    this.entries.push({ level, obj: { ...this.bindings, ...(obj as Record<string, unknown>) }, msg });
  }
}
