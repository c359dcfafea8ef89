import { AppError, toAppError } from '../core/errors';
import type { Logger } from '../core/ports';

/**
 * The one log line of a failed turn (and of work that answers for one later, such as a long bulk check): the
 * correlation id the error card shows finds it. An unexpected error is an error with its stack; any other a warning.
 */
export function logTurnFailure(logger: Logger, e: unknown, correlationId: string, fields: object): AppError {
  const error = toAppError(e);
  const log = error.code === 'INTERNAL' ? logger.error.bind(logger) : logger.warn.bind(logger);
  log({ ...fields, correlationId: error.correlationId ?? correlationId, code: error.code, upstreamCode: error.upstreamCode, httpStatus: error.httpStatus, err: error.code === 'INTERNAL' ? describe(error.cause ?? error) : undefined }, 'turn failed');
  return error;
}

function describe(e: unknown): object {
  if (e instanceof Error) return { name: e.name, stack: e.stack?.split('\n').slice(0, 6).join('\n') };
  return { value: typeof e };
}
