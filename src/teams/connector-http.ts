import { randomInt, randomUUID } from 'node:crypto';
import { exchange, type ResponseHeaders } from '../http/node-http-client';

/**
 * One call to the Bot Connector (the Teams service URL) over the shared keep-alive client, answering the way
 * botframework-connector's azure pipeline did (issue 16: that pipeline, a dozen policies and a mapper-driven
 * (de)serializer around each call, cost more CPU than the call itself).
 *
 * Kept exactly, because callers depend on it (connector-retry.ts retries on top of it, password-handover.ts reads
 * 403, and the Retry-After a 429 carries must be honoured):
 * - success is 200, 201 or 202 only; anything else throws a `RestError`-shaped error with `statusCode`, `code` and
 *   `message` from the connector's `{ error: { code, message } }`, and `response` (`status`, `headers.get`,
 *   `bodyAsText`, `parsedBody`);
 * - the pipeline's default retries, at most 3 after the first attempt: a 429 or 503 that says how long to wait
 *   (`retry-after-ms`, `x-ms-retry-after-ms`, `Retry-After` in seconds or as a date) is retried after exactly that
 *   long; 408 and 5xx other than 501/505, and broken connections (refused, reset, timed out, unknown host), after
 *   an exponential wait from 1 s (half fixed, half random, at most 64 s); everything else is final at once;
 * - no timeout of its own (the pipeline had none), no redirects followed (the connector sends none).
 *
 * One deliberate difference: the pipeline waited whatever a throttle hint said. A hint longer than
 * `MAX_HINTED_WAIT_MS` is not waited here; the 429/503 is thrown at once, so connector-retry.ts's bound (the same
 * 30 s) decides and logs it, instead of a card update sleeping for however long the service asked.
 */

export interface ConnectorRequest {
  method: 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface ConnectorHttpOptions {
  sleep?: (ms: number) => Promise<void>;
  /** An integer in [min, max], as the pipeline's jitter draws it. */
  randomInt?: (min: number, max: number) => number;
  now?: () => number;
}

const MAX_RETRIES = 3;
/** The longest throttle hint waited here (connector-retry.ts's `maxDelayMs`, the same bound). */
export const MAX_HINTED_WAIT_MS = 30_000;
const SUCCESS = new Set([200, 201, 202]);
const SYSTEM_ERRORS = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'ENOTFOUND']);
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What botframework-connector threw for a failed call (an azure `RestError`), with the fields callers read. */
export class ConnectorRestError extends Error {
  override readonly name = 'RestError';
  constructor(
    message: string,
    readonly statusCode: number | undefined,
    readonly code: string | undefined,
    readonly response?: { status: number; headers: ResponseHeaders; bodyAsText: string; parsedBody: unknown },
  ) {
    super(message);
  }
}

type Attempt = { status: number; headers: ResponseHeaders; text: string } | { error: ConnectorRestError };

/** Sends the request (retrying as above) and returns the parsed JSON answer of a success (undefined when empty). */
export async function callConnector(request: ConnectorRequest, opts: ConnectorHttpOptions = {}): Promise<unknown> {
  // One id for the logical call, kept across retries (the pipeline's x-ms-client-request-id policy sits outside them).
  const headers = { ...request.headers, 'x-ms-client-request-id': randomUUID() };
  for (let retry = 0; ; retry++) {
    const attempt: Attempt = await exchange({ method: request.method, url: request.url, headers, body: request.body }).catch((e: unknown) => ({ error: sendError(e) }));
    const wait = retry < MAX_RETRIES ? retryDelay(attempt, retry, opts) : undefined;
    if (wait === undefined) return settle(attempt);
    await (opts.sleep ?? defaultSleep)(wait);
  }
}

/** How long to wait before retrying this outcome, or undefined when it is final. */
function retryDelay(attempt: Attempt, retry: number, opts: ConnectorHttpOptions): number | undefined {
  if ('error' in attempt) return SYSTEM_ERRORS.has(attempt.error.code ?? '') ? exponential(retry, opts) : undefined;
  if (SUCCESS.has(attempt.status)) return undefined;
  const hinted = throttleDelay(attempt, opts.now ?? Date.now);
  if (hinted !== undefined) return hinted <= MAX_HINTED_WAIT_MS ? hinted : undefined;
  const s = attempt.status;
  return (s >= 500 || s === 408) && s !== 501 && s !== 505 ? exponential(retry, opts) : undefined;
}

function throttleDelay(answer: { status: number; headers: ResponseHeaders }, now: () => number): number | undefined {
  if (answer.status !== 429 && answer.status !== 503) return undefined;
  for (const [name, factor] of [['retry-after-ms', 1], ['x-ms-retry-after-ms', 1], ['retry-after', 1000]] as const) {
    const raw = answer.headers.get(name);
    if (!raw) continue;
    const n = Number(raw);
    if (!Number.isNaN(n)) return n * factor;
  }
  const raw = answer.headers.get('retry-after');
  if (!raw) return undefined;
  const diff = Date.parse(raw) - now();
  return Number.isFinite(diff) ? Math.max(0, diff) : undefined;
}

function exponential(retry: number, opts: ConnectorHttpOptions): number {
  const clamped = Math.min(64_000, 1000 * 2 ** retry);
  return clamped / 2 + (opts.randomInt ?? ((min, max) => randomInt(min, max + 1)))(0, clamped / 2);
}

function settle(attempt: Attempt): unknown {
  if ('error' in attempt) throw attempt.error;
  const parsed = parse(attempt);
  if (SUCCESS.has(attempt.status)) return parsed;
  const inner = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const message = typeof inner?.message === 'string' && inner.message ? inner.message : attempt.text;
  throw new ConnectorRestError(message, attempt.status, typeof inner?.code === 'string' ? inner.code : undefined, { status: attempt.status, headers: attempt.headers, bodyAsText: attempt.text, parsedBody: parsed });
}

function parse(answer: { status: number; headers: ResponseHeaders; text: string }): unknown {
  if (!answer.text) return undefined;
  try {
    return JSON.parse(answer.text) as unknown;
  } catch {
    // A success the SDK could not parse was an error too; an error's unparsable body is its message.
    if (!SUCCESS.has(answer.status)) return undefined;
    throw new ConnectorRestError(`the Bot Connector answered ${answer.status} with a body that is not JSON`, answer.status, 'PARSE_ERROR', { status: answer.status, headers: answer.headers, bodyAsText: answer.text, parsedBody: undefined });
  }
}

function sendError(e: unknown): ConnectorRestError {
  const err = e as { message?: unknown; code?: unknown };
  return new ConnectorRestError(typeof err?.message === 'string' ? err.message : String(e), undefined, typeof err?.code === 'string' ? err.code : 'REQUEST_SEND_ERROR');
}
