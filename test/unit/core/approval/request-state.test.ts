import { AppError } from '../../../../src/core/errors';
import { isFinal, transition, withPasswordRevealUntil, type RequestEvent, type RequestState, type RequestStateKind } from '../../../../src/core/approval/request-state';

const now = new Date('2026-11-28T12:00:00.000Z');
const ada = { oid: 'oid-ada', name: 'Ada' };
const failure = { code: 'THROTTLED' as const, retryable: true };
const user = { id: 'u1', userPrincipalName: 'x@y.example', displayName: 'X', state: 'active' };
const expiresAt = '2026-11-29T12:00:00.000Z';
const revealUntil = '2026-11-28T12:10:00.000Z';

const states: Record<RequestStateKind, RequestState> = {
  draft: { kind: 'draft' },
  'pending-approval': { kind: 'pending-approval', submittedAt: now.toISOString(), expiresAt },
  scheduled: { kind: 'scheduled', startAt: '2026-12-01T08:00:00.000Z', readyAt: '2026-12-01T07:00:00.000Z', scheduledAt: now.toISOString() },
  creating: { kind: 'creating', by: ada, startedAt: now.toISOString(), attempt: 1 },
  created: { kind: 'created', by: ada, at: now.toISOString(), user },
  failed: { kind: 'failed', by: ada, at: now.toISOString(), failure, attempt: 2 },
  rejected: { kind: 'rejected', by: ada, at: now.toISOString(), reason: 'no' },
  cancelled: { kind: 'cancelled', by: ada, at: now.toISOString() },
  expired: { kind: 'expired', at: now.toISOString() },
};

const events: Record<RequestEvent['type'], RequestEvent> = {
  'submit-for-approval': { type: 'submit-for-approval', expiresAt },
  schedule: { type: 'schedule', startAt: new Date('2026-12-01T08:00:00.000Z'), readyAt: new Date('2026-12-01T07:00:00.000Z') },
  ready: { type: 'ready', mode: 'personal' },
  approve: { type: 'approve', by: ada },
  'start-create': { type: 'start-create', by: ada },
  succeed: { type: 'succeed', user, passwordRevealUntil: revealUntil },
  fail: { type: 'fail', failure },
  retry: { type: 'retry', by: ada },
  edit: { type: 'edit' },
  reject: { type: 'reject', by: ada, reason: 'duplicate' },
  cancel: { type: 'cancel', by: ada },
  expire: { type: 'expire' },
};

/** Every legal move and where it leads; everything not listed must be refused. */
const legal: Record<RequestStateKind, Partial<Record<RequestEvent['type'], RequestStateKind>>> = {
  draft: { 'start-create': 'creating', 'submit-for-approval': 'pending-approval', schedule: 'scheduled', edit: 'draft', cancel: 'cancelled', expire: 'expired' },
  scheduled: { ready: 'draft', cancel: 'cancelled', expire: 'expired' },
  'pending-approval': { approve: 'creating', reject: 'rejected', cancel: 'cancelled', expire: 'expired' },
  creating: { succeed: 'created', fail: 'failed' },
  failed: { retry: 'creating', edit: 'draft', cancel: 'cancelled', expire: 'expired' },
  created: {},
  rejected: {},
  cancelled: {},
  expired: {},
};

describe('request state machine', () => {
  for (const [kind, state] of Object.entries(states) as Array<[RequestStateKind, RequestState]>) {
    for (const [type, event] of Object.entries(events) as Array<[RequestEvent['type'], RequestEvent]>) {
      const target = legal[kind][type];
      if (target) {
        it(`${kind} --${type}--> ${target}`, () => {
          expect(transition(state, event, now).kind).toBe(target);
        });
      } else {
        it(`${kind} refuses ${type}`, () => {
          let caught: unknown;
          try {
            transition(state, event, now);
          } catch (e) {
            caught = e;
          }
          expect(caught).toBeInstanceOf(AppError);
          expect((caught as AppError).code).toBe('ILLEGAL_TRANSITION');
        });
      }
    }
  }

  it('stamps transitions with the injected time and keeps who acted: approving starts the creation as the approver', () => {
    const next = transition(states['pending-approval'], { type: 'approve', by: ada }, now);
    expect(next).toEqual({ kind: 'creating', by: ada, startedAt: now.toISOString(), attempt: 1 });
  });

  it('an expiry lives in pending-approval and a password display window in created: a state change drops them', () => {
    expect(transition(states.draft, { type: 'submit-for-approval', expiresAt }, now)).toEqual({ kind: 'pending-approval', submittedAt: now.toISOString(), expiresAt });
    expect(transition(states['pending-approval'], { type: 'approve', by: ada }, now)).not.toHaveProperty('expiresAt');
    const created = transition(states.creating, { type: 'succeed', user, passwordRevealUntil: revealUntil }, now);
    expect(created).toMatchObject({ kind: 'created', passwordRevealUntil: revealUntil });
    expect(withPasswordRevealUntil(created, undefined)).not.toHaveProperty('passwordRevealUntil');
    expect(withPasswordRevealUntil(created, '2026-11-28T13:00:00.000Z')).toMatchObject({ kind: 'created', passwordRevealUntil: '2026-11-28T13:00:00.000Z' });
    // Only a created user has a password on show: any other state is left as it is.
    expect(withPasswordRevealUntil(states.failed, revealUntil)).toBe(states.failed);
  });

  it('counts attempts across retries', () => {
    const retried = transition(states.failed, { type: 'retry', by: ada }, now);
    expect(retried).toMatchObject({ kind: 'creating', attempt: 3 });
    const failedAgain = transition(retried, { type: 'fail', failure }, now);
    expect(failedAgain).toMatchObject({ kind: 'failed', attempt: 3 });
  });

  it('the creator of a created user is whoever started the creation', () => {
    const created = transition(states.creating, { type: 'succeed', user, passwordRevealUntil: revealUntil }, now);
    expect(created).toMatchObject({ kind: 'created', by: ada, user });
  });

  it('a scheduled request becomes, when ready, what it would have been without a start date', () => {
    expect(transition(states.scheduled, { type: 'ready', mode: 'personal' }, now)).toEqual({ kind: 'draft' });
    expect(transition(states.scheduled, { type: 'ready', mode: 'approval', expiresAt }, now)).toEqual({ kind: 'pending-approval', submittedAt: now.toISOString(), expiresAt });
    // Never straight to creating: someone must click, with their own sign-in.
    expect(() => transition(states.scheduled, { type: 'start-create', by: ada }, now)).toThrow(AppError);
  });

  it('keeps the start and ready times, and refuses a ready time after the start', () => {
    expect(transition(states.draft, events.schedule, now)).toEqual(states.scheduled);
    let caught: unknown;
    try {
      transition(states.draft, { type: 'schedule', startAt: new Date('2026-12-01T08:00:00Z'), readyAt: new Date('2026-12-01T09:00:00Z') }, now);
    } catch (e) {
      caught = e;
    }
    expect((caught as AppError).code).toBe('VALIDATION_FAILED');
  });

  it('knows which states are final', () => {
    const finals = (Object.keys(states) as RequestStateKind[]).filter((k) => isFinal(states[k]));
    expect(finals.sort()).toEqual(['cancelled', 'created', 'expired', 'rejected']);
  });
});
