import type { UserRequest } from '../approval/user-request';
import type { UseCaseDeps } from './deps';
import { performCreate } from './create-user';
import { scheduleFinish } from './creation-guard';
import { loadRequest, updateRequest } from './request-access';
import { markInterrupted } from './recover';

export interface Finished {
  request: UserRequest;
  /** A created user's password that never reached anyone (the process died before the result card). */
  password?: string;
}

/**
 * Finishes a request whose creation lost its process. Never a blind second creation: the Partner Center call is
 * repeated with the stored MS-RequestId, which Partner Center answers with the first call's result if that call
 * got through, and the final check lets this request's own user name pass. Without the creator's identity (it
 * could not be kept, or no longer decrypts) the request becomes "interrupted", which an approver can retry.
 */
export async function finishInterrupted(deps: UseCaseDeps, requestId: string): Promise<Finished> {
  const { value } = await loadRequest(deps, requestId);
  if (value.state.kind === 'creating') {
    const cred = await deps.credentials.get(requestId);
    if (!cred) return { request: await markInterrupted(deps, requestId, 'the creation lost its process and the creator\'s sign-in was not kept') };
    deps.logger.warn({ requestId, correlationId: value.correlationId }, 'finishing a creation whose process stopped');
    const result = await performCreate(deps, cred, requestId, { resumed: true });
    return result.ok ? { request: result.request, password: result.password } : { request: result.request };
  }
  if (value.state.kind === 'created') {
    const password = await deps.vault.get(requestId);
    if (password === undefined) return { request: value };
    // Shown late (the process died before the result card): the password stays visible for the full time from now.
    const revealUntil = new Date(deps.clock.now().getTime() + deps.settings.passwordRevealMinutes * 60_000).toISOString();
    const { request } = await updateRequest(deps, requestId, (current) => ({ ...current, passwordRevealUntil: revealUntil }));
    return { request, password };
  }
  return { request: value };
}

/**
 * After a restart on a store only this process uses (SQLite, memory): creations left `creating` have certainly
 * lost their process, so they are finished now rather than when their lease runs out.
 */
export async function finishOrphansNow(deps: UseCaseDeps): Promise<number> {
  const orphans = await deps.requests.inState('creating');
  for (const r of orphans) await scheduleFinish(deps, r.id, deps.clock.now());
  if (orphans.length) deps.logger.warn({ count: orphans.length, requestIds: orphans.map((r) => r.id) }, 'creations interrupted by a restart will be finished');
  return orphans.length;
}
