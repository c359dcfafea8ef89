import { dueKeys } from '../approval/due-work';
import { withPasswordRevealUntil } from '../approval/request-state';
import { passwordRevealUntilOf, type SecretWriteOptions } from '../approval/user-request';
import type { UseCaseDeps } from './deps';
import { updateRequest } from './request-access';

/**
 * Every stored password has an end. Most end with their request (created and delivered, rejected, expired,
 * cancelled); a draft nobody creates and a failed request nobody retries would otherwise keep theirs forever.
 * Storing (or keeping, after a failure) a password schedules its erasure `passwordRetentionMs` later.
 */
export async function keepPassword(deps: UseCaseDeps, requestId: string, password?: string, opts?: SecretWriteOptions): Promise<void> {
  // Scheduled first: a crash between the two writes leaves an erasure with nothing to erase, never the reverse.
  await deps.dueWork.schedule({ key: dueKeys.erasePassword(requestId), kind: 'erase-password', requestId, dueAt: new Date(deps.clock.now().getTime() + deps.settings.passwordRetentionMs).toISOString() });
  if (password !== undefined) await deps.vault.put(requestId, password, opts);
}

/**
 * `erase-password` due work. A request waiting for approval or in the middle of a creation still needs its
 * password (its expiry, or its settling, ends it): looked at again one retention later. Anything else loses it now.
 */
export async function erasePasswordAtItsEnd(deps: UseCaseDeps, requestId: string): Promise<void> {
  const found = await deps.requests.get(requestId);
  const kind = found?.value.state.kind;
  if (kind === 'pending-approval' || kind === 'creating') {
    await keepPassword(deps, requestId);
    return;
  }
  await deps.vault.erase(requestId);
  if (found) deps.logger.info({ requestId, state: kind }, 'stored password reached its end and was erased');
}

/** The password has been removed from its message: nothing is due any more. */
export async function passwordHidden(deps: UseCaseDeps, requestId: string): Promise<void> {
  await updateRequest(deps, requestId, (current) => (passwordRevealUntilOf(current) ? { ...current, state: withPasswordRevealUntil(current.state, undefined) } : undefined));
}

/** The password reached the people entitled to it: the stored copy has no further use. */
export async function passwordDelivered(deps: UseCaseDeps, requestId: string): Promise<void> {
  await deps.vault.erase(requestId);
  await deps.dueWork.cancel(dueKeys.erasePassword(requestId));
}
