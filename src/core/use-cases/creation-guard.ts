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

/** A held creation lease: `release` stops renewing and waits for a renewal in flight. */
export interface HeldLease {
  release(): Promise<void>;
}

/**
 * Keeps the request's finish item in the future for as long as this process runs its creation: renewed every
 * third of the lease, so a slow Partner Center (a final check of several calls, a minute of Retry-After) never
 * lets the item come due and a second creation start beside the live one. If this process dies, renewals stop
 * and the item comes due one lease later, as before. After `release`, the last renewal stands until the caller
 * settles the request (which cancels the item), so a failure between the two is still finished by someone.
 */
export function holdCreationLease(deps: UseCaseDeps, requestId: string): HeldLease {
  const leaseMs = deps.settings.creationLeaseMs;
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  const renew = () => {
    inFlight = inFlight
      .then(() => (stopped ? undefined : scheduleFinish(deps, requestId, new Date(deps.clock.now().getTime() + leaseMs))))
      .catch((e: unknown) => deps.logger.warn({ requestId, code: (e as { code?: string }).code }, 'could not renew a creation lease; trying again'));
  };
  const timer = setInterval(renew, Math.max(200, Math.floor(leaseMs / 3)));
  timer.unref?.();
  return {
    release: async () => {
      stopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}
