import pino from 'pino';
import type { Logger } from '../core/ports';

/**
 * Paths pino redacts wherever they appear in a log object. Callers never pass secrets on purpose; this is the
 * second line of defence for the day someone logs a whole object by mistake.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'passwordProfile',
  '*.passwordProfile',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'assertion',
  '*.assertion',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'Authorization',
  '*.Authorization',
  'headers.Authorization',
  'clientSecret',
  '*.clientSecret',
  'client_secret',
  'refresh_token',
  'access_token',
  'id_token',
];

/** A JSON logger to `destination` (stdout by default), with secrets redacted by configuration. */
export function createLogger(opts: { level: string; destination?: pino.DestinationStream; name?: string }): Logger {
  return pino(
    {
      level: opts.level,
      name: opts.name,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.destination,
  ) as unknown as Logger;
}
