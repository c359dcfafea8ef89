import { AppError, type ErrorCode } from '../errors';

/**
 * The life of a new-user request as an explicit state machine. Personal chat goes
 * `draft → creating → created | failed`; a channel request goes
 * `draft → pending-approval → creating → created | failed`. `rejected`, `cancelled`, `expired` and `created`
 * are final. No boolean flags anywhere: what may happen next follows from `kind` alone.
 *
 * There is no `approved` state: an approval claims the creation in the same compare-and-swap (two approvers
 * clicking together must produce one creation), so "approved but not yet creating" never exists in the store.
 * The approval is recorded where it is read: `creating.by` / `failed.by` / `created.by` and the history.
 *
 * Times that only mean something in one state live in that state: the expiry of an undecided request in
 * `pending-approval`, the end of the password's display in `created`. A state change drops them with it.
 *
 * A request with a start date waits as `scheduled` until its ready time, then becomes what it would have been
 * without one: a `draft` for the requester to confirm, or `pending-approval` for the approvers. The bot never
 * creates on its own at that time: someone clicks, with their own sign-in.
 */

/** Who did something. `teamsId` is the Teams user id (for 1:1 messages); `oid` the Entra object id. */
export interface Actor {
  oid: string;
  name: string;
  upn?: string;
  teamsId?: string;
}

/** What a failed creation reports, without any raw message: the code is turned into words at the edge. */
export interface FailureInfo {
  code: ErrorCode;
  upstreamCode?: string;
  httpStatus?: number;
  correlationId?: string;
  retryable: boolean;
}

export interface CreatedUserInfo {
  id: string;
  userPrincipalName: string;
  displayName: string;
  state: string;
}

export type RequestState =
  | { kind: 'draft' }
  | { kind: 'scheduled'; startAt: string; readyAt: string; scheduledAt: string }
  /** `expiresAt`: when the undecided request expires (ISO time); the expire-request due work is keyed to it. */
  | { kind: 'pending-approval'; submittedAt: string; expiresAt: string }
  | { kind: 'creating'; by: Actor; startedAt: string; attempt: number }
  /**
   * `passwordRevealUntil`: while the temporary password is still shown in a result message, when it must be
   * removed (ISO time); absent once it has been removed.
   */
  | { kind: 'created'; by: Actor; at: string; user: CreatedUserInfo; passwordRevealUntil?: string }
  | { kind: 'failed'; by: Actor; at: string; failure: FailureInfo; attempt: number }
  | { kind: 'rejected'; by: Actor; at: string; reason: string }
  | { kind: 'cancelled'; by: Actor; at: string }
  | { kind: 'expired'; at: string };

export type RequestStateKind = RequestState['kind'];

export type RequestEvent =
  | { type: 'submit-for-approval'; expiresAt: string }
  | { type: 'schedule'; startAt: Date; readyAt: Date }
  /** The ready time came: back to where the request goes without a start date (by its mode; approval: until `expiresAt`). */
  | { type: 'ready'; mode: 'personal' }
  | { type: 'ready'; mode: 'approval'; expiresAt: string }
  /** Approving starts the creation with the approver's identity (see above: no separate `approved` state). */
  | { type: 'approve'; by: Actor }
  | { type: 'start-create'; by: Actor }
  | { type: 'succeed'; user: CreatedUserInfo; passwordRevealUntil: string }
  | { type: 'fail'; failure: FailureInfo }
  | { type: 'retry'; by: Actor }
  | { type: 'edit' }
  | { type: 'reject'; by: Actor; reason: string }
  | { type: 'cancel'; by: Actor }
  | { type: 'expire' };

export const FINAL_STATES: readonly RequestStateKind[] = ['created', 'rejected', 'cancelled', 'expired'];

export function isFinal(state: RequestState): boolean {
  return FINAL_STATES.includes(state.kind);
}

function scheduled(event: Extract<RequestEvent, { type: 'schedule' }>, at: string): RequestState {
  if (!(event.readyAt.getTime() <= event.startAt.getTime())) throw new AppError('VALIDATION_FAILED', 'the ready time must not be after the start', { fields: [{ field: 'startAt', message: 'ready time after start' }] });
  return { kind: 'scheduled', startAt: event.startAt.toISOString(), readyAt: event.readyAt.toISOString(), scheduledAt: at };
}

function illegal(state: RequestState, event: RequestEvent): never {
  throw new AppError('ILLEGAL_TRANSITION', `cannot ${event.type} a request that is ${state.kind}`);
}

/**
 * The pure transition function: the next state, or ILLEGAL_TRANSITION. `now` is passed in so the function stays
 * pure and tests can freeze time.
 */
export function transition(state: RequestState, event: RequestEvent, now: Date): RequestState {
  const at = now.toISOString();
  switch (state.kind) {
    case 'draft':
      if (event.type === 'schedule') return scheduled(event, at);
      // A ready scheduled request that nobody confirmed: it expires like an undecided approval.
      if (event.type === 'expire') return { kind: 'expired', at };
      if (event.type === 'start-create') return { kind: 'creating', by: event.by, startedAt: at, attempt: 1 };
      if (event.type === 'submit-for-approval') return { kind: 'pending-approval', submittedAt: at, expiresAt: event.expiresAt };
      if (event.type === 'edit') return { kind: 'draft' };
      if (event.type === 'cancel') return { kind: 'cancelled', by: event.by, at };
      return illegal(state, event);
    case 'scheduled':
      if (event.type === 'ready') return event.mode === 'approval' ? { kind: 'pending-approval', submittedAt: at, expiresAt: event.expiresAt } : { kind: 'draft' };
      if (event.type === 'cancel') return { kind: 'cancelled', by: event.by, at };
      if (event.type === 'expire') return { kind: 'expired', at };
      return illegal(state, event);
    case 'pending-approval':
      if (event.type === 'approve') return { kind: 'creating', by: event.by, startedAt: at, attempt: 1 };
      if (event.type === 'reject') return { kind: 'rejected', by: event.by, at, reason: event.reason };
      if (event.type === 'cancel') return { kind: 'cancelled', by: event.by, at };
      if (event.type === 'expire') return { kind: 'expired', at };
      return illegal(state, event);
    case 'creating':
      if (event.type === 'succeed') return { kind: 'created', by: state.by, at, user: event.user, passwordRevealUntil: event.passwordRevealUntil };
      if (event.type === 'fail') return { kind: 'failed', by: state.by, at, failure: event.failure, attempt: state.attempt };
      return illegal(state, event);
    case 'failed':
      if (event.type === 'retry') return { kind: 'creating', by: event.by, startedAt: at, attempt: state.attempt + 1 };
      if (event.type === 'edit') return { kind: 'draft' };
      if (event.type === 'cancel') return { kind: 'cancelled', by: event.by, at };
      if (event.type === 'expire') return { kind: 'expired', at };
      return illegal(state, event);
    case 'created':
    case 'rejected':
    case 'cancelled':
    case 'expired':
      return illegal(state, event);
  }
}

/**
 * A created request with its password display window moved (shown again later: a new window from now) or ended
 * (`undefined`: the password has been removed from its message). Not a transition: the request stays `created`.
 * Any other state is returned as it is: only a created user has a password on show.
 */
export function withPasswordRevealUntil(state: RequestState, until: string | undefined): RequestState {
  if (state.kind !== 'created') return state;
  const { passwordRevealUntil: _old, ...rest } = state;
  return until === undefined ? rest : { ...rest, passwordRevealUntil: until };
}
