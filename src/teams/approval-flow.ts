import { TurnContext } from 'botbuilder';
import type { UserRequest } from '../core/approval/user-request';
import { AppError, type FieldIssue } from '../core/errors';
import { approve, authorizeDecision, expireIfDue, reject, submitForApproval, type ApprovalPolicy } from '../core/use-cases/approval';
import { cancelRequest, performCreate, startCreate } from '../core/use-cases/create-user';
import type { UseCaseDeps } from '../core/use-cases/deps';
import { loadRequest, updateRequest } from '../core/use-cases/request-access';
import { submitNewUserForm } from '../core/use-cases/submit-form';
import type { UserCredential } from '../core/ports';
import { dataString } from './action-invoke';
import type { BackgroundWork } from './background';
import type { AdaptiveCardJson } from './cards/card-templates';
import type { ApprovalView, CardViews } from './cards/views';
import type { CardUpdater } from './card-updater';
import type { ActionTurn } from './personal-flow';

export interface ApprovalSettings extends ApprovalPolicy {
  /** Also send the temporary password privately to the approver who created the user. */
  passwordToApprover: boolean;
  /** The team channel that requests raised in a 1:1 chat can be sent to. */
  channelId?: string;
}

/**
 * Channel (and group chat) requests: one card per request that updates in place for everyone, with the decision
 * made by an approver whose own identity creates the user. Refresh gives people their own view where Teams
 * honours it, but the base card carries every action and the server decides who may use them.
 */
export class ApprovalFlow {
  constructor(
    private readonly deps: UseCaseDeps,
    private readonly views: CardViews,
    private readonly updater: CardUpdater,
    private readonly background: BackgroundWork,
    private readonly settings: ApprovalSettings,
  ) {}

  /** The form was submitted in a channel: store the request, send it for approval, and become its card. */
  async submit(
    t: ActionTurn,
    requestId: string | undefined,
    invalidForm: (values: Record<string, string>, issues: FieldIssue[]) => Promise<AdaptiveCardJson>,
    postTo?: Record<string, unknown>,
  ): Promise<AdaptiveCardJson> {
    const result = await submitNewUserForm(this.deps, t.cred, t.actor, t.data, { requestId, mode: 'approval' });
    if (result.kind === 'invalid') return invalidForm(result.values, result.issues);
    await submitForApproval(this.deps, t.actor, result.request.id, this.settings);
    const checks = result.checklist.checks.map((c) => ({ id: c.id, status: c.status, text: c.text }));
    if (postTo) {
      // Raised from a 1:1 chat: the request card is posted in the approvers' channel, and the 1:1 form says where.
      const pending = await this.rememberCard(result.request.id, undefined, checks);
      const location = await this.updater.post(postTo, this.views.approvalRequest(pending, 'base', this.refreshIds(pending, t)));
      const request = await this.rememberCard(result.request.id, location, checks);
      this.scheduleExpiry(request);
      return this.views.notice({
        title: 'Sent for approval',
        text: `Your request for ${request.user.userPrincipalName} in ${request.customer.companyName} is waiting in the approvers' channel. You will hear here when it is decided.`,
        reference: `Request ${request.id}`,
        offerNewUser: true,
      });
    }
    const request = await this.rememberCard(result.request.id, this.location(t), checks);
    this.scheduleExpiry(request);
    this.broadcast(t, request);
    return this.card(request, 'base', t);
  }

  /**
   * Every state change also updates the shared message for everyone: the invoke's answer reaches only the person
   * who clicked, and automatic refresh is unreliable in channels, so it is never the only way people see it.
   */
  private broadcast(t: ActionTurn, request: UserRequest): void {
    const location = request.card;
    if (!location) return;
    t.afterResponse(() => this.background.run('broadcast-card', { requestId: request.id }, () => this.updater.update(location, this.views.approvalRequest(request, 'base', this.refreshIds(request)))));
  }

  readonly handlers = {
    approve: async (t: ActionTurn): Promise<AdaptiveCardJson> => {
      const requestId = this.requestId(t);
      const outcome = await approve(this.deps, t.cred, t.actor, requestId, this.settings, this.location(t));
      if (!outcome.changed) return this.card(outcome.request, 'base', t);
      this.updater.cancel(`expire:${requestId}`);
      this.createInBackground(t, outcome.request);
      return this.card(outcome.request, 'base', t);
    },
    reject: async (t: ActionTurn): Promise<AdaptiveCardJson> => {
      const outcome = await reject(this.deps, t.cred, t.actor, this.requestId(t), dataString(t.data, 'reason') ?? '', this.settings);
      if (outcome.changed) {
        this.updater.cancel(`expire:${outcome.request.id}`);
        this.broadcast(t, outcome.request);
        t.afterResponse(() => this.background.run('notify-rejected', { requestId: outcome.request.id }, () => this.notifyRequester(outcome.request)));
      }
      return this.card(outcome.request, 'base', t);
    },
    cancel: async (t: ActionTurn): Promise<AdaptiveCardJson> => {
      const request = await cancelRequest(this.deps, t.actor, this.requestId(t));
      this.updater.cancel(`expire:${request.id}`);
      this.broadcast(t, request);
      return this.card(request, 'base', t);
    },
    retry: async (t: ActionTurn): Promise<AdaptiveCardJson> => {
      const { value } = await loadRequest(this.deps, this.requestId(t));
      if (value.state.kind !== 'failed') return this.card(value, 'base', t);
      await authorizeDecision(this.deps, t.cred, value, this.settings, 'approve');
      const outcome = await startCreate(this.deps, t.actor, value.id, 'retry', this.location(t));
      if (outcome.started) this.createInBackground(t, outcome.request);
      return this.card(outcome.request, 'base', t);
    },
    /** `refresh`: the acting person's own view. Never asks anyone to sign in just to look at a card. */
    refreshRequest: async (t: ActionTurn): Promise<AdaptiveCardJson> => {
      const { value } = await loadRequest(this.deps, this.requestId(t));
      return this.card(value, await this.viewFor(t.cred, value), t);
    },
  };

  /**
   * Completes an approval whose approver had to sign in privately (silent SSO was not available where they
   * clicked): the same checks and compare-and-swap as a click, then the shared card is updated in place.
   */
  async approveAfterSignIn(cred: UserCredential, approver: ActionTurn['actor'], requestId: string, location: NonNullable<UserRequest['card']>): Promise<UserRequest> {
    const outcome = await approve(this.deps, cred, approver, requestId, this.settings, location);
    const card = outcome.request.card ?? location;
    await this.updater.update(card, this.views.approvalRequest(outcome.request, 'base', this.refreshIds(outcome.request)));
    if (outcome.changed) {
      this.updater.cancel(`expire:${requestId}`);
      const turn = { cred, actor: approver, afterResponse: (work: () => void) => setImmediate(work) } as unknown as ActionTurn;
      this.createInBackground(turn, outcome.request);
    }
    return outcome.request;
  }

  /** What the card looks like to this person: approvers get Approve/Reject, the requester Cancel, others status. */
  async viewFor(cred: UserCredential | undefined, request: UserRequest): Promise<ApprovalView> {
    if (!cred) return 'observer';
    if (cred.user.oid === request.requester.oid && !this.settings.allowSelfApproval) return 'requester';
    try {
      await authorizeDecision(this.deps, cred, request, this.settings, 'reject');
      return 'approver';
    } catch (e) {
      if (e instanceof AppError) return cred.user.oid === request.requester.oid ? 'requester' : 'observer';
      throw e;
    }
  }

  /** Expires undecided requests at their stored time (and any whose time has already passed). */
  scheduleExpiry(request: UserRequest): void {
    if (request.state.kind !== 'pending-approval' || !request.expiresAt) return;
    this.updater.schedule(`expire:${request.id}`, new Date(request.expiresAt), async () => {
      const outcome = await expireIfDue(this.deps, request.id);
      // A timer may fire a moment before the stored time; a request still undecided is simply scheduled again.
      if (!outcome.changed) return this.scheduleExpiry(outcome.request);
      if (outcome.request.card) await this.updater.update(outcome.request.card, this.views.approvalRequest(outcome.request, 'base', this.refreshIds(outcome.request)));
      await this.notifyRequester(outcome.request);
    });
  }

  private createInBackground(t: ActionTurn, request: UserRequest): void {
    const cred = t.cred;
    const approverTeamsId = t.actor.teamsId;
    t.afterResponse(() =>
      this.background.run('create-user-approved', { requestId: request.id }, async () => {
        // Everyone sees "Creating… (approved by …)" first, then the outcome, in that order.
        if (request.card) await this.updater.update(request.card, this.views.approvalRequest(request, 'base', this.refreshIds(request)));
        const result = await performCreate(this.deps, cred, request.id);
        const location = result.request.card;
        if (location) await this.updater.update(location, this.views.approvalRequest(result.request, 'base', this.refreshIds(result.request)));
        await this.notifyRequester(result.request, result.ok ? result.password : undefined);
        if (result.ok && this.settings.passwordToApprover && approverTeamsId && approverTeamsId !== result.request.requester.teamsId) {
          await this.sendPassword(result.request, approverTeamsId, result.password);
        }
      }),
    );
  }

  /** The requester hears about every decision privately; the password only ever travels this way. */
  private async notifyRequester(request: UserRequest, password?: string): Promise<void> {
    const to = request.requester.teamsId;
    if (!to || !request.card) return;
    if (request.state.kind === 'created' && password) {
      await this.sendPassword(request, to, password);
      return;
    }
    const s = request.state;
    const text =
      s.kind === 'rejected'
        ? `${s.by.name} rejected your request for ${request.user.userPrincipalName} in ${request.customer.companyName}: "${s.reason}".`
        : s.kind === 'expired'
          ? `Your request for ${request.user.userPrincipalName} in ${request.customer.companyName} expired without a decision. Nothing was created.`
          : s.kind === 'failed'
            ? `Your approved request for ${request.user.userPrincipalName} in ${request.customer.companyName} failed: the channel card says why, and an approver can retry it.`
            : undefined;
    if (text) await this.updater.sendPrivate(to, request.card.conversation, this.views.notice({ title: `Request ${s.kind}`, text, reference: `Request ${request.id}`, offerNewUser: true }));
  }

  private async sendPassword(request: UserRequest, teamsId: string, password: string): Promise<void> {
    if (!request.card) return;
    const location = await this.updater.sendPrivate(teamsId, request.card.conversation, this.views.created(request, password));
    const until = request.passwordRevealUntil;
    if (location && until) this.updater.schedule(`reveal:${request.id}:${teamsId}`, new Date(until), () => this.updater.update(location, this.views.created(request)));
  }

  private card(request: UserRequest, view: ApprovalView, t: ActionTurn): AdaptiveCardJson {
    return this.views.approvalRequest(request, view, this.refreshIds(request, t));
  }

  /** Teams allows at most 60 user ids on a refresh; the requester first, then people seen acting on it. */
  private refreshIds(request: UserRequest, t?: ActionTurn): string[] {
    const ids = [request.requester.teamsId, t?.actor.teamsId].filter((x): x is string => Boolean(x));
    return [...new Set(ids)].slice(0, 60);
  }

  private location(t: ActionTurn): UserRequest['card'] {
    const activityId = t.ctx.activity.replyToId;
    return activityId ? { conversation: { ...TurnContext.getConversationReference(t.ctx.activity) }, activityId } : undefined;
  }

  private async rememberCard(requestId: string, location: UserRequest['card'], checks: UserRequest['checksAtSubmit']): Promise<UserRequest> {
    const { request } = await updateRequest(this.deps, requestId, (current) => ({ ...current, card: location ?? current.card, checksAtSubmit: checks }));
    return request;
  }

  private requestId(t: ActionTurn): string {
    const id = dataString(t.data, 'requestId');
    if (!id || !/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('REQUEST_NOT_FOUND', 'the card carries no request id');
    return id;
  }
}
