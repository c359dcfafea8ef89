import { decodeStoredRequest, decodeStoredRequestText, encodeStoredRequest, STORED_REQUEST_VERSION } from '../../../../src/core/approval/stored-request';
import { STORED_REQUEST_UPGRADES } from '../../../../src/core/approval/stored-request-upgrades';
import type { RequestState } from '../../../../src/core/approval/request-state';
import type { UserRequest } from '../../../../src/core/approval/user-request';
import { AppError } from '../../../../src/core/errors';
import { createdV0, creatingV0, failedV0, hiddenV0, pendingV0 } from '../../../support/legacy-requests';

const cleo = { oid: 'oid-cleo', name: 'Cleo Approver', upn: 'cleo@contoso.example', teamsId: '29:cleo' };

/** The code a call throws (tests assert codes, never messages). */
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e instanceof AppError ? e.code : `not an AppError: ${String(e)}`;
  }
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('did not throw');
}

function current(state: RequestState, extra: Partial<UserRequest> = {}): UserRequest {
  return {
    id: 'r1',
    mode: 'approval',
    createdAt: '2026-03-01T10:00:00.000Z',
    updatedAt: '2026-03-01T10:00:00.000Z',
    requester: { oid: 'oid-ada', name: 'Ada', upn: 'ada@contoso.example', teamsId: '29:ada' },
    customer: { id: 'cust-1', companyName: 'Fabrikam' },
    user: { firstName: 'K', lastName: 'J', displayName: 'K J', userName: 'kj', domain: 'f.example', userPrincipalName: 'kj@f.example', usageLocation: 'US', forceChangePassword: true, passwordGenerated: false },
    msRequestId: 'ms-1',
    correlationId: 'corr-1',
    state,
    history: [{ at: '2026-03-01T10:00:00.000Z', event: 'drafted', actor: { oid: 'oid-ada', name: 'Ada' } }],
    ...extra,
  };
}

const at = '2026-03-01T11:00:00.000Z';
const EVERY_STATE: RequestState[] = [
  { kind: 'draft' },
  { kind: 'pending-approval', submittedAt: at, expiresAt: '2026-03-02T11:00:00.000Z' },
  { kind: 'creating', by: cleo, startedAt: at, attempt: 1 },
  { kind: 'created', by: cleo, at, user: { id: 'obj-1', userPrincipalName: 'kj@f.example', displayName: 'K J', state: 'active' }, passwordRevealUntil: '2026-03-01T11:10:00.000Z' },
  { kind: 'created', by: cleo, at, user: { id: 'obj-1', userPrincipalName: 'kj@f.example', displayName: 'K J', state: 'active' } },
  { kind: 'failed', by: cleo, at, attempt: 2, failure: { code: 'UPSTREAM_TIMEOUT', httpStatus: 504, correlationId: 'corr-1', retryable: true } },
  { kind: 'rejected', by: cleo, at, reason: 'duplicate' },
  { kind: 'cancelled', by: cleo, at },
  { kind: 'expired', at },
];

describe('stored request schema: the current version', () => {
  it('the current version is the number of upgrades (version 0 is the unversioned legacy shape)', () => {
    expect(STORED_REQUEST_VERSION).toBe(3);
    expect(STORED_REQUEST_UPGRADES).toHaveLength(STORED_REQUEST_VERSION);
  });

  it.each(EVERY_STATE.map((s) => [s.kind, s] as const))('a %s request is written with its version and read back unchanged', (_kind, state) => {
    const request = current(state, {
      ticket: 'INC-1',
      card: { conversation: { conversation: { id: '19:x@thread.tacv2', conversationType: 'channel' }, serviceUrl: 'https://smba.example/' }, activityId: 'a1' },
      checksAtSubmit: [{ id: 'gdap-role', status: 'ok', text: 'ok' }],
      passwordDelivery: { sentTo: ['29:ada'], waitingFor: [{ teamsId: '29:erin', oid: 'oid-erin', name: 'Erin' }] },
      steps: [
        { name: 'create-user', status: 'failed', code: 'THROTTLED', at },
        { name: 'present-outcome', status: 'pending' },
      ],
    });
    const text = encodeStoredRequest(request);
    expect(JSON.parse(text).schemaVersion).toBe(STORED_REQUEST_VERSION);
    const back = decodeStoredRequest(JSON.parse(text));
    expect(back).toEqual(request);
    // The version is the store's business: the core never sees it.
    expect(back).not.toHaveProperty('schemaVersion');
  });

  it('a field no version names is refused, on the request and inside its state, naming the field but not its value', () => {
    const stored = JSON.parse(encodeStoredRequest(current({ kind: 'draft' })));
    expect(codeOf(() => decodeStoredRequest({ ...stored, licences: ['E3'] }))).toBe('STORED_REQUEST_INVALID');
    expect(messageOf(() => decodeStoredRequest({ ...stored, licences: ['E3'] }))).toMatch(/unknown field\(s\) licences/);
    expect(codeOf(() => decodeStoredRequest({ ...stored, state: { kind: 'draft', note: 'x' } }))).toBe('STORED_REQUEST_INVALID');
    expect(codeOf(() => decodeStoredRequest({ ...stored, requester: { ...stored.requester, role: 'admin' } }))).toBe('STORED_REQUEST_INVALID');
  });

  it('a damaged record is STORED_REQUEST_INVALID whose message names paths and rules, never the values', () => {
    const stored = JSON.parse(encodeStoredRequest(current({ kind: 'draft' })));
    const secretish = 'Kath-Johnson-P@ssw0rd!';
    const cases: unknown[] = [
      { ...stored, user: { ...stored.user, displayName: 42, firstName: { leaked: secretish } } },
      { ...stored, state: { kind: 'approved', by: cleo, at: secretish } },
      { ...stored, mode: secretish },
      { ...stored, id: undefined },
      { ...stored, history: secretish },
      { ...stored, schemaVersion: '1' },
      { ...stored, schemaVersion: -1 },
      null,
      [stored],
      secretish,
    ];
    for (const c of cases) {
      expect(codeOf(() => decodeStoredRequest(c))).toBe('STORED_REQUEST_INVALID');
      expect(messageOf(() => decodeStoredRequest(c))).not.toContain(secretish);
    }
    expect(messageOf(() => decodeStoredRequest(cases[0]))).toMatch(/user\.displayName: invalid_type/);
    expect(codeOf(() => decodeStoredRequestText('{"id": "r1", '))).toBe('STORED_REQUEST_INVALID');
  });

  it('a record from a newer build is STORED_REQUEST_TOO_NEW, never guessed at', () => {
    const stored = JSON.parse(encodeStoredRequest(current({ kind: 'draft' })));
    expect(codeOf(() => decodeStoredRequest({ ...stored, schemaVersion: STORED_REQUEST_VERSION + 1, steps: [] }))).toBe('STORED_REQUEST_TOO_NEW');
  });

  it('a failure code this build no longer has reads as INTERNAL; the rest of the record stays as it was', () => {
    const request = current(EVERY_STATE[5]);
    const stored = JSON.parse(encodeStoredRequest(request));
    stored.state.failure.code = 'A_CODE_REMOVED_SINCE';
    const back = decodeStoredRequest(stored);
    expect(back.state).toEqual({ ...request.state, failure: { ...(request.state as { failure: object }).failure, code: 'INTERNAL' } });
  });

  it('refuses to write a shape it would refuse to read (INTERNAL), so nothing unreadable is ever stored', () => {
    const bad = { ...current({ kind: 'draft' }), licences: ['E3'] } as unknown as UserRequest;
    expect(codeOf(() => encodeStoredRequest(bad))).toBe('INTERNAL');
    const noExpiry = current({ kind: 'pending-approval', submittedAt: at } as unknown as RequestState);
    expect(codeOf(() => encodeStoredRequest(noExpiry))).toBe('INTERNAL');
  });
});

describe('stored request schema: version 0 (no schemaVersion) upgraded on read', () => {
  it('pending-approval: the expiry moves into the state', () => {
    const r = decodeStoredRequest(structuredClone(pendingV0));
    expect(r.state).toEqual({ kind: 'pending-approval', submittedAt: '2026-03-01T10:00:05.000Z', expiresAt: '2026-03-02T10:00:05.000Z' });
    expect(r).not.toHaveProperty('expiresAt');
    // Everything else as it was stored.
    const { expiresAt: _e, state: _s, ...rest } = pendingV0;
    expect(r).toMatchObject(rest);
  });

  it('created with the password on show: the display window moves into the state, the stale expiry is dropped', () => {
    const r = decodeStoredRequest(structuredClone(createdV0));
    expect(r.state).toEqual({ ...createdV0.state, passwordRevealUntil: '2026-03-01T11:15:00.000Z' });
    expect(r).not.toHaveProperty('expiresAt');
    expect(r).not.toHaveProperty('passwordRevealUntil');
    expect(r.passwordDelivery).toEqual(createdV0.passwordDelivery);
    expect(r.card).toEqual(createdV0.card);
  });

  it('created with the password already removed, creating and failed: stale times dropped, states unchanged', () => {
    expect(decodeStoredRequest(structuredClone(hiddenV0)).state).toEqual(hiddenV0.state);
    expect(decodeStoredRequest(structuredClone(hiddenV0)).user.immutableId).toBe('imm-7');
    expect(decodeStoredRequest(structuredClone(creatingV0)).state).toEqual(creatingV0.state);
    expect(decodeStoredRequest(structuredClone(creatingV0)).steps).toEqual(creatingV0.steps);
    expect(decodeStoredRequest(structuredClone(failedV0)).state).toEqual(failedV0.state);
    for (const legacy of [hiddenV0, creatingV0, failedV0]) expect(decodeStoredRequest(structuredClone(legacy))).not.toHaveProperty('expiresAt');
  });

  it('read from its stored text and written again, a legacy record is in the current shape', () => {
    const read = decodeStoredRequestText(JSON.stringify(createdV0));
    const rewritten = JSON.parse(encodeStoredRequest(read));
    expect(rewritten.schemaVersion).toBe(STORED_REQUEST_VERSION);
    expect(rewritten).not.toHaveProperty('passwordRevealUntil');
    expect(rewritten.state.passwordRevealUntil).toBe('2026-03-01T11:15:00.000Z');
    expect(decodeStoredRequest(rewritten)).toEqual(read);
  });

  it('version 0 never stored an `approved` state (nor a pending request without its expiry): such a record is refused', () => {
    expect(codeOf(() => decodeStoredRequest({ ...structuredClone(pendingV0), state: { kind: 'approved', by: cleo, at } }))).toBe('STORED_REQUEST_INVALID');
    const { expiresAt: _e, ...noExpiry } = structuredClone(pendingV0);
    expect(codeOf(() => decodeStoredRequest(noExpiry))).toBe('STORED_REQUEST_INVALID');
  });

  it('the 0 → 1 upgrade alone: moves the two times into the state they belong to and touches nothing else', () => {
    const [up] = STORED_REQUEST_UPGRADES;
    const input = structuredClone(createdV0) as Record<string, unknown>;
    const out = up(input);
    expect(out.state).toEqual({ ...createdV0.state, passwordRevealUntil: createdV0.passwordRevealUntil });
    expect(Object.keys(out).sort()).toEqual(Object.keys(input).filter((k) => k !== 'expiresAt' && k !== 'passwordRevealUntil').sort());
    expect(input).toEqual(createdV0); // the input is not changed in place
    // Given something that is not a request, it does not throw: the schema check after it says what is wrong.
    expect(up({ state: 'nonsense', expiresAt: 1 })).toEqual({ state: 'nonsense' });
  });
});

describe('stored request schema: version 2 (issue 19: a Temporary Access Pass, a first day)', () => {
  it('round-trips the pass choice, the first day, the pass validity (never the pass) and a scheduled state', () => {
    const base = current({ kind: 'scheduled', startAt: '2026-12-07T08:00:00.000Z', readyAt: '2026-12-07T07:00:00.000Z', scheduledAt: '2026-11-30T07:00:00.000Z' });
    const request: UserRequest = {
      ...base,
      user: { ...base.user, firstCredential: { kind: 'tap', isUsableOnce: true, lifetimeInMinutes: 480 } },
      startAt: '2026-12-07T08:00:00.000Z',
      temporaryAccessPass: { methodId: 'm-1', validFrom: '2026-12-07T08:00:00.000Z', expiresAt: '2026-12-07T16:00:00.000Z', lifetimeInMinutes: 480, isUsableOnce: true },
    };
    const stored = JSON.parse(encodeStoredRequest(request));
    expect(stored.schemaVersion).toBe(STORED_REQUEST_VERSION);
    expect(decodeStoredRequest(stored)).toEqual(request);
    // A pass itself is no field of any version: a record carrying one is refused, not stored.
    expect(codeOf(() => decodeStoredRequest({ ...stored, temporaryAccessPass: { ...stored.temporaryAccessPass, temporaryAccessPass: 'x' } }))).toBe('STORED_REQUEST_INVALID');
  });

  it('the 1 → 2 upgrade changes nothing: a version 1 record reads as it was', () => {
    const v1 = { ...JSON.parse(encodeStoredRequest(current({ kind: 'draft' }))), schemaVersion: 1 };
    expect(STORED_REQUEST_UPGRADES[1](v1)).toBe(v1);
    expect(decodeStoredRequest(v1)).toEqual(current({ kind: 'draft' }));
  });
});

describe('stored request schema: version 3 (issue 19: the first day\'s time zone)', () => {
  it('round-trips the zone the first day was entered in', () => {
    const base = current({ kind: 'scheduled', startAt: '2026-12-07T07:00:00.000Z', readyAt: '2026-12-07T06:00:00.000Z', scheduledAt: '2026-11-30T07:00:00.000Z' });
    const request: UserRequest = { ...base, startAt: '2026-12-07T07:00:00.000Z', startTimeZone: 'Europe/Berlin' };
    const stored = JSON.parse(encodeStoredRequest(request));
    expect(stored.schemaVersion).toBe(3);
    expect(decodeStoredRequest(stored)).toEqual(request);
  });

  it('the 2 → 3 upgrade changes nothing: a version 2 record (a first day, no zone) reads as it was', () => {
    const base = current({ kind: 'scheduled', startAt: '2026-12-07T08:00:00.000Z', readyAt: '2026-12-07T07:00:00.000Z', scheduledAt: '2026-11-30T07:00:00.000Z' });
    const v2 = { ...JSON.parse(encodeStoredRequest({ ...base, startAt: '2026-12-07T08:00:00.000Z' })), schemaVersion: 2 };
    expect(STORED_REQUEST_UPGRADES[2](v2)).toBe(v2);
    expect(decodeStoredRequest(v2)).toEqual({ ...base, startAt: '2026-12-07T08:00:00.000Z' });
    expect(decodeStoredRequest(v2).startTimeZone).toBeUndefined();
    // A build that knows only version 2 refuses a version 3 record (STORED_REQUEST_TOO_NEW), checked above for any newer one.
  });
});
