import pino from 'pino';
import type { Logger } from '../core/ports';
import { redactSecrets } from './redact-secrets';

/**
 * A JSON logger to `destination` (stdout by default), with secret keys redacted in every line and in every child
 * logger's bindings (redact-secrets.ts: not pino's `redact`, whose wildcard paths cost every field of every line).
 */
export function createLogger(opts: { level: string; destination?: pino.DestinationStream; name?: string }): Logger {
  const logger = pino(
    {
      level: opts.level,
      name: opts.name,
      formatters: { log: redactSecrets },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.destination,
  );
  // pino gives a child no bindings formatter of its parent's, so the bindings are redacted before it sees them.
  // Children are made from this instance's prototype chain, so theirs go through here too.
  const pinoChild = Object.getPrototypeOf(logger).child as (this: unknown, bindings: object, options?: object) => unknown;
  Object.defineProperty(logger, 'child', {
    value: function (this: unknown, bindings: object, options?: object) {
      return pinoChild.call(this, redactSecrets(bindings), options);
    },
  });
  return logger as unknown as Logger;
}
