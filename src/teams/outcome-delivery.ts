import type { CardLocation, UserRequest } from '../core/approval/user-request';
import { Creation } from '../core/creation/creation';
import type { CreationPresenter, PasswordRecipient, PasswordShown } from '../core/creation/presenter';
import type { UserCredential } from '../core/ports';
import type { Checklist } from '../core/preflight/checks';
import type { UseCaseDeps } from '../core/use-cases/deps';
import { markdownText, TEXT_LIMITS, upnText } from '../core/text/people-text';
import type { CardViews } from './cards/views';
import type { CardUpdater } from './card-updater';
import { isPrivateChatRefused, PasswordHandover } from './password-handover';
import type { RefreshAudience } from './refresh-audience';
import type { SharedState } from './sign-in';
import type { TurnContext } from 'botbuilder';

/**
 * The Teams side of a request's outcome: draws and sends what the core's creation sequence (core/creation)
 * decides to show, to whom. The card (personal result card, or the shared channel card), the requester's private
 * notices, the temporary password privately or on a 1:1 card, and its removal later. Nothing here decides who is
 * entitled to a password, when it is erased, or when a creation is settled.
 */
export class OutcomeDelivery implements CreationPresenter {
  /** The creation sequence over this presenter: one per app, so a request never runs twice in this process. */
  readonly creation: Creation;
  private readonly handover: PasswordHandover;

  constructor(
    private readonly deps: UseCaseDeps,
    private readonly views: CardViews,
    private readonly updater: CardUpdater,
    settings: { passwordToApprover: boolean },
    private readonly audience: RefreshAudience,
    shared: SharedState,
  ) {
    this.handover = new PasswordHandover(deps, views, updater, shared);
    this.creation = new Creation(deps, this, settings);
  }

  /** Runs a claimed creation after its invoke was answered; `checked`: the approval's own pre-flight. */
  createAndShow(cred: UserCredential, requestId: string, checked?: Checklist): Promise<void> {
    return this.creation.run(cred, requestId, { checked });
  }

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

  async showOutcome(request: UserRequest): Promise<void> {
    if (request.mode === 'personal') {
      if (request.card) await this.updater.update(request.card, this.views.current(request));
      return;
    }
    await this.notifyRequester(request);
    await this.syncCard(request);
  }

  async showPasswordOnCard(request: UserRequest, password: string): Promise<boolean> {
    if (!request.card) return false;
    await this.updater.update(request.card, this.views.created(request, password));
    return true;
  }

  async showPasswordTo(request: UserRequest, person: PasswordRecipient, password: string): Promise<PasswordShown> {
    if (!request.card) return { shown: false, unreachable: false };
    try {
      const location = await this.updater.sendPrivate(person.teamsId, request.card.conversation, this.views.created(request, password));
      return location ? { shown: true, location } : { shown: false, unreachable: false };
    } catch (e) {
      if (isPrivateChatRefused(e)) return { shown: false, unreachable: true };
      throw e;
    }
  }

  askToOpenChat(request: UserRequest, person: PasswordRecipient): Promise<void> {
    return this.handover.askToOpenChat(request, person);
  }

  async hidePassword(request: UserRequest, location: CardLocation): Promise<void> {
    await this.updater.update(location, this.views.created(request));
  }

  /** A 1:1 turn: passwords waiting for this person (Teams refused to message them earlier) are handed over now. */
  async onPersonalTurn(ctx: TurnContext): Promise<void> {
    for (const request of await this.handover.onPersonalTurn(ctx)) await this.syncCard(request);
  }

  /** The requester hears about every decision privately (the password goes through the hand-over instead). */
  private async notifyRequester(request: UserRequest): Promise<void> {
    const to = request.requester.teamsId;
    if (!to || !request.card) return;
    const s = request.state;
    const upn = upnText(request.user.userPrincipalName);
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
}
