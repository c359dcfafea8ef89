import { z } from 'zod/v4';
import { AppError, ERROR_CODES } from '../errors';
import type { RequestState } from './request-state';
import { STORED_REQUEST_UPGRADES, type StoredRecord } from './stored-request-upgrades';
import type { UserRequest } from './user-request';

/**
 * The one schema of a stored request, and the only way a store turns stored JSON into a `UserRequest` (and back).
 *
 * Version policy:
 * - Every write carries `schemaVersion: STORED_REQUEST_VERSION`. A record without the field was written before
 *   versioning and is version 0 (the shape requests had until then); it is read through the upgrade chain
 *   (stored-request-upgrades.ts) and rewritten in the current shape by its next update, never in bulk.
 * - Any change to the stored shape (a field added, removed, moved or given another meaning, at any depth) is a
 *   new version: append an upgrade, change the schema below. A field added as optional still counts: an older
 *   build must see a version it does not know, not a field it does not know.
 * - A record newer than this build is refused (STORED_REQUEST_TOO_NEW), never guessed at or rewritten: an older
 *   instance (a rolling deploy on the Blob store) must not drop what it does not understand, such as a creation's
 *   stored progress, and repeat work because of it.
 *
 * Unknown fields: every object the request owns is strict (`z.strictObject`). A stored version names exactly the fields it may
 * hold, so a field the schema does not name means a record this version does not describe (a writer that forgot
 * to bump the version, or damage): it is refused (STORED_REQUEST_INVALID) rather than stripped (the next write
 * would silently lose it) or passed through (it would ride along unchecked and untyped). Writes are checked
 * against the same schema, so this build can never store what it would refuse to read. The one opaque value is
 * `card.conversation`: the Teams adapter's conversation reference, which the core does not own.
 */

/** The version every write carries: one more than the last upgrade's input. */
export const STORED_REQUEST_VERSION = STORED_REQUEST_UPGRADES.length;

/** An actor and a card location as stored: shared with the stored batch (core/bulk/batch.ts). */
export const actor = z.strictObject({ oid: z.string(), name: z.string(), upn: z.string().optional(), teamsId: z.string().optional() });
export const cardLocation = z.strictObject({ conversation: z.record(z.string(), z.unknown()), activityId: z.string() });
const who = z.strictObject({ oid: z.string(), name: z.string() });

const failure = z.strictObject({
  // A code a later build no longer has reads as INTERNAL: the request stays readable, its card says "Error in the
  // bot" with its correlation id, and nothing else about the record is loosened.
  code: z.enum(ERROR_CODES).catch('INTERNAL'),
  upstreamCode: z.string().optional(),
  httpStatus: z.number().int().optional(),
  correlationId: z.string().optional(),
  retryable: z.boolean(),
});

const createdUser = z.strictObject({ id: z.string(), userPrincipalName: z.string(), displayName: z.string(), state: z.string() });

const state = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('draft') }),
  z.strictObject({ kind: z.literal('scheduled'), startAt: z.string(), readyAt: z.string(), scheduledAt: z.string() }),
  z.strictObject({ kind: z.literal('pending-approval'), submittedAt: z.string(), expiresAt: z.string() }),
  z.strictObject({ kind: z.literal('creating'), by: actor, startedAt: z.string(), attempt: z.number().int().positive() }),
  z.strictObject({ kind: z.literal('created'), by: actor, at: z.string(), user: createdUser, passwordRevealUntil: z.string().optional() }),
  z.strictObject({ kind: z.literal('failed'), by: actor, at: z.string(), failure, attempt: z.number().int().positive() }),
  z.strictObject({ kind: z.literal('rejected'), by: actor, at: z.string(), reason: z.string() }),
  z.strictObject({ kind: z.literal('cancelled'), by: actor, at: z.string() }),
  z.strictObject({ kind: z.literal('expired'), at: z.string() }),
]);

/** Exported for the bulk batch's accepted rows (src/core/bulk/batch.ts), which carry the same user. */
export const requestedUser = z.strictObject({
  firstName: z.string(),
  lastName: z.string(),
  displayName: z.string(),
  userName: z.string(),
  domain: z.string(),
  userPrincipalName: z.string(),
  usageLocation: z.string(),
  immutableId: z.string().optional(),
  forceChangePassword: z.boolean(),
  passwordGenerated: z.boolean(),
  firstCredential: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('password') }),
      z.strictObject({ kind: z.literal('tap'), lifetimeInMinutes: z.number().int().positive().optional(), isUsableOnce: z.boolean() }),
    ])
    .optional(),
});

/** What the onboarding steps apply (also carried by a bulk batch's accepted rows). */
export const requestedOnboarding = z.strictObject({
  licences: z.array(z.strictObject({ skuId: z.string(), name: z.string() })),
  groups: z.array(z.strictObject({ id: z.string(), name: z.string() })),
  profile: z.strictObject({
    jobTitle: z.string().optional(),
    department: z.string().optional(),
    officeLocation: z.string().optional(),
    companyName: z.string().optional(),
    employeeId: z.string().optional(),
    mobilePhone: z.string().optional(),
  }),
  // Issue #18's additions are optional, so version-1 records without them stay valid: no upgrade needed.
  manager: z.strictObject({ id: z.string(), name: z.string() }).optional(),
  leaveOut: z.array(z.enum(['licences', 'groups', 'manager', 'profile', 'temporary-access-pass'])).optional(),
});

/** A step of the creation sequence (src/core/creation/sequence.ts); a failed step's code is read like a failure's. */
const stepProgress = z.strictObject({
  name: z.string(),
  status: z.enum(['pending', 'done', 'failed', 'skipped']),
  code: z.enum(ERROR_CODES).optional().catch('INTERNAL'),
  at: z.string().optional(),
});

const auditEntry = z.strictObject({ at: z.string(), event: z.string(), actor: who.optional(), correlationId: z.string().optional(), detail: z.string().optional() });

/** The current stored shape: `UserRequest` plus its version. */
export const storedRequestSchema = z.strictObject({
  schemaVersion: z.literal(STORED_REQUEST_VERSION),
  id: z.string(),
  mode: z.enum(['personal', 'approval']),
  createdAt: z.string(),
  updatedAt: z.string(),
  requester: actor,
  customer: z.strictObject({ id: z.string(), companyName: z.string(), defaultDomain: z.string().optional() }),
  user: requestedUser,
  ticket: z.string().optional(),
  msRequestId: z.string(),
  correlationId: z.string(),
  state,
  history: z.array(auditEntry),
  card: cardLocation.optional(),
  checksAtSubmit: z.array(z.strictObject({ id: z.string(), status: z.enum(['ok', 'warning', 'blocked', 'not-checked']), text: z.string() })).optional(),
  passwordDelivery: z.strictObject({ sentTo: z.array(z.string()), waitingFor: z.array(z.strictObject({ teamsId: z.string(), oid: z.string(), name: z.string() })) }).optional(),
  // These three were written by builds before schema versions too (version 0 records may carry them), so they
  // need no upgrade.
  template: z.strictObject({ id: z.string(), name: z.string() }).optional(),
  onboarding: requestedOnboarding.optional(),
  steps: z.array(stepProgress).optional(),
  // Version 2 (issue 19).
  startAt: z.string().optional(),
  // Version 3: the zone the first day was entered in.
  startTimeZone: z.string().optional(),
  temporaryAccessPass: z
    .strictObject({ methodId: z.string(), validFrom: z.string(), expiresAt: z.string(), lifetimeInMinutes: z.number().int().positive(), isUsableOnce: z.boolean() })
    .optional(),
});

// The schema and the types the core works with must describe the same thing: this fails to compile when a field
// is added to (or changed in) one and not the other, optional fields included.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Stored = z.output<typeof storedRequestSchema>;
const sameRequest: Same<Omit<Stored, 'schemaVersion' | 'state'>, Omit<UserRequest, 'state'>> = true;
const sameState: Same<Stored['state'], RequestState> = true;
void sameRequest;
void sameState;

/**
 * The request in a stored record (JSON already parsed), upgraded to the current shape if it is older: one schema
 * parse. Throws STORED_REQUEST_INVALID (not a request this build can read: damaged, or a shape no version
 * describes) or STORED_REQUEST_TOO_NEW (written by a newer build). The error message names the failing fields
 * and the rule they broke, never their values, so it can be logged as it is.
 */
export function decodeStoredRequest(raw: unknown): UserRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(['(root): not an object']);
  let record = raw as StoredRecord;
  const version = record.schemaVersion ?? 0;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) throw invalid(['schemaVersion: not a version number']);
  if (version > STORED_REQUEST_VERSION) {
    throw new AppError('STORED_REQUEST_TOO_NEW', `stored request is schema version ${version}; this build reads up to ${STORED_REQUEST_VERSION}`);
  }
  for (let v = version; v < STORED_REQUEST_VERSION; v++) record = STORED_REQUEST_UPGRADES[v](record);
  const parsed = storedRequestSchema.safeParse(version === STORED_REQUEST_VERSION ? record : { ...record, schemaVersion: STORED_REQUEST_VERSION });
  if (!parsed.success) throw invalid(issuesOf(parsed.error), version);
  const { schemaVersion: _version, ...request } = parsed.data;
  return request;
}

/** Stored JSON text to a request (see decodeStoredRequest); text that is not JSON is STORED_REQUEST_INVALID. */
export function decodeStoredRequestText(text: string): UserRequest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw invalid(['(root): not JSON']);
  }
  return decodeStoredRequest(raw);
}

/**
 * The JSON text to store for `request`, in the current version. Checked against the schema first: a request
 * this build would refuse to read back is never written (INTERNAL: a bug in the writer, the store is unchanged).
 */
export function encodeStoredRequest(request: UserRequest): string {
  const record = { ...request, schemaVersion: STORED_REQUEST_VERSION };
  const checked = storedRequestSchema.safeParse(record);
  if (!checked.success) throw new AppError('INTERNAL', `refusing to store request ${request.id} in a shape its schema refuses: ${issuesOf(checked.error).join('; ')}`);
  return JSON.stringify(record);
}

/** The failing paths and rules, never the values (a value could be a person's name, or worse). At most 8. */
function issuesOf(error: z.ZodError): string[] {
  return error.issues.slice(0, 8).map((i) => {
    const path = i.path.length ? i.path.join('.') : '(root)';
    return i.code === 'unrecognized_keys' ? `${path}: unknown field(s) ${i.keys.join(', ')}` : `${path}: ${i.code}`;
  });
}

function invalid(issues: string[], version?: number): AppError {
  const of = version === undefined ? '' : ` (stored as schema version ${version})`;
  return new AppError('STORED_REQUEST_INVALID', `stored request does not match its schema${of}: ${issues.join('; ')}`);
}
