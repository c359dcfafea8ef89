import { dueKeys } from '../approval/due-work';
import type { UseCaseDeps } from './deps';

/**
 * A creation in flight survives the death of the process running it. Before the compare-and-swap that starts a
 * creation, a `finish-request` item is scheduled for when the creation's lease runs out; the creator's identity
 * is kept encrypted while it runs; and when the outcome has reached people, both are removed. If the process dies
 * anywhere in between, the item comes due and one instance (this one restarted, or another) finishes the request.
 */

/** Called before the compare-and-swap that may start a creation: whoever wins it, the creation is covered. */
export async function guardCreation(deps: UseCaseDeps, requestId: string): Promise<void> {
  await scheduleFinish(deps, requestId, new Date(deps.clock.now().getTime() + deps.settings.creationLeaseMs));
}

/** The request's one finish item, due at `at` (scheduling again replaces it). */
export async function scheduleFinish(deps: UseCaseDeps, requestId: string, at: Date): Promise<void> {
  await deps.dueWork.schedule({ key: dueKeys.finish(requestId), kind: 'finish-request', requestId, dueAt: at.toISOString() });
}

/** The outcome is stored and has reached people: the identity is erased and nothing is left to finish. */
export async function creationSettled(deps: UseCaseDeps, requestId: string): Promise<void> {
  await deps.credentials.erase(requestId);
  await deps.dueWork.cancel(dueKeys.finish(requestId));
}
