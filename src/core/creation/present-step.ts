import { withPasswordRevealUntil } from '../approval/request-state';
import { passwordRevealUntilOf, type UserRequest } from '../approval/user-request';
import type { CreationPresenter } from './presenter';
import type { UseCaseDeps } from '../use-cases/deps';
import { passwordDelivered } from '../use-cases/password-lifetime';
import { updateRequest } from '../use-cases/request-access';
import { deliverPrivately, revealUntil, scheduleHide, type DeliverySettings } from './password-delivery';
import type { CreationStep } from './steps';

export const PRESENT_OUTCOME = 'present-outcome';

/**
 * The outcome reaches people. A created user's password goes only to the people entitled to it: on the result
 * card in a personal request's 1:1 chat, or privately to the requester (and the approver, when configured) for a
 * channel request, never to the channel. The stored copy is erased only after the presenter reports it shown;
 * one that reached nobody stays (encrypted) for a later delivery, until its stored end.
 *
 * Idempotent on retry: a password already handed over is gone from the vault (or recorded per person), so a
 * second run shows the outcome without it, and never takes a password still on its card away early.
 */
export function presentOutcomeStep(deps: UseCaseDeps, presenter: CreationPresenter, settings: DeliverySettings): CreationStep {
  return {
    name: PRESENT_OUTCOME,
    isApplicable: () => true,
    async run(ctx) {
      let request = ctx.request;
      const password = request.state.kind === 'created' ? (ctx.memo.password ?? (await deps.vault.get(request.id))) : undefined;
      if (password === undefined) {
        if (!stillShownOnItsCard(deps, request)) await presenter.showOutcome(request);
        return { status: 'done', request };
      }
      if (!ctx.memo.createdHere) {
        // Shown late (the process died before the result reached people): visible for the full time from now.
        const until = revealUntil(deps);
        request = (await updateRequest(deps, request.id, (current) => ({ ...current, state: withPasswordRevealUntil(current.state, until) }))).request;
      }
      if (request.mode === 'approval') {
        const current = await deliverPrivately(deps, presenter, request, password, settings);
        await presenter.showOutcome(current);
        return { status: 'done', request: current };
      }
      if (!request.card) {
        deps.logger.warn({ requestId: request.id, correlationId: request.correlationId }, 'the password of a created user reached nobody yet');
        return { status: 'done', request };
      }
      // The removal is stored before the password is shown: a process that dies right after showing must not
      // leave the password on the card for good. A removal whose showing never happened only redraws the card.
      await scheduleHide(deps, request, 'card', request.card);
      if (await presenter.showPasswordOnCard(request, password)) await passwordDelivered(deps, request.id);
      else deps.logger.warn({ requestId: request.id, correlationId: request.correlationId }, 'the password of a created user reached nobody yet');
      return { status: 'done', request };
    },
  };
}

/**
 * A personal request, created and its password on the card until its hide item: showing the result again (a
 * late duplicate finish) would take the password away early.
 */
function stillShownOnItsCard(deps: UseCaseDeps, request: UserRequest): boolean {
  const until = passwordRevealUntilOf(request);
  return request.mode === 'personal' && until !== undefined && Date.parse(until) > deps.clock.now().getTime();
}
