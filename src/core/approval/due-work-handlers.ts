import type { Creation } from '../creation/creation';
import { hideShownPassword } from '../creation/password-delivery';
import type { CreationPresenter } from '../creation/presenter';
import { expireIfDue } from '../use-cases/approval';
import type { UseCaseDeps } from '../use-cases/deps';
import { erasePasswordAtItsEnd } from '../use-cases/password-lifetime';
import { announceReady, remindIfWaiting } from '../use-cases/ready-notice';
import { expireStaleIfDue, readyIfDue } from '../use-cases/schedule';
import type { DueWorkHandlers } from './due-work-runner';
import type { ReadyPresenter } from './ready-presenter';

/**
 * What each kind of due work does: a use case decides and stores, the presenter only redraws. Every handler
 * re-reads the request and is safe to run twice.
 */
export function dueWorkHandlers(
  deps: UseCaseDeps,
  creation: Creation,
  presenter: Pick<CreationPresenter, 'showOutcome' | 'hidePassword'> & ReadyPresenter,
  /** The bulk batches' work (src/core/bulk/batch-runner.ts); absent where no batch can exist (core unit tests). */
  batches?: Pick<DueWorkHandlers, 'run-batch' | 'hide-batch-passwords' | 'expire-batch'>,
): DueWorkHandlers {
  const noBatches = async (item: { key: string }) => deps.logger.warn({ key: item.key }, 'batch due work without a batch runner: dropped');
  return {
    'run-batch': batches?.['run-batch'] ?? noBatches,
    'hide-batch-passwords': batches?.['hide-batch-passwords'] ?? noBatches,
    'expire-batch': batches?.['expire-batch'] ?? noBatches,
    'expire-request': async (item) => {
      const outcome = await expireIfDue(deps, item.requestId, item.dueAt);
      // Not an undecided approval: a ready personal request with a first day may be one nobody created.
      const stale = outcome.changed || outcome.request.state.kind !== 'draft' ? outcome : await expireStaleIfDue(deps, item.requestId);
      if (stale.changed) await presenter.showOutcome(stale.request);
    },
    'hide-password': (item) => hideShownPassword(deps, presenter, item),
    'finish-request': (item) => creation.finish(item.requestId),
    'erase-password': (item) => erasePasswordAtItsEnd(deps, item.requestId),
    // Ready: the state changes first (under compare-and-swap), then the ready card goes out as a new message. Both
    // re-read, so an item run again after a crash in between sends what was not sent, and nothing twice.
    'request-ready': async (item) => {
      await readyIfDue(deps, item.requestId);
      await announceReady(deps, presenter, item.requestId);
    },
    'request-reminder': async (item) => {
      await remindIfWaiting(deps, presenter, item);
    },
  };
}
