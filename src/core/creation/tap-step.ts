import type { UserRequest } from '../approval/user-request';
import { AppError, toAppError } from '../errors';
import { tapOptions } from '../preflight/first-credential';
import type { UseCaseDeps } from '../use-cases/deps';
import { updateRequest } from '../use-cases/request-access';
import { stepStatus, withStep, type CreationStep } from './steps';

export const TEMPORARY_ACCESS_PASS = 'temporary-access-pass';

/** Failures that a later run may get past by itself: thrown, so the step stays pending for the finish job. */
const TRANSIENT = new Set(['THROTTLED', 'GRAPH_UNAVAILABLE', 'IDENTITY_UNAVAILABLE', 'UPSTREAM_TIMEOUT', 'STORAGE_UNAVAILABLE']);

/**
 * The Temporary Access Pass, when the request asked for one: made in the customer's tenant with the creator's
 * identity right after the user exists, valid from the request's start (or at once). The pass takes the password's
 * place everywhere after this step: in the vault (encrypted) and in the run's memo, so the present-outcome step
 * hands it over exactly as it would the password (only the people entitled, removed after its reveal time, erased
 * once delivered). The password itself, generated for Partner Center, is then never shown.
 *
 * Idempotent on retry: a request that records its pass is done; a run that died after Graph answered makes a new
 * pass, which replaces the first in Entra (one pass per user), and the new one is what gets delivered.
 *
 * Refused (policy, role, not connected): the step fails with that code and the password stays the credential,
 * shown as usual with the reason on the card, because the user exists and must be able to sign in.
 */
export function temporaryAccessPassStep(deps: UseCaseDeps): CreationStep {
  return {
    name: TEMPORARY_ACCESS_PASS,
    isApplicable: (r) => r.user.firstCredential?.kind === 'tap' && r.state.kind === 'created',
    async run(ctx) {
      const r = ctx.request;
      const wanted = r.user.firstCredential;
      if (r.temporaryAccessPass || wanted?.kind !== 'tap' || r.state.kind !== 'created') return { status: 'done', request: r };
      if (stepStatus(r, TEMPORARY_ACCESS_PASS) === 'failed') return { status: 'failed', code: r.steps?.find((s) => s.name === TEMPORARY_ACCESS_PASS)?.code, request: r };
      const fail = async (code: AppError['code']) => {
        const { request } = await updateRequest(deps, r.id, (current) => ({
          ...current,
          steps: withStep(current.steps, { name: TEMPORARY_ACCESS_PASS, status: 'failed', code, at: deps.clock.now().toISOString() }),
          history: [...current.history, { at: deps.clock.now().toISOString(), event: 'temporary-access-pass-failed', correlationId: current.correlationId, detail: code }],
        }));
        deps.logger.warn({ requestId: r.id, correlationId: r.correlationId, code }, 'temporary access pass not made; the password stays the first credential');
        return { status: 'failed' as const, code, request };
      };
      if (!deps.tap) return fail('INTERNAL');
      const cred = await ctx.credential();
      if (!cred) return fail('CREATION_INTERRUPTED');
      let issued;
      try {
        const token = (await deps.tap.credentialTokens.customerGraphForCredentials(cred, r.customer.id)).token;
        const startAt = r.startAt ? new Date(r.startAt) : undefined;
        issued = await deps.tap.temporaryAccessPasses.create(token, r.state.user.id, tapOptions(wanted, startAt && startAt.getTime() > deps.clock.now().getTime() ? startAt : undefined), {
          correlationId: r.correlationId,
        });
      } catch (e) {
        const error = toAppError(e);
        if (TRANSIENT.has(error.code)) throw error;
        return fail(error.code);
      }
      // The pass replaces the password as what is delivered; stored encrypted before the request says it exists.
      await deps.vault.put(r.id, issued.pass);
      ctx.memo.password = issued.pass;
      const info: NonNullable<UserRequest['temporaryAccessPass']> = {
        methodId: issued.methodId,
        validFrom: issued.validFrom.toISOString(),
        expiresAt: issued.expiresAt.toISOString(),
        lifetimeInMinutes: issued.lifetimeInMinutes,
        isUsableOnce: issued.isUsableOnce,
      };
      const { request } = await updateRequest(deps, r.id, (current) => ({
        ...current,
        temporaryAccessPass: info,
        steps: withStep(current.steps, { name: TEMPORARY_ACCESS_PASS, status: 'done', at: deps.clock.now().toISOString() }),
        history: [...current.history, { at: deps.clock.now().toISOString(), event: 'temporary-access-pass', correlationId: current.correlationId, detail: `valid ${info.validFrom} to ${info.expiresAt}${info.isUsableOnce ? ', one-time' : ''}` }],
      }));
      deps.logger.info({ requestId: r.id, correlationId: r.correlationId, validFrom: info.validFrom, expiresAt: info.expiresAt }, 'temporary access pass made');
      return { status: 'done', request };
    },
  };
}
