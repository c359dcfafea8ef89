import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { AppError, type ErrorCode } from '../core/errors';
import type { Logger } from '../core/ports';
import { exchange, type HttpAnswer, type ResponseHeaders } from './node-http-client';
import { backoffMs, isNetworkFailure, isRetryableStatus, parseRetryAfterMs } from './retry-policy';

export type { ResponseHeaders } from './node-http-client';

/**
 * The one way the bot talks HTTP to Microsoft: bounded retries of one logical call under an overall deadline.
 *
 * Division of labour: this helper owns *time* (attempts, waits, timeouts, the deadline); the service's error table
 * (src/partner-center/errors.ts, src/graph/errors.ts) owns *meaning*. So every answer that arrived is returned,
 * whatever its status (the last 5xx after the retries, or a 429 whose Retry-After does not fit the deadline, with
 * `retryAfterSeconds` set), and only a call that got no answer at all throws here: UPSTREAM_TIMEOUT for hangs,
 * PARTNER_CENTER_UNAVAILABLE / GRAPH_UNAVAILABLE for broken connections.
 */

export type UpstreamService = 'partner-center' | 'graph';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface UpstreamHttpOptions {
  /** Per attempt: a hang is cut off after this long. */
  timeoutMs: number;
  /** The whole logical call, waits included. */
  deadlineMs: number;
  /** Retries after the first attempt (so at most maxRetries + 1 attempts). */
  maxRetries: number;
  baseBackoffMs?: number;
  logger: Logger;
  service: UpstreamService;
  /** Injected by tests to skip real waiting. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injected by tests to pin the jitter. */
  random?: () => number;
  /** Injected by tests together with `sleep` to simulate the passage of time. */
  now?: () => number;
}

export interface UpstreamRequest {
  method: HttpMethod;
  /** Absolute URL. */
  url: string;
  /** The service's own headers (Authorization included); the request-id header is added here. */
  headers: Record<string, string>;
  /** Serialized body (JSON). */
  body?: string;
  /** For the log line and for errors. */
  correlationId: string;
  /**
   * The idempotency key of this logical call, reused unchanged on every attempt. A new one is made when absent:
   * each logical call gets its own.
   */
  requestId?: string;
  /** Header that carries the request id: `MS-RequestId` (Partner Center) or `client-request-id` (Graph). */
  requestIdHeader?: string;
  signal?: AbortSignal;
}

export interface UpstreamResponse {
  status: number;
  headers: ResponseHeaders;
  /** The body as text; the caller parses it (with zod). */
  text: string;
  requestId: string;
  attempts: number;
  /** Set on a 429 the helper stopped waiting for: what the server asked for, in whole seconds. */
  retryAfterSeconds?: number;
}

export interface UpstreamHttp {
  readonly service: UpstreamService;
  send(req: UpstreamRequest): Promise<UpstreamResponse>;
}

type Outcome =
  | { kind: 'response'; response: HttpAnswer; text: string }
  | { kind: 'timeout' }
  | { kind: 'network'; error: unknown };

/** Whoever is waiting for a slow attempt also needs some time for the attempt itself. */
const MIN_ATTEMPT_MS = 1_000;

const UNAVAILABLE: Record<UpstreamService, ErrorCode> = {
  'partner-center': 'PARTNER_CENTER_UNAVAILABLE',
  graph: 'GRAPH_UNAVAILABLE',
};

const defaultSleep = (ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal });

export function createUpstreamHttp(options: UpstreamHttpOptions): UpstreamHttp {
  const baseBackoff = options.baseBackoffMs ?? 250;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const { service, logger } = options;

  async function attemptOnce(req: UpstreamRequest, requestId: string, budgetMs: number): Promise<Outcome> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), budgetMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout.signal]) : timeout.signal;
    try {
      // The body is read under the same timeout: a server that sends headers and then stalls is a hang too.
      const response = await exchange({
        method: req.method,
        url: req.url,
        headers: { ...req.headers, [req.requestIdHeader ?? 'MS-RequestId']: requestId },
        body: req.body,
        signal,
      });
      return { kind: 'response', response, text: response.text };
    } catch (e) {
      if (req.signal?.aborted) throw cancelled(req, e);
      if (timeout.signal.aborted) return { kind: 'timeout' };
      if (isNetworkFailure(e)) return { kind: 'network', error: e };
      throw new AppError('INTERNAL', `${service} request could not be sent: ${String((e as { message?: unknown })?.message ?? e)}`, {
        correlationId: req.correlationId,
        cause: e,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  function cancelled(req: UpstreamRequest, cause: unknown): AppError {
    return new AppError('UPSTREAM_TIMEOUT', `${service} call cancelled by the caller`, { correlationId: req.correlationId, retryable: true, cause });
  }

  function logAttempt(req: UpstreamRequest, requestId: string, attempt: number, durationMs: number, outcome: Outcome, willRetry: boolean): void {
    // Method, path and ids only: never headers (Authorization), query strings, bodies or passwords.
    const line = {
      service,
      method: req.method,
      path: new URL(req.url).pathname,
      status: outcome.kind === 'response' ? outcome.response.status : undefined,
      failure: outcome.kind === 'response' ? undefined : outcome.kind,
      durationMs,
      attempt,
      willRetry,
      correlationId: req.correlationId,
      requestId,
    };
    const troubled = outcome.kind !== 'response' || outcome.response.status >= 500 || outcome.response.status === 429;
    if (troubled) logger.warn(line, 'upstream call');
    else logger.info(line, 'upstream call');
  }

  async function send(req: UpstreamRequest): Promise<UpstreamResponse> {
    const requestId = req.requestId ?? randomUUID();
    const deadlineAt = now() + options.deadlineMs;
    let attempt = 0;
    for (;;) {
      attempt += 1;
      const budget = Math.max(1, Math.min(options.timeoutMs, deadlineAt - now()));
      const started = now();
      const outcome = await attemptOnce(req, requestId, budget);
      const durationMs = now() - started;

      const retryable = outcome.kind !== 'response' || isRetryableStatus(outcome.response.status);
      const retryAfterMs = outcome.kind === 'response' ? parseRetryAfterMs(outcome.response.headers.get('retry-after'), now()) : undefined;
      const waitMs = retryable ? Math.max(retryAfterMs ?? 0, backoffMs(attempt, baseBackoff, random)) : 0;
      const fits = now() + waitMs + Math.min(options.timeoutMs, MIN_ATTEMPT_MS) <= deadlineAt;
      const willRetry = retryable && attempt <= options.maxRetries && fits;
      logAttempt(req, requestId, attempt, durationMs, outcome, willRetry);

      if (!willRetry) return finish(req, requestId, attempt, outcome, retryAfterMs);
      try {
        await sleep(waitMs, req.signal);
      } catch (e) {
        throw cancelled(req, e);
      }
    }
  }

  function finish(req: UpstreamRequest, requestId: string, attempts: number, outcome: Outcome, retryAfterMs: number | undefined): UpstreamResponse {
    if (outcome.kind === 'response') {
      const { response, text } = outcome;
      return {
        status: response.status,
        headers: response.headers,
        text,
        requestId,
        attempts,
        retryAfterSeconds: response.status === 429 && retryAfterMs !== undefined ? Math.ceil(retryAfterMs / 1000) : undefined,
      };
    }
    const details = { correlationId: req.correlationId, retryable: true };
    if (outcome.kind === 'timeout') {
      throw new AppError(
        'UPSTREAM_TIMEOUT',
        `${service} did not answer ${req.method} ${new URL(req.url).pathname} within ${options.timeoutMs} ms per attempt (${attempts} attempt(s), deadline ${options.deadlineMs} ms)`,
        details,
      );
    }
    throw new AppError(UNAVAILABLE[service], `${service} connection failed ${attempts} time(s) for ${req.method} ${new URL(req.url).pathname}`, {
      ...details,
      cause: outcome.error,
    });
  }

  return { service, send };
}
