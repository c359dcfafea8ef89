import type { Actor } from '../core/approval/request-state';
import type { CardLocation, UserRequest } from '../core/approval/user-request';
import { AppError } from '../core/errors';
import { approve, authorizeDecision, reject, type ApprovalPolicy } from '../core/use-cases/approval';
import { cancelRequest, startCreate } from '../core/use-cases/create-user';
import type { UseCaseDeps } from '../core/use-cases/deps';
import { loadRequest } from '../core/use-cases/request-access';
import type { UserCredential } from '../core/ports';
import type { Checklist } from '../core/preflight/checks';
import type { ActionTurn } from './action-turn';
import { ApprovalSubmission } from './approval-submission';
import type { BackgroundWork } from './background';
import type { AdaptiveCardJson } from './cards/card-templates';
import type { ApprovalView, CardViews } from './cards/views';
import type { CardUpdater } from './card-updater';
import type { OutcomeDelivery } from './outcome-delivery';
import { assertInScope, scopeOfLocation } from './request-scope';
import type { RefreshAudience } from './refresh-audience';

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
    private readonly delivery: OutcomeDelivery,
    private readonly settings: ApprovalSettings,
    private readonly audience?: RefreshAudience,
  ) {
    const submission = new ApprovalSubmission(deps, views, updater, settings, audience, {
      card: (request, t) => this.card(request, 'base', t),
      broadcast: (t, request) => this.broadcast(t, request),
      refreshIds: (request, t) => this.refreshIds(request, t),
    });
    this.submit = (t, invalidForm, postTo) => submission.submit(t, invalidForm, postTo);
  }

  /** A form submitted for approval (approval-submission.ts). */
  readonly submit: ApprovalSubmission['submit'];

  /**
   * Every state change also updates the shared message for everyone: the invoke's answer reaches only the person
   * who clicked, and automatic refresh is unreliable in channels, so it is never the only way people see it.
   */
  private broadcast(t: ActionTurn, request: UserRequest): void {
    t.afterResponse(() => this.background.run('broadcast-card', { requestId: request.id }, () => this.delivery.syncCard(request)));
  }

  /** Approve: the approver's own identity creates the user, once the invoke is answered. */
  async approve(t: ActionTurn<{ requestId: string }>): Promise<AdaptiveCardJson> {
    const outcome = await approve(this.deps, t.cred, t.actor, t.request.id, this.settings, t.location);
    if (!outcome.changed) return this.card(outcome.request, 'base', t);
    this.noteApprover(t);
    this.createInBackground(t.cred, outcome.request, t.afterResponse, outcome.checked);
    return this.card(outcome.request, 'base', t);
  }

  async reject(t: ActionTurn<{ requestId: string }>, reason: string): Promise<AdaptiveCardJson> {
    const outcome = await reject(this.deps, t.cred, t.actor, t.request.id, reason, this.settings);
    if (outcome.changed) this.noteApprover(t);
    if (outcome.changed) t.afterResponse(() => this.background.run('show-rejected', { requestId: outcome.request.id }, () => this.delivery.showOutcome(outcome.request)));
    return this.card(outcome.request, 'base', t);
  }

  async cancel(t: ActionTurn<{ requestId: string }>): Promise<AdaptiveCardJson> {
    const request = await cancelRequest(this.deps, t.actor, t.request.id);
    this.broadcast(t, request);
    return this.card(request, 'base', t);
  }

  /** Retry of a failed approval request: whoever clicks must be allowed to approve it, and creates it with their identity. */
  async retry(t: ActionTurn<{ requestId: string }>): Promise<AdaptiveCardJson> {
    const value = t.request;
    if (value.state.kind !== 'failed') return this.card(value, 'base', t);
    const checked = await authorizeDecision(this.deps, t.cred, value, this.settings, 'approve');
    const outcome = await startCreate(this.deps, t.actor, value.id, 'retry', t.cred, t.location);
    if (outcome.started) this.createInBackground(t.cred, outcome.request, t.afterResponse, checked);
    return this.card(outcome.request, 'base', t);
  }

  /** `refresh`: the acting person's own view. Never asks anyone to sign in just to look at a card. */
  async refresh(t: ActionTurn<{ requestId: string }>): Promise<AdaptiveCardJson> {
    const view = await this.viewFor(t.cred, t.request);
    if (view === 'approver') this.noteApprover(t);
    return this.card(t.request, view, t);
  }

  /**
   * Completes an approval whose approver had to sign in privately (silent SSO was not available where they
   * clicked): the same checks and compare-and-swap as a click, then the shared card is updated in place.
   */
  async approveAfterSignIn(cred: UserCredential, approver: Actor, requestId: string, location: CardLocation): Promise<UserRequest> {
    // The click that asked for the sign-in is judged like any click: from where it came, not what it carried.
    assertInScope((await loadRequest(this.deps, requestId)).value, scopeOfLocation(location), approver);
    const outcome = await approve(this.deps, cred, approver, requestId, this.settings, location);
    this.syncQuietly({ ...outcome.request, card: outcome.request.card ?? location });
    // No invoke to answer first here (this runs in the turn after the sign-in): the creation starts on the next tick.
    if (outcome.changed) this.createInBackground(cred, outcome.request, setImmediate, outcome.checked);
    return outcome.request;
  }

  /** The read-only view (an automatic refresh from someone without a session). */
  observerCard(request: UserRequest): AdaptiveCardJson {
    return this.views.approvalRequest(request, 'observer', this.refreshIds(request));
  }

  /** What the card looks like to this person: approvers get Approve/Reject, the requester Cancel, others status. */
  async viewFor(cred: UserCredential | undefined, request: UserRequest): Promise<ApprovalView> {
    if (!cred) return 'observer';
    if (cred.user.oid === request.requester.oid && !this.settings.allowSelfApproval) return 'requester';
    try {
      await authorizeDecision(this.deps, cred, request, this.settings, 'reject', { useCache: true });
      return 'approver';
    } catch (e) {
      if (e instanceof AppError) return cred.user.oid === request.requester.oid ? 'requester' : 'observer';
      throw e;
    }
  }

  /**
   * This person showed they may decide requests raised here (they decided one, or their own view was the
   * approver's): their refresh view and the @mention of later requests here include them (refresh-audience.ts).
   */
  private noteApprover(t: Pick<ActionTurn, 'ctx' | 'actor'>): void {
    if (t.ctx.activity.conversation?.conversationType === 'personal') return;
    this.audience?.noteApprover(t.ctx.activity.conversation?.id, { teamsId: t.actor.teamsId, name: t.actor.name }).catch((e: unknown) => {
      this.deps.logger.info({ err: e instanceof Error ? e.name : String(e) }, 'could not remember an approver of this conversation');
    });
  }

  private createInBackground(cred: UserCredential, request: UserRequest, afterResponse: (work: () => void) => void, checked?: Checklist): void {
    afterResponse(() =>
      this.background.run('create-user-approved', { requestId: request.id }, async () => {
        // Everyone sees "Creating… (approved by …)" first, then the outcome: the card updater writes one card's
        // versions in order and drops a "Creating…" still waiting for a retry once the outcome is queued. The
        // creation does not wait for that update: a throttled or refused card never delays or skips it.
        this.syncQuietly(request);
        await this.delivery.createAndShow(cred, request.id, checked);
      }),
    );
  }

  /** Updates the shared card without holding anything up; a failure is logged (the next state change redraws it). */
  private syncQuietly(request: UserRequest): void {
    this.delivery.syncCard(request).catch((e: unknown) => {
      this.deps.logger.warn({ requestId: request.id, status: (e as { statusCode?: number }).statusCode, err: e instanceof Error ? e.name : String(e) }, 'the request card could not be updated');
    });
  }

  private card(request: UserRequest, view: ApprovalView, t: ActionTurn): AdaptiveCardJson {
    return this.views.approvalRequest(request, view, this.refreshIds(request, t));
  }

  private refreshIds(request: UserRequest, t?: ActionTurn): string[] {
    return this.delivery.refreshIds(request, t?.actor.teamsId);
  }
}
