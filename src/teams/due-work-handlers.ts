import type { DueWorkHandlers } from '../core/approval/due-work-runner';
import { dueKeys } from '../core/approval/due-work';
import { expireIfDue } from '../core/use-cases/approval';
import type { UseCaseDeps } from '../core/use-cases/deps';
import { erasePasswordAtItsEnd } from '../core/use-cases/password-lifetime';
import type { OutcomeDelivery } from './outcome-delivery';

/** What each kind of due work does; every handler re-reads the request and is safe to run twice. */
export function dueWorkHandlers(deps: UseCaseDeps, delivery: OutcomeDelivery): DueWorkHandlers {
  return {
    'expire-request': async (item) => {
      const outcome = await expireIfDue(deps, item.requestId);
      if (outcome.changed) return delivery.show(outcome.request);
      // Still undecided but not yet due by its own clock (the expiry moved): wait for that time instead.
      const r = outcome.request;
      if (r.state.kind === 'pending-approval' && r.expiresAt && r.expiresAt !== item.dueAt) {
        await deps.dueWork.schedule({ key: dueKeys.expire(r.id), kind: 'expire-request', requestId: r.id, dueAt: r.expiresAt });
      }
    },
    'hide-password': (item) => delivery.hide(item),
    'finish-request': (item) => delivery.finish(item.requestId),
    'erase-password': (item) => erasePasswordAtItsEnd(deps, item.requestId),
  };
}
