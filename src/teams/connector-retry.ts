import type { Logger } from '../core/ports';

/**
 * Retries and pacing for what the bot sends to the Bot Connector outside a turn (card updates, private messages,
 * channel posts). Microsoft asks bots to back off and retry 429 (honouring Retry-After), 412, 502 and 504
 * ("Optimize your bot with rate limiting in Teams"); anything else (403 not in the roster, 413 too big, 404) is
 * final and thrown at once. Each call already retries some of these a few times (connector-http.ts, which keeps the
 * SDK pipeline's rules: Retry-After on 429/503, backoff on 5xx); this adds 412, a bound on the total wait, and the
 * pacing below.
 */
export const RETRYABLE_STATUSES = new Set([412, 429, 502, 504]);

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  /** No single wait is longer than this, whatever Retry-After says; the work is dropped (and logged) instead. */
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const DEFAULT_RETRY: RetryOptions = {
  attempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()),
  random: Math.random,
};

/** The HTTP status of a connector error (connector-http.ts and botframework-connector throw RestError-like errors). */
export function connectorStatus(e: unknown): number | undefined {
  const err = e as { statusCode?: unknown; response?: { status?: unknown } } | undefined;
  const status = err?.statusCode ?? err?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Retry-After of a connector error, in ms (seconds or an HTTP date), if it sent one. */
export function retryAfterMs(e: unknown, now = Date.now()): number | undefined {
  const headers = (e as { response?: { headers?: { get?: (name: string) => string | undefined | null } | Record<string, string> } } | undefined)?.response?.headers;
  const raw = typeof headers?.get === 'function' ? headers.get('retry-after') : (headers as Record<string, string> | undefined)?.['retry-after'];
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Runs `op` until it succeeds, fails with a status that is not retryable, or the attempts run out. Waits
 * Retry-After when the connector sent one, else exponential backoff with full jitter; never longer than
 * `maxDelayMs`. `stillWanted` lets a card update stop retrying once a newer version of the card superseded it.
 */
export async function withConnectorRetry<T>(
  what: string,
  op: () => Promise<T>,
  logger: Logger,
  opts: RetryOptions = DEFAULT_RETRY,
  stillWanted: () => boolean = () => true,
): Promise<T | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (e) {
      const status = connectorStatus(e);
      if (status === undefined || !RETRYABLE_STATUSES.has(status) || attempt >= opts.attempts) throw e;
      const hinted = retryAfterMs(e);
      const backoff = Math.round(opts.random() * opts.baseDelayMs * 2 ** (attempt - 1));
      const delay = hinted ?? backoff;
      if (delay > opts.maxDelayMs) {
        logger.warn({ what, status, retryAfterMs: delay, attempt }, 'the Teams service asked to wait longer than the retry bound; giving up this attempt');
        throw e;
      }
      logger.info({ what, status, attempt, delayMs: delay }, 'Teams service answered with a transient status; retrying');
      await opts.sleep(delay);
      if (!stillWanted()) return undefined;
    }
  }
}

/**
 * Keeps the bot under Teams' per-bot-per-conversation limits (documented: 7 operations a second, 8 in two
 * seconds, 60 in thirty seconds, 1,800 an hour): each send or update to one conversation waits for a slot in
 * every window first. A burst (many expiries in one channel) then spreads out instead of collecting 429s. Per
 * instance: several instances share the limit, so the windows are set a little under Microsoft's numbers.
 */
export class ConversationPacer {
  private readonly sent = new Map<string, number[]>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly windows: Array<{ ms: number; max: number }> = [
      { ms: 1000, max: 6 },
      { ms: 2000, max: 7 },
      { ms: 30_000, max: 50 },
      { ms: 3_600_000, max: 1500 },
    ],
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = DEFAULT_RETRY.sleep,
  ) {}

  /** Resolves when one more operation may go to `conversationId` now (and counts it). */
  slot(conversationId: string): Promise<void> {
    const previous = this.queues.get(conversationId) ?? Promise.resolve();
    const mine = previous.then(() => this.take(conversationId));
    const tail = mine.catch(() => undefined);
    this.queues.set(conversationId, tail);
    void tail.then(() => {
      if (this.queues.get(conversationId) === tail) this.queues.delete(conversationId);
    });
    return mine;
  }

  private async take(conversationId: string): Promise<void> {
    for (;;) {
      const now = this.clock();
      const longest = Math.max(...this.windows.map((w) => w.ms));
      const times = (this.sent.get(conversationId) ?? []).filter((t) => now - t < longest);
      let wait = 0;
      for (const w of this.windows) {
        const inWindow = times.filter((t) => now - t < w.ms);
        if (inWindow.length >= w.max) wait = Math.max(wait, inWindow[inWindow.length - w.max] + w.ms - now);
      }
      if (wait <= 0) {
        times.push(now);
        this.sent.set(conversationId, times);
        if (this.sent.size > 1000) for (const [id, t] of this.sent) if (now - t[t.length - 1] >= longest) this.sent.delete(id);
        return;
      }
      await this.sleep(wait);
    }
  }
}
