import { TurnContext } from 'botbuilder';
import type { UserRequest } from '../core/approval/user-request';
import type { FieldIssue } from '../core/errors';
import { submitForApproval, type ApprovalPolicy } from '../core/use-cases/approval';
import type { UseCaseDeps } from '../core/use-cases/deps';
import { updateRequest } from '../core/use-cases/request-access';
import { submitNewUserForm } from '../core/use-cases/submit-form';
import { markdownText, TEXT_LIMITS, upnText } from '../core/text/people-text';
import type { ActionTurn } from './action-turn';
import { withApproverMentions } from './approver-mentions';
import type { AdaptiveCardJson } from './cards/card-templates';
import type { CardViews } from './cards/views';
import type { CardUpdater } from './card-updater';
import type { RefreshAudience } from './refresh-audience';

/** What a submission shares with the rest of the approval flow (approval-flow.ts). */
export interface SubmissionCards {
  /** The base view of a request's card, as the person acting gets it. */
  card(request: UserRequest, t: ActionTurn): AdaptiveCardJson;
  /** Redraws the request's shared card for everyone once the invoke is answered. */
  broadcast(t: ActionTurn, request: UserRequest): void;
  refreshIds(request: UserRequest, t?: ActionTurn): string[];
}

/**
 * A request for approval is born: the form is stored as a request, sent for approval, and posted as its own card
 * (here, in the approvers' channel, or back on its old card when an approval request was edited).
 */
export class ApprovalSubmission {
  constructor(
    private readonly deps: UseCaseDeps,
    private readonly views: CardViews,
    private readonly updater: CardUpdater,
    private readonly settings: ApprovalPolicy,
    private readonly audience: RefreshAudience | undefined,
    private readonly cards: SubmissionCards,
  ) {}

  /**
   * The form was submitted for approval (in a channel, or from a 1:1 chat with `postTo` the approvers' channel):
   * store the request, send it for approval, and become its card. `t.request` is the request being edited, if any.
   */
  async submit(
    t: ActionTurn<{ requestId?: string }>,
    invalidForm: (values: Record<string, string>, issues: FieldIssue[]) => Promise<AdaptiveCardJson>,
    postTo?: Record<string, unknown>,
  ): Promise<AdaptiveCardJson> {
    const before = t.request;
    const result = await submitNewUserForm(this.deps, t.cred, t.actor, t.data, { requestId: before?.id, mode: 'approval' });
    if (result.kind === 'invalid') return invalidForm(result.values, result.issues);
    await submitForApproval(this.deps, t.actor, result.request.id, this.settings);
    const checks = result.checklist.checks.map((c) => ({ id: c.id, status: c.status, text: c.text }));
    if (before?.mode === 'approval' && before.card) {
      // An edited approval request (failed, then edited, wherever the edit happened) goes back to its approvers on
      // its own card, which shows it waiting again; nothing is created until someone approves it anew.
      const request = await this.rememberCard(result.request.id, before.card, checks);
      this.cards.broadcast(t, request);
      if (t.ctx.activity.conversation.conversationType !== 'personal') return this.cards.card(request, t);
      return this.views.notice({
        title: 'Sent for approval again',
        text: `Your edited request for ${request.user.userPrincipalName} in ${request.customer.companyName} is waiting for an approver on its card in the team. You will hear here when it is decided.`,
        reference: `Request ${request.id}`,
        offerNewUser: true,
      });
    }
    if (postTo) {
      // Raised from a 1:1 chat: the request card is posted in the approvers' channel, and the 1:1 form says where.
      const pending = await this.rememberCard(result.request.id, undefined, checks);
      const location = await this.updater.post(postTo, await this.firstPost(pending, postTo, t));
      const request = await this.rememberCard(result.request.id, location, checks);
      return this.views.notice({
        title: 'Sent for approval',
        text: `Your request for ${upnText(request.user.userPrincipalName)} in ${markdownText(request.customer.companyName, TEXT_LIMITS.name)} is waiting in the approvers' channel. You will hear here when it is decided.`,
        reference: `Request ${request.id}`,
        offerNewUser: true,
      });
    }
    // Its own message, never the clicked one: the shared "Open the form" card stays as it was for the next person,
    // and two people submitting from it get two request cards. The post @mentions the known approvers.
    const here = { ...TurnContext.getConversationReference(t.ctx.activity), activityId: undefined } as Record<string, unknown>;
    const pending = await this.rememberCard(result.request.id, undefined, checks);
    const location = await this.updater.post(here, await this.firstPost(pending, here, t));
    const request = await this.rememberCard(result.request.id, location, checks);
    // The submitter's own copy of the request, in place of the form they filled on their device.
    return this.cards.card(request, t);
  }

  /**
   * The card of a request's first post in `where`: its audience is that conversation's, with the approvers
   * @mentioned. Who could approve for this customer is read from the directory first (briefly: when it is slow or
   * fails, the approvers seen acting here are named instead, and the post goes out regardless).
   */
  private async firstPost(request: UserRequest, where: Record<string, unknown>, t: ActionTurn): Promise<AdaptiveCardJson> {
    const conversationId = (where.conversation as { id?: string } | undefined)?.id;
    const customerId = request.customer.id;
    await this.audience?.learnApprovers(customerId, () => this.deps.preflight.approversOf(customerId, this.settings.approverGroupId, { correlationId: request.correlationId }));
    const card = this.views.approvalRequest(request, 'base', this.cards.refreshIds({ ...request, card: { conversation: where, activityId: '' } }, t));
    return withApproverMentions(card, this.audience?.approversOf(conversationId, [request.requester.teamsId], undefined, customerId) ?? []);
  }

  private async rememberCard(requestId: string, location: UserRequest['card'], checks: UserRequest['checksAtSubmit']): Promise<UserRequest> {
    const { request } = await updateRequest(this.deps, requestId, (current) => ({ ...current, card: location ?? current.card, checksAtSubmit: checks }));
    return request;
  }
}
