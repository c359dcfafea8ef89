import type { Creation } from '../creation/creation';
import { hideShownPassword } from '../creation/password-delivery';
import type { CreationPresenter } from '../creation/presenter';
import { expireIfDue } from '../use-cases/approval';
import type { UseCaseDeps } from '../use-cases/deps';
import { erasePasswordAtItsEnd } from '../use-cases/password-lifetime';
import { expireStaleIfDue, readyIfDue } from '../use-cases/schedule';
import type { DueWorkHandlers } from './due-work-runner';

/**
 * What each kind of due work does: a use case decides and stores, the presenter only redraws. Every handler
 * re-reads the request and is safe to run twice.
 */
export function dueWorkHandlers(deps: UseCaseDeps, creation: Creation, presenter: Pick<CreationPresenter, 'showOutcome' | 'hidePassword'>): DueWorkHandlers {
  return {
    'expire-request': async (item) => {
      const outcome = await expireIfDue(deps, item.requestId, item.dueAt);
      // Not an undecided approval: a ready personal request with a first day may be one nobody created.
      const stale = outcome.changed || outcome.request.state.kind !== 'draft' ? outcome : await expireStaleIfDue(deps, item.requestId);
      if (stale.changed) await presenter.showOutcome(stale.request);
    },
    'hide-password': (item) => hideShownPassword(deps, presenter, item),
    'finish-request': (item) => creation.finish(item.requestId),
    'erase-password': (item) => erasePasswordAtItsEnd(deps, item.requestId),
    'request-ready': async (item) => {
      const outcome = await readyIfDue(deps, item.requestId);
      if (outcome.changed) await presenter.showOutcome(outcome.request);
    },
  };
}
