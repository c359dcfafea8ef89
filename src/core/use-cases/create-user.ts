import { transition, type Actor, type FailureInfo } from '../approval/request-state';
import { cardAfterClick, type CardLocation, type UserRequest } from '../approval/user-request';
import { AppError, toAppError } from '../errors';
import type { CustomerUser, UserCredential } from '../ports';
import type { UseCaseDeps } from './deps';
import { dueKeys } from '../approval/due-work';
import { guardCreation } from './creation-guard';
import { keepPassword } from './password-lifetime';
import { loadRequest, updateRequest, assertRequester } from './request-access';

export type StartOutcome =
  /** This call moved the request to `creating`: the caller runs `performCreate` after answering the invoke. */
  | { started: true; request: UserRequest }
  /** Someone (a double click, a repeated invoke) already did: show the current state, do nothing. */
  | { started: false; request: UserRequest };

/**
 * Claims the creation with compare-and-swap. Only one of any number of concurrent clicks gets `started: true`;
 * the others see the state that click produced.
 */
export async function startCreate(
  deps: UseCaseDeps,
  actor: Actor,
  requestId: string,
  kind: 'create' | 'retry',
  cred: UserCredential,
  card?: CardLocation,
): Promise<StartOutcome> {
  const { value } = await loadRequest(deps, requestId);
  if (value.mode === 'personal') assertRequester(value, actor);
  // An approval request is only ever created after an approval: a draft of one (an edited failed request) must
  // go back to its approvers, never be created by whoever clicks Create.
  const claimable = kind === 'retry' ? ['failed'] : value.mode === 'approval' ? ['approved'] : ['draft'];
  if (!claimable.includes(value.state.kind)) return { started: false, request: value };
  await guardCreation(deps, requestId);
  const { request, changed } = await updateRequest(deps, requestId, (current) => {
    if (!claimable.includes(current.state.kind)) return undefined;
    if (kind === 'retry' && current.state.kind === 'failed' && !current.state.failure.retryable) {
      throw new AppError('ILLEGAL_TRANSITION', 'this failure cannot be fixed by trying again');
    }
    const event = kind === 'create' ? ({ type: 'start-create', by: actor } as const) : ({ type: 'retry', by: actor } as const);
    const at = deps.clock.now().toISOString();
    return {
      ...current,
      card: cardAfterClick(current.card, card),
      state: transition(current.state, event, deps.clock.now()),
      history: [...current.history, { at, event: kind === 'create' ? 'create-started' : 'retry-started', actor: { oid: actor.oid, name: actor.name } }],
    };
  });
  if (changed) await deps.credentials.keep(requestId, cred);
  return { started: changed, request };
}

export type CreateOutcome =
  | { ok: true; request: UserRequest; password: string }
  | { ok: false; request: UserRequest; error: AppError };

/**
 * The Partner Center call for a request that is `creating`, with the stored MS-RequestId so any repeat of this
 * logical call can never create a second user. Returns the password once, for the result card only; the vault
 * copy is erased once it has been delivered (or at once, when the failure means it will never be used).
 */
export async function performCreate(deps: UseCaseDeps, cred: UserCredential, requestId: string, opts: { resumed?: boolean } = {}): Promise<CreateOutcome> {
  const { value: request } = await loadRequest(deps, requestId);
  if (request.state.kind !== 'creating') {
    throw new AppError('ILLEGAL_TRANSITION', `request ${requestId} is ${request.state.kind}, not creating`);
  }
  const log = deps.logger.child({ requestId, customerId: request.customer.id, correlationId: request.correlationId, ticket: request.ticket });
  let password: string | undefined;
  try {
    password = await deps.vault.get(requestId);
    if (password === undefined) throw new AppError('PASSWORD_UNAVAILABLE', 'the stored password could not be read');
    if (!cred.user.mfa) throw new AppError('MFA_REQUIRED', 'the sign-in carries no MFA claim');
    const token = await deps.tokens.partnerCenter(cred);
    if (!token.mfa) throw new AppError('MFA_REQUIRED', 'the Partner Center token carries no MFA claim');
    await finalCheck(deps, cred, request, password, opts.resumed === true);
    const u = request.user;
    const created = await deps.partnerCenter
      .createUser(
        token.token,
        request.customer.id,
        {
          usageLocation: u.usageLocation,
          userPrincipalName: u.userPrincipalName,
          firstName: u.firstName,
          lastName: u.lastName,
          displayName: u.displayName,
          immutableId: u.immutableId,
          password,
          forceChangePassword: u.forceChangePassword,
        },
        { correlationId: request.correlationId, requestId: request.msRequestId },
      )
      .catch(async (e: unknown) => {
        const own = toAppError(e).code === 'UPN_TAKEN' ? await ownUserHoldingName(deps, cred, token.token, request) : undefined;
        if (!own) throw e;
        log.warn({ userObjectId: own.id }, 'user name taken by the user this request made; taken as its result');
        return own;
      });
    const revealUntil = new Date(deps.clock.now().getTime() + deps.settings.passwordRevealMinutes * 60_000).toISOString();
    const { request: saved } = await updateRequest(deps, requestId, (current) =>
      current.state.kind !== 'creating'
        ? undefined
        : {
            ...current,
            state: transition(current.state, { type: 'succeed', user: { id: created.id, userPrincipalName: created.userPrincipalName, displayName: created.displayName, state: created.state } }, deps.clock.now()),
            passwordRevealUntil: revealUntil,
            history: [...current.history, { at: deps.clock.now().toISOString(), event: 'created', correlationId: current.correlationId, detail: `object id ${created.id}` }],
          },
    );
    // The vault copy stays until the password has reached people (passwordDelivered): if this process dies
    // before the result card, whoever finishes the request can still hand it over.
    log.info({ outcome: 'created', userObjectId: created.id }, 'user created');
    return { ok: true, request: saved, password };
  } catch (e) {
    const error = toAppError(e).withCorrelationId(request.correlationId);
    const failure: FailureInfo = {
      code: error.code,
      upstreamCode: error.upstreamCode,
      httpStatus: error.httpStatus,
      correlationId: error.correlationId,
      retryable: error.retryable,
    };
    const { request: saved } = await updateRequest(deps, requestId, (current) =>
      current.state.kind !== 'creating'
        ? undefined
        : {
            ...current,
            state: transition(current.state, { type: 'fail', failure }, deps.clock.now()),
            history: [
              ...current.history,
              { at: deps.clock.now().toISOString(), event: 'failed', correlationId: current.correlationId, detail: [failure.code, failure.upstreamCode].filter(Boolean).join(' ') },
            ],
          },
    );
    // A failure that trying again cannot fix needs new input; the stored password has no further use.
    // A retryable one keeps it for the retry, for at most the retention time from now.
    if (!failure.retryable) await deps.vault.erase(requestId);
    else await keepPassword(deps, requestId);
    log.warn({ outcome: 'failed', code: failure.code, upstreamCode: failure.upstreamCode, httpStatus: failure.httpStatus }, 'user creation failed');
    return { ok: false, request: saved, error };
  }
}

/**
 * "User name taken", answered to this request's own create call: taken by the user an earlier run of this very
 * call made (its answer lost, Partner Center's idempotency memory gone), or by someone else? Partner Center does
 * not say which call made a user, so the user holding the name must carry exactly what this request sent (user name,
 * display name, first and last name, usage location) and be active. The final check found the name free before this request's first attempt, so a
 * user like that appeared since. Anything else stays UPN_TAKEN.
 */
async function ownUserHoldingName(deps: UseCaseDeps, cred: UserCredential, pcToken: string, request: UserRequest): Promise<CustomerUser | undefined> {
  try {
    const graphToken = (await deps.tokens.customerGraph(cred, request.customer.id)).token;
    const found = await deps.directory.findUserByUpn(graphToken, request.user.userPrincipalName, { correlationId: request.correlationId });
    if (!found) return undefined;
    const user = await deps.partnerCenter.getUser(pcToken, request.customer.id, found.id, { correlationId: request.correlationId });
    const u = request.user;
    const same = (a: string | undefined, b: string | undefined) => (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();
    const ours =
      same(user.userPrincipalName, u.userPrincipalName) &&
      same(user.displayName, u.displayName) &&
      (user.firstName === undefined || same(user.firstName, u.firstName)) &&
      (user.lastName === undefined || same(user.lastName, u.lastName)) &&
      (user.usageLocation === undefined || same(user.usageLocation, u.usageLocation)) &&
      user.state === 'active';
    return ours ? user : undefined;
  } catch {
    return undefined;
  }
}

/** Failures of a check that a later attempt can get past without new input. */
const TRANSIENT = new Set<string>(['THROTTLED', 'PARTNER_CENTER_UNAVAILABLE', 'GRAPH_UNAVAILABLE', 'IDENTITY_UNAVAILABLE', 'UPSTREAM_TIMEOUT']);

/**
 * The pre-flight checks once more, uncached, with the identity that is about to create: nothing doomed is sent
 * to Partner Center, and a role revoked since the confirmation card is caught. On a retry the user name may
 * already be taken by this very request's earlier attempt (an answer lost in transit); the call then goes ahead
 * with the same MS-RequestId, which Partner Center answers with the first result instead of creating again.
 */
async function finalCheck(deps: UseCaseDeps, cred: UserCredential, request: UserRequest, password: string, resumed: boolean): Promise<void> {
  // A resumed call may find the user name taken by its own first attempt, exactly like a retry.
  const attempt = resumed ? Number.POSITIVE_INFINITY : request.state.kind === 'creating' ? request.state.attempt : 1;
  const { checklist } = await deps.preflight.run({ cred, customerId: request.customer.id, user: request.user, password, useCache: false, correlationId: request.correlationId });
  const blocking = checklist.checks.filter((c) => c.status === 'blocked' && !(attempt > 1 && c.code === 'UPN_TAKEN'));
  if (blocking.length > 0) {
    const first = blocking[0];
    const code = first.code ?? 'INTERNAL';
    throw new AppError(code, `pre-flight check ${first.id} blocked the creation`, { retryable: TRANSIENT.has(code) });
  }
}

/** Cancels a draft or failed request and erases its password. */
export async function cancelRequest(deps: UseCaseDeps, actor: Actor, requestId: string): Promise<UserRequest> {
  const { value } = await loadRequest(deps, requestId);
  assertRequester(value, actor);
  const { request } = await updateRequest(deps, requestId, (current) => {
    if (current.state.kind === 'cancelled') return undefined;
    return {
      ...current,
      state: transition(current.state, { type: 'cancel', by: actor }, deps.clock.now()),
      history: [...current.history, { at: deps.clock.now().toISOString(), event: 'cancelled', actor: { oid: actor.oid, name: actor.name } }],
    };
  });
  await deps.vault.erase(requestId);
  await deps.dueWork.cancel(dueKeys.expire(requestId));
  return request;
}
