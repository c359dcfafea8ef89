/**
 * Work that must happen at a stored time, even after a restart and with several instances running: expiring an
 * undecided approval request, removing a temporary password from a chat message. Timers in memory are lost on a
 * restart and fire once per instance; a durable queue with claims fires once, somewhere.
 *
 * Delivery is at least once: a claim whose lease runs out before `complete` is handed out again, so handlers
 * must be idempotent (re-read the request and compare-and-swap, edit a message to the same content).
 */

/**
 * - `expire-request`: an undecided approval request reaches its expiry time;
 * - `hide-password`: a message showing a temporary password must lose it;
 * - `finish-request`: a creation in flight, due when its lease runs out. The instance running the creation
 *   removes it when done; if that instance died, whoever claims it finishes the creation (same MS-RequestId) and
 *   brings the cards in line with the stored state.
 * - `erase-password`: a stored password's end of life (drafts and failed requests that nobody moves on).
 * - `request-ready`: a scheduled request (a start date) reaches its ready time (start minus the lead time): it
 *   becomes ready and its ready card is sent as a new message.
 * - `request-reminder`: a ready request nobody acted on is reminded (at the start, then every interval).
 * - `run-batch`: a confirmed bulk batch (src/core/bulk/), due when its runner's lease runs out (`requestId` is the
 *   batch id): whoever claims it continues the batch where it stopped.
 * - `hide-batch-passwords`: the one message with a batch's passwords must lose them.
 * - `expire-batch`: a channel batch waiting for approval reaches its expiry time (`requestId` is the batch id).
 */
export type DueWorkKind = 'expire-request' | 'hide-password' | 'finish-request' | 'erase-password' | 'request-ready' | 'request-reminder' | 'run-batch' | 'hide-batch-passwords' | 'expire-batch';

/** One item per request and purpose, so scheduling again replaces rather than duplicates. */
export const dueKeys = {
  expire: (requestId: string) => `expire:${requestId}`,
  finish: (requestId: string) => `finish:${requestId}`,
  hide: (requestId: string, where: string) => `hide:${requestId}:${where}`,
  erasePassword: (requestId: string) => `erase-password:${requestId}`,
  ready: (requestId: string) => `ready:${requestId}`,
  remind: (requestId: string) => `remind:${requestId}`,
  runBatch: (batchId: string) => `run-batch:${batchId}`,
  hideBatch: (batchId: string) => `hide-batch:${batchId}`,
  expireBatch: (batchId: string) => `expire-batch:${batchId}`,
};

export interface DueWork {
  /** Identifies the work: scheduling the same key again replaces it (one expiry per request, say). */
  key: string;
  kind: DueWorkKind;
  requestId: string;
  /** ISO time at or after which the work is due. */
  dueAt: string;
  /** Small, non-secret details the handler needs (an activity id, never a password or a token). */
  payload?: Record<string, string>;
}

/** A claimed item: `owner` holds it until `leaseUntil` (ISO); after that anyone may claim it again. */
export interface DueItem extends DueWork {
  owner: string;
  leaseUntil: string;
}

export interface DueWorkStore {
  /** Upsert by key. Replacing an item also drops any claim on it: the new schedule is what counts. */
  schedule(item: DueWork): Promise<void>;
  /**
   * Atomically claims up to `limit` items with `dueAt <= now` that are unclaimed or whose lease has run out,
   * earliest first. Two claimers racing for the same item: exactly one gets it.
   */
  claimDue(now: Date, owner: string, leaseMs: number, limit: number): Promise<DueItem[]>;
  /**
   * The work is done: removes the item. With `owner`, only while that owner still holds the claim, so a claimer
   * whose lease ran out (or whose item was rescheduled meanwhile) does not remove someone else's work.
   */
  complete(key: string, owner?: string): Promise<void>;
  /** The work is no longer needed (the request was decided): removes the item, claimed or not. */
  cancel(key: string): Promise<void>;
}
