import { AppError, type ErrorCode } from '../errors';

/**
 * The life of a new-user request as an explicit state machine. Personal chat goes
 * `draft → creating → created | failed`; a channel request goes
 * `pending-approval → approved → creating → created | failed`. `rejected`, `cancelled`, `expired` and `created`
 * are final. No boolean flags anywhere: what may happen next follows from `kind` alone.
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
  | { kind: 'pending-approval'; submittedAt: string }
  | { kind: 'approved'; by: Actor; at: string }
  | { kind: 'creating'; by: Actor; startedAt: string; attempt: number }
  | { kind: 'created'; by: Actor; at: string; user: CreatedUserInfo }
  | { kind: 'failed'; by: Actor; at: string; failure: FailureInfo; attempt: number }
  | { kind: 'rejected'; by: Actor; at: string; reason: string }
  | { kind: 'cancelled'; by: Actor; at: string }
  | { kind: 'expired'; at: string };

export type RequestStateKind = RequestState['kind'];

export type RequestEvent =
  | { type: 'submit-for-approval' }
  | { type: 'approve'; by: Actor }
  | { type: 'start-create'; by: Actor }
  | { type: 'succeed'; user: CreatedUserInfo }
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
      if (event.type === 'start-create') return { kind: 'creating', by: event.by, startedAt: at, attempt: 1 };
      if (event.type === 'submit-for-approval') return { kind: 'pending-approval', submittedAt: at };
      if (event.type === 'edit') return { kind: 'draft' };
      if (event.type === 'cancel') return { kind: 'cancelled', by: event.by, at };
      return illegal(state, event);
    case 'pending-approval':
      if (event.type === 'approve') return { kind: 'approved', by: event.by, at };
      if (event.type === 'reject') return { kind: 'rejected', by: event.by, at, reason: event.reason };
      if (event.type === 'cancel') return { kind: 'cancelled', by: event.by, at };
      if (event.type === 'expire') return { kind: 'expired', at };
      return illegal(state, event);
    case 'approved':
      if (event.type === 'start-create') return { kind: 'creating', by: event.by, startedAt: at, attempt: 1 };
      return illegal(state, event);
    case 'creating':
      if (event.type === 'succeed') return { kind: 'created', by: state.by, at, user: event.user };
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
