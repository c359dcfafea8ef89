/**
 * How a stored request of an older shape becomes the current one: `STORED_REQUEST_UPGRADES[v]` turns a record of
 * schema version `v` into version `v + 1`. The current version is the length of this list, so the next shape
 * change is one function appended here (plus its test in test/unit/core/approval/stored-request.test.ts) and the
 * schema in stored-request.ts changed to match. Append only: never edit or reorder an upgrade that has shipped,
 * records out there are still in its input shape (like the SQLite migrations in src/storage/sqlite/migrations.ts).
 *
 * An upgrade sees the raw JSON object (not yet validated: the current schema checks its output once, after the
 * last upgrade), so it moves and fills what it knows and leaves anything else to that check. It must not throw,
 * and it may be handed a record it cannot make sense of: that record then fails the schema with a clear code.
 */

/** A stored request as it comes out of JSON.parse, before any validation. */
export type StoredRecord = Record<string, unknown>;

export type StoredRequestUpgrade = (record: StoredRecord) => StoredRecord;

export const STORED_REQUEST_UPGRADES: readonly StoredRequestUpgrade[] = [
  // 0 → 1. Version 0 is every request written before stored requests had a `schemaVersion` (the field is
  // absent). Two times sat beside the state they belong to; they move into it:
  // - `expiresAt` into `pending-approval` (only an undecided request expires; on any other state it was left
  //   over from the time it was pending and nothing read it any more, so it is dropped);
  // - `passwordRevealUntil` into `created` (only a created user has a password on show; dropped elsewhere).
  // Version 0 never stored an `approved` state (approving always wrote `creating` in the same write), so none
  // is mapped: a record claiming one fails the schema.
  (record) => {
    const { expiresAt, passwordRevealUntil, ...rest } = record;
    const state = record.state;
    if (!isObject(state)) return rest;
    if (state.kind === 'pending-approval' && expiresAt !== undefined) return { ...rest, state: { ...state, expiresAt } };
    if (state.kind === 'created' && passwordRevealUntil !== undefined) return { ...rest, state: { ...state, passwordRevealUntil } };
    return rest;
  },
  // 1 → 2 (issue 19). New optional fields, nothing moves: `user.firstCredential` (a Temporary Access Pass instead
  // of the password), `startAt` (the first day), `temporaryAccessPass` (its validity, never the pass), and the
  // state `scheduled`. A version 1 record has none of them, so it is already a valid version 2 record.
  (record) => record,
  // 2 → 3 (issue 19, time zones). One new optional field, nothing moves: `startTimeZone`, the IANA zone the first
  // day was entered in (cards show the start in it). A version 2 record has none (its start shows in UTC).
  (record) => record,
];

function isObject(value: unknown): value is StoredRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
