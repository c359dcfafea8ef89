import { AppError } from '../core/errors';

/**
 * Stored times are compared as numbers (or as fixed-width ISO strings), never as the strings callers hand in:
 * `2026-01-01T00:00:00Z` and `2026-01-01T00:00:00.500Z` sort the wrong way round as text.
 */
export function epochMs(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new AppError('INTERNAL', `${what} is not a valid time`);
  return ms;
}

/** The fixed-width form (`YYYY-MM-DDTHH:mm:ss.sssZ`), whose text order is its time order. */
export function canonicalIso(iso: string, what: string): string {
  return new Date(epochMs(iso, what)).toISOString();
}
