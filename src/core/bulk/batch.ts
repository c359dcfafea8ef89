import { z } from 'zod/v4';
import type { Actor } from '../approval/request-state';
import { actor, cardLocation, requestedOnboarding, requestedUser } from '../approval/stored-request';
import type { CardLocation, RequestedOnboarding, RequestedUser, Versioned } from '../approval/user-request';
import { AppError, ERROR_CODES, type ErrorCode } from '../errors';

/**
 * A bulk creation (issue 14): one record per batch, one ordinary stored request per accepted row. Each row's
 * request runs the single-user creation sequence unchanged (its own MS-RequestId, steps, lease, crash recovery);
 * the batch only knows which rows exist, who asked, where its card is, and whether the passwords went out.
 *
 * `checked` (rows validated and pre-flighted, nothing stored per row yet) → `running` (confirmed: row requests are
 * drafted and created, a few at a time) → `done`; or `cancelled` before it runs. In a channel (mode `approval`) the
 * whole batch is one approval: `checked → pending-approval → running` (approved: the approver's identity creates
 * every row), `rejected`, or `expired` when nobody decides within the approval time (nothing is created).
 */
export type BatchState =
  | { kind: 'checked'; at: string }
  /** `expiresAt`: when the undecided batch expires, like a single approval request (absent on batches sent before expiry existed). */
  | { kind: 'pending-approval'; at: string; expiresAt?: string }
  | { kind: 'expired'; at: string }
  | { kind: 'rejected'; at: string; by: Actor; reason: string }
  | { kind: 'running'; at: string; by: Actor }
  | { kind: 'done'; at: string; by: Actor }
  | { kind: 'cancelled'; at: string };

/** Why a row is left out: a stable code (error-text.ts has the words), the column or check it is about, and one sentence. */
export interface RowProblem {
  code: ErrorCode;
  column?: string;
  text: string;
}

export interface BatchRow {
  /** The line in the CSV (the header is line 1). */
  line: number;
  /** What the row said, by column (for the report). Never a password: the CSV has no password column. */
  values: Record<string, string>;
  /** The user name the row asks for, '' when it could not be made. */
  userPrincipalName: string;
  problems: RowProblem[];
  /** Accepted rows only: the id of the request this row becomes, the user and its onboarding, parsed. */
  requestId?: string;
  user?: RequestedUser;
  onboarding?: RequestedOnboarding;
  template?: { id: string; name: string };
  ticket?: string;
}

export interface Batch {
  id: string;
  mode: 'personal' | 'approval';
  createdAt: string;
  updatedAt: string;
  requester: Actor;
  customer: { id: string; companyName: string; defaultDomain?: string };
  /** Shared by the batch's own upstream calls (the check); each row's request has its own. */
  correlationId: string;
  state: BatchState;
  card?: CardLocation;
  rows: BatchRow[];
  /** The passwords went to the requester in one message (when, how many). Never the passwords. */
  passwords?: { sentAt: string; count: number };
}

export const acceptedRows = (b: Pick<Batch, 'rows'>): Array<BatchRow & { requestId: string; user: RequestedUser }> =>
  b.rows.filter((r): r is BatchRow & { requestId: string; user: RequestedUser } => r.problems.length === 0 && Boolean(r.requestId && r.user));

/** The store of batches: compare-and-swap on eTags, like requests. */
export interface BatchStore {
  get(id: string): Promise<Versioned<Batch> | undefined>;
  /** Fails with CONCURRENT_UPDATE when the id exists. */
  create(batch: Batch): Promise<Versioned<Batch>>;
  /** Fails with CONCURRENT_UPDATE when the stored eTag is no longer `etag`. */
  update(batch: Batch, etag: string): Promise<Versioned<Batch>>;
}

/** The stored shape of a batch (version 1); a store parses every read with it. */
export const storedBatchSchema = z.strictObject({
  schemaVersion: z.literal(1),
  id: z.string(),
  mode: z.enum(['personal', 'approval']),
  createdAt: z.string(),
  updatedAt: z.string(),
  requester: actor,
  customer: z.strictObject({ id: z.string(), companyName: z.string(), defaultDomain: z.string().optional() }),
  correlationId: z.string(),
  state: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('checked'), at: z.string() }),
    z.strictObject({ kind: z.literal('pending-approval'), at: z.string(), expiresAt: z.string().optional() }),
    z.strictObject({ kind: z.literal('expired'), at: z.string() }),
    z.strictObject({ kind: z.literal('rejected'), at: z.string(), by: actor, reason: z.string() }),
    z.strictObject({ kind: z.literal('running'), at: z.string(), by: actor }),
    z.strictObject({ kind: z.literal('done'), at: z.string(), by: actor }),
    z.strictObject({ kind: z.literal('cancelled'), at: z.string() }),
  ]),
  card: cardLocation.optional(),
  rows: z.array(
    z.strictObject({
      line: z.number().int(),
      values: z.record(z.string(), z.string()),
      userPrincipalName: z.string(),
      problems: z.array(z.strictObject({ code: z.enum(ERROR_CODES).catch('INTERNAL'), column: z.string().optional(), text: z.string() })),
      requestId: z.string().optional(),
      user: requestedUser.optional(),
      onboarding: requestedOnboarding.optional(),
      template: z.strictObject({ id: z.string(), name: z.string() }).optional(),
      ticket: z.string().optional(),
    }),
  ),
  passwords: z.strictObject({ sentAt: z.string(), count: z.number().int() }).optional(),
});

export function encodeBatch(batch: Batch): unknown {
  const record = { ...batch, schemaVersion: 1 as const };
  const checked = storedBatchSchema.safeParse(record);
  if (!checked.success) throw new AppError('INTERNAL', `refusing to store batch ${batch.id} in a shape its schema refuses`);
  return JSON.parse(JSON.stringify(checked.data));
}

export function decodeBatch(raw: unknown): Batch {
  const parsed = storedBatchSchema.safeParse(raw);
  if (!parsed.success) throw new AppError('STORED_REQUEST_INVALID', `stored batch does not match its schema: ${parsed.error.issues.slice(0, 5).map((i) => i.path.join('.')).join('; ')}`);
  const { schemaVersion: _v, ...batch } = parsed.data;
  return batch as Batch;
}
