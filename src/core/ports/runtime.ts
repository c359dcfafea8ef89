/** Injected so tests can freeze time and due dates are computed the same way everywhere. */
export interface Clock {
  now(): Date;
}

/** Id generation (uuid v4 in production), injected for deterministic tests. */
export interface Ids {
  newId(): string;
}

/** Structured logger (pino-shaped). The logger's own configuration redacts secrets; callers still never pass any. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: object): Logger;
}
