import type { DueItem } from '../core/approval/due-work';
import { dueKeys } from '../core/approval/due-work';
import type { CardLocation, UserRequest } from '../core/approval/user-request';
import type { UserCredential } from '../core/ports';
import { performCreate } from '../core/use-cases/create-user';
import { creationSettled, holdCreationLease, scheduleFinish } from '../core/use-cases/creation-guard';
import { finishInterrupted } from '../core/use-cases/in-flight';
import type { UseCaseDeps } from '../core/use-cases/deps';
import { loadRequest } from '../core/use-cases/request-access';
import { passwordDelivered, passwordHidden } from '../core/use-cases/recover';
import type { CardViews } from './cards/views';
import type { CardUpdater } from './card-updater';
import type { RefreshAudience } from './refresh-audience';
import { markdownText, TEXT_LIMITS } from '../core/text/people-text';
import { isPrivateChatRefused, PasswordHandover } from './password-handover';
import type { SharedState } from './sign-in';
import type { TurnContext } from 'botbuilder';

/**
 * Brings what people see in line with a request's stored state: the card (personal result card, or the shared
 * channel card), the requester's private notices, and the temporary password, handed over privately once and
 * removed from its message at its stored time. Used right after a creation and, identically, by whichever
 * instance finishes a request whose process died, so a crash at any step ends in the same messages.
 */
export class OutcomeDelivery {
  /** Requests whose creation (or finishing) runs in this process right now. */
  private readonly running = new Set<string>();

  constructor(
    private readonly deps: UseCaseDeps,
    private readonly views: CardViews,
    private readonly updater: CardUpdater,
    private readonly settings: { passwordToApprover: boolean },
    private readonly audience: RefreshAudience,
    shared: SharedState,
  ) {
    this.handover = new PasswordHandover(deps, views, updater, shared);
  }

  private readonly handover: PasswordHandover;

  /** Who gets their own view on refresh: the requester, the person acting, the decider, the approvers, then the team (at most 60). */
  refreshIds(request: UserRequest, actorTeamsId?: string): string[] {
    const s = request.state as { by?: { teamsId?: string } };
    const conversation = (request.card?.conversation as { conversation?: { id?: string } } | undefined)?.conversation?.id;
    return this.audience.idsFor(conversation, [request.requester.teamsId, actorTeamsId, s.by?.teamsId], request.customer.id);
  }

  /** The shared channel card as everyone sees it now. */
  async syncCard(request: UserRequest): Promise<void> {
    if (!request.card) return;
    const card = request.mode === 'approval' ? this.views.approvalRequest(request, 'base', this.refreshIds(request)) : this.views.current(request);
    await this.updater.update(request.card, card);
  }

  /**
   * The outcome reaches people. With `password` (a user was just created), it goes to the result card in a 1:1
   * chat, or privately to the requester (and the approver, when configured) for a channel request, never to the
   * channel; then the stored copy is erased.
   */
  async show(request: UserRequest, password?: string): Promise<void> {
    const withPassword = request.state.kind === 'created' ? password : undefined;
    let delivered = false;
    if (request.mode === 'personal') {
      // Created and already delivered, its password still on the card until the hide item: showing the result
      // again (a late duplicate finish item) would take the password away early.
      const stillShown = request.state.kind === 'created' && request.passwordRevealUntil && Date.parse(request.passwordRevealUntil) > this.deps.clock.now().getTime();
      if (request.card && (withPassword || !stillShown)) {
        // The removal is stored before the password is shown: a process that dies right after the update must not
        // leave the password on the card for good. A removal whose update never happened only redraws the card.
        if (withPassword) await this.scheduleHide(request, 'card', request.card);
        await this.updater.update(request.card, withPassword ? this.views.created(request, withPassword) : this.views.current(request));
        if (withPassword) delivered = true;
      }
    } else {
      let current = request;
      if (withPassword && request.state.kind === 'created') {
        const recipients = [request.requester];
        const approver = request.state.by;
        if (this.settings.passwordToApprover && approver.teamsId && approver.teamsId !== request.requester.teamsId) recipients.push(approver);
        // Person by person; the card then says truthfully where the password went.
        current = await this.handover.deliver(request, recipients, withPassword);
      } else {
        await this.notifyRequester(request);
      }
      await this.syncCard(current);
      return;
    }
    // Only a password that reached someone is done with; one that reached nobody stays (encrypted) for a later
    // delivery, until its stored end (PASSWORD_RETENTION_HOURS).
    if (withPassword && delivered) await passwordDelivered(this.deps, request.id);
    else if (withPassword) this.deps.logger.warn({ requestId: request.id, correlationId: request.correlationId }, 'the password of a created user reached nobody yet');
  }

  /** A 1:1 turn: passwords waiting for this person (Teams refused to message them earlier) are handed over now. */
  async onPersonalTurn(ctx: TurnContext): Promise<void> {
    for (const request of await this.handover.onPersonalTurn(ctx)) {
      const { value } = await loadRequest(this.deps, request.id);
      await this.syncCard(value);
    }
  }

  /**
   * Runs a claimed creation (after its invoke was answered), shows the outcome, and only then settles it: if the
   * process dies before the end, the request's finish item does the rest.
   */
  async createAndShow(cred: UserCredential, requestId: string): Promise<void> {
    const ran = await this.exclusively(requestId, async () => {
      const result = await performCreate(this.deps, cred, requestId);
      await this.show(result.request, result.ok ? result.password : undefined);
    });
    if (ran) await creationSettled(this.deps, requestId);
  }

  /**
   * `finish-request` due work: a creation whose process stopped (or whose outcome never reached people) is
   * finished with the same MS-RequestId. A creation this process is still running is left alone: its lease is
   * pushed on instead, so there is never a second creation beside the live one.
   */
  async finish(requestId: string): Promise<void> {
    if (this.running.has(requestId)) {
      await scheduleFinish(this.deps, requestId, new Date(this.deps.clock.now().getTime() + this.deps.settings.creationLeaseMs));
      return;
    }
    const ran = await this.exclusively(requestId, async () => {
      const finished = await finishInterrupted(this.deps, requestId);
      await this.show(finished.request, finished.password);
    });
    if (ran) await creationSettled(this.deps, requestId);
  }

  /** Runs one request's creation and delivery with its lease held, never two at once in this process. */
  private async exclusively(requestId: string, work: () => Promise<void>): Promise<boolean> {
    if (this.running.has(requestId)) return false;
    this.running.add(requestId);
    const lease = holdCreationLease(this.deps, requestId);
    try {
      await work();
      return true;
    } finally {
      await lease.release();
      this.running.delete(requestId);
    }
  }

  /** `hide-password` due work: the message keeps the result, without the password. */
  async hide(item: DueItem): Promise<void> {
    const location = JSON.parse(item.payload?.location ?? 'null') as CardLocation | null;
    const { value: request } = await loadRequest(this.deps, item.requestId);
    if (location) await this.updater.update(location, this.views.created(request));
    await passwordHidden(this.deps, request.id);
  }

  /** The requester hears about every decision privately (the password goes through the hand-over instead). */
  private async notifyRequester(request: UserRequest): Promise<void> {
    const to = request.requester.teamsId;
    if (!to || !request.card) return;
    const s = request.state;
    const upn = markdownText(request.user.userPrincipalName);
    const company = markdownText(request.customer.companyName, TEXT_LIMITS.name);
    const text =
      s.kind === 'rejected'
        ? `${markdownText(s.by.name, TEXT_LIMITS.name)} rejected your request for ${upn} in ${company}: "${markdownText(s.reason, TEXT_LIMITS.reason)}".`
        : s.kind === 'expired'
          ? `Your request for ${upn} in ${company} expired without a decision. Nothing was created.`
          : s.kind === 'failed'
            ? `Your approved request for ${upn} in ${company} failed: the channel card says why, and an approver can retry it.`
            : undefined;
    if (!text) return;
    try {
      await this.updater.sendPrivate(to, request.card.conversation, this.views.notice({ title: `Request ${s.kind}`, text, reference: `Request ${request.id}`, offerNewUser: true }));
    } catch (e) {
      // Not installed for them: the shared card says the same; nothing secret is lost, nothing to retry.
      if (!isPrivateChatRefused(e)) throw e;
      this.deps.logger.warn({ requestId: request.id }, 'Teams refused a private notice (app not installed for the requester)');
    }
  }

  private async scheduleHide(request: UserRequest, where: string, location: CardLocation): Promise<void> {
    const dueAt = request.passwordRevealUntil;
    if (!dueAt) return;
    // One item per message: two messages that carried the password (to one person or two) are both hidden.
    await this.deps.dueWork.schedule({ key: dueKeys.hide(request.id, `${where}:${location.activityId}`), kind: 'hide-password', requestId: request.id, dueAt, payload: { location: JSON.stringify(location) } });
  }
}
