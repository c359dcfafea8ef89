import { transition, type FailureInfo } from '../approval/request-state';
import type { UserRequest } from '../approval/user-request';
import { AppError, toAppError } from '../errors';
import type { UserCredential } from '../ports';
import type { Checklist } from '../preflight/checks';
import type { UseCaseDeps } from '../use-cases/deps';
import { keepPassword } from '../use-cases/password-lifetime';
import { updateRequest } from '../use-cases/request-access';
import { finalCheck, ownUserHoldingName } from './final-check';
import { markInterrupted } from './in-flight';
import { withStep, type CreationStep } from './steps';

export const CREATE_USER = 'create-user';

/**
 * The Partner Center call. Idempotent on retry: a request already `created` or `failed` is reported as it stands
 * (no second call), and a `creating` one repeats the call with its stored MS-RequestId, which Partner Center
 * answers with the first result. Finishing after a crash without the creator's identity marks it interrupted.
 */
export function createUserStep(deps: UseCaseDeps): CreationStep {
  return {
    name: CREATE_USER,
    isApplicable: (r) => r.state.kind === 'creating' || r.state.kind === 'created' || r.state.kind === 'failed',
    async run(ctx) {
      const r = ctx.request;
      if (r.state.kind === 'created') return { status: 'done', request: r };
      if (r.state.kind === 'failed') return { status: 'failed', code: r.state.failure.code, request: r };
      const cred = await ctx.credential();
      if (!cred) {
        const request = await markInterrupted(deps, r.id, "the creation lost its process and the creator's sign-in was not kept");
        return { status: 'failed', code: 'CREATION_INTERRUPTED', request };
      }
      if (ctx.resumed) deps.logger.warn({ requestId: r.id, correlationId: r.correlationId }, 'finishing a creation whose process stopped');
      const result = await performCreate(deps, cred, r, { resumed: ctx.resumed, checked: ctx.memo.checked });
      if (!result.ok) return { status: 'failed', code: result.error.code, request: result.request };
      ctx.memo.password = result.password;
      ctx.memo.createdHere = true;
      return { status: 'done', request: result.request };
    },
  };
}

export type CreateOutcome = { ok: true; request: UserRequest; password: string } | { ok: false; request: UserRequest; error: AppError };

/**
 * The Partner Center call for a request that is `creating`, with the stored MS-RequestId so any repeat of this
 * logical call can never create a second user. The outcome and this step's progress are stored in one write.
 * The vault copy of the password stays until it has been delivered (present-step.ts), or is erased at once when
 * the failure means it will never be used.
 *
 * `request`: as the step runner read it from the store just before this step (not read a second time). What the
 * call sends (user, customer, MS-RequestId) cannot change while the request is `creating`, and the outcome is
 * stored by compare-and-swap on the request as stored then, only if it is still `creating`.
 */
export async function performCreate(
  deps: UseCaseDeps,
  cred: UserCredential,
  request: UserRequest,
  opts: { resumed?: boolean; checked?: Checklist } = {},
): Promise<CreateOutcome> {
  const requestId = request.id;
  if (request.state.kind !== 'creating') {
    throw new AppError('ILLEGAL_TRANSITION', `request ${requestId} is ${request.state.kind}, not creating`);
  }
  const log = deps.logger.child({ requestId, customerId: request.customer.id, correlationId: request.correlationId, ticket: request.ticket });
  const now = () => deps.clock.now().toISOString();
  let password: string | undefined;
  try {
    password = await deps.vault.get(requestId);
    if (password === undefined) throw new AppError('PASSWORD_UNAVAILABLE', 'the stored password could not be read');
    if (!cred.user.mfa) throw new AppError('MFA_REQUIRED', 'the sign-in carries no MFA claim');
    const token = await deps.tokens.partnerCenter(cred);
    if (!token.mfa) throw new AppError('MFA_REQUIRED', 'the Partner Center token carries no MFA claim');
    await finalCheck(deps, cred, request, password, { resumed: opts.resumed === true, checked: opts.checked });
    // Between the check's burst and the create call, turns waiting now go first (bounded: deps.turnsFirst).
    await deps.turnsFirst?.();
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
            state: transition(
              current.state,
              { type: 'succeed', user: { id: created.id, userPrincipalName: created.userPrincipalName, displayName: created.displayName, state: created.state }, passwordRevealUntil: revealUntil },
              deps.clock.now(),
            ),
            steps: withStep(current.steps, { name: CREATE_USER, status: 'done', at: now() }),
            history: [...current.history, { at: now(), event: 'created', correlationId: current.correlationId, detail: `object id ${created.id}` }],
          },
    );
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
    // A retryable failure keeps the password for the retry, for at most the retention time from now. Scheduled
    // before the failed state is written, so anyone who sees the request failed sees its password's end set too
    // (a crash in between leaves a `creating` request with a later end, which the erase re-checks).
    if (failure.retryable) await keepPassword(deps, requestId);
    const { request: saved } = await updateRequest(deps, requestId, (current) =>
      current.state.kind !== 'creating'
        ? undefined
        : {
            ...current,
            state: transition(current.state, { type: 'fail', failure }, deps.clock.now()),
            steps: withStep(current.steps, { name: CREATE_USER, status: 'failed', code: failure.code, at: now() }),
            history: [...current.history, { at: now(), event: 'failed', correlationId: current.correlationId, detail: [failure.code, failure.upstreamCode].filter(Boolean).join(' ') }],
          },
    );
    // A failure that trying again cannot fix needs new input; the stored password has no further use.
    if (!failure.retryable) await deps.vault.erase(requestId);
    log.warn({ outcome: 'failed', code: failure.code, upstreamCode: failure.upstreamCode, httpStatus: failure.httpStatus }, 'user creation failed');
    return { ok: false, request: saved, error };
  }
}
