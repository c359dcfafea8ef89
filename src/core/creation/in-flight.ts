import { dueKeys } from '../approval/due-work';
import { transition } from '../approval/request-state';
import type { UserRequest } from '../approval/user-request';
import type { UseCaseDeps } from '../use-cases/deps';
import { updateRequest } from '../use-cases/request-access';

/**
 * A creation in flight survives the death of the process running it. Before the compare-and-swap that starts a
 * creation, a `finish-request` item is scheduled for when the creation's lease runs out; the creator's identity
 * is kept encrypted while it runs; and when the outcome has reached people, both are removed (settled). If the
 * process dies anywhere in between, the item comes due and one instance (this one restarted, or another)
 * finishes the request (creation.ts, `finish`), or marks it interrupted when it cannot.
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

/**
 * A creation whose outcome is unknown and that cannot be finished now (no identity to finish it with) becomes
 * `failed` with CREATION_INTERRUPTED, retryable: "Retry" repeats the call with the same MS-RequestId, which
 * Partner Center answers with the first result instead of creating a second user.
 */
export async function markInterrupted(deps: UseCaseDeps, requestId: string, detail: string): Promise<UserRequest> {
  const { request, changed } = await updateRequest(deps, requestId, (current) =>
    current.state.kind !== 'creating'
      ? undefined
      : {
          ...current,
          state: transition(current.state, { type: 'fail', failure: { code: 'CREATION_INTERRUPTED', correlationId: current.correlationId, retryable: true } }, deps.clock.now()),
          history: [...current.history, { at: deps.clock.now().toISOString(), event: 'interrupted', correlationId: current.correlationId, detail }],
        },
  );
  if (changed) deps.logger.warn({ requestId, correlationId: request.correlationId }, 'creation interrupted; marked for retry');
  return request;
}

/**
 * After a restart on a store only this process uses (SQLite, memory), every creation left unsettled has certainly
 * lost its process, so it is finished now rather than when its lease runs out: those left `creating`, and those
 * whose user exists but whose later steps (pass, licences, groups, manager, profile, the outcome) had not all run
 * when the process died. The finish item is brought forward, not run here: the due-work claim still hands it to
 * exactly one runner, and the step runner resumes at the first step not done, so no step runs twice.
 *
 * A `created` request counts only while its creation is unsettled, i.e. its creator's identity is still kept
 * (settling erases it): a "retry the failed steps" cut short keeps no identity and has no finish item, and is left
 * as it is, as before.
 */
export async function finishOrphansNow(deps: UseCaseDeps): Promise<number> {
  const creating = await deps.requests.inState('creating');
  const created: UserRequest[] = [];
  for (const r of await deps.requests.inState('created')) {
    if (r.steps?.some((s) => s.status === 'pending') && (await deps.credentials.get(r.id)) !== undefined) created.push(r);
  }
  const orphans = [...creating, ...created];
  for (const r of orphans) await scheduleFinish(deps, r.id, deps.clock.now());
  if (orphans.length) {
    deps.logger.warn({ count: orphans.length, requestIds: orphans.map((r) => r.id), creating: creating.length, stepsPending: created.length }, 'creations interrupted by a restart will be finished');
  }
  return orphans.length;
}
