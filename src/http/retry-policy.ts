/**
 * The timing rules of an upstream call, as pure functions: which outcomes are worth another attempt, how long to
 * wait before it, and how to read `Retry-After`. Kept apart from the fetch loop so they can be tested exactly.
 */

/** Statuses that say "not now" rather than "no": throttling and transient server or gateway failures. */
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/** Error codes of a connection that broke (undici and node:net spell them differently). */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/**
 * Whether a fetch rejection is a broken connection (reset, refused, "socket hang up", "other side closed") rather
 * than a programming error such as a malformed URL, which no retry can fix.
 */
export function isNetworkFailure(e: unknown): boolean {
  // Duck-typed, not `instanceof Error`: fetch's errors come from Node's own realm, which differs from the realm of
  // code run inside a vm (jest), so instanceof would say no.
  const err = asErrorLike(e);
  if (!err) return false;
  const cause = asErrorLike(err.cause);
  const code = cause?.code ?? err.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  // undici: "fetch failed" (connect/send), "terminated" (the body stream broke after the headers).
  return err.message === 'fetch failed' || err.message === 'terminated' || /socket hang up|other side closed|ECONNRESET/i.test(`${err.message} ${cause?.message ?? ''}`);
}

interface ErrorLike {
  message: string;
  code?: unknown;
  cause?: unknown;
}

function asErrorLike(e: unknown): ErrorLike | undefined {
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string' ? (e as ErrorLike) : undefined;
}

/**
 * `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable.
 * `nowMs` is injected so an HTTP date is read against the same clock as the deadline.
 */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Exponential backoff with "equal jitter": half of the exponential step is fixed, half is random, so waits always
 * grow with the attempt number while clients that failed together do not retry together.
 * `retryNumber` is 1 for the wait before the second attempt.
 */
export function backoffMs(retryNumber: number, baseMs: number, random: () => number, capMs = 30_000): number {
  const step = Math.min(capMs, baseMs * 2 ** Math.max(0, retryNumber - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}
