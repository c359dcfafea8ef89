import { TurnContext } from 'botbuilder';
import type { Actor } from '../core/approval/request-state';
import { AppError, type FieldIssue } from '../core/errors';
import type { ApprovalFlow } from './approval-flow';
import type { UserCredential } from '../core/ports';
import { TtlCache } from '../core/ttl-cache';
import { cancelRequest, startCreate } from '../core/use-cases/create-user';
import { listCustomers, loadCustomerForForm, searchCustomers, type CustomerChoice, type CustomerForForm } from '../core/use-cases/customers';
import type { UseCaseDeps } from '../core/use-cases/deps';
import { assertRequester, loadRequest } from '../core/use-cases/request-access';
import { submitNewUserForm } from '../core/use-cases/submit-form';
import { findRestorableUser, restoreInsteadOfCreate } from '../core/use-cases/restore-user';
import { dataString, requestIdSchema, type FlowVerb } from './action-invoke';
import type { BackgroundWork } from './background';
import { ConnectFlow } from './connect-flow';
import type { AdaptiveCardJson } from './cards/card-templates';
import type { CardViews } from './cards/views';
import type { OutcomeDelivery } from './outcome-delivery';
import { assertInScope, scopeOfActivity } from './request-scope';

/** One card action, after sign-in: who acts, with which credential, on what data. */
export interface ActionTurn {
  ctx: TurnContext;
  cred: UserCredential;
  actor: Actor;
  data: Record<string, unknown>;
  correlationId: string;
  /** Work to run once the invoke has been answered (so the answer's card never overwrites a later update). */
  afterResponse: (work: () => void) => void;
}

/**
 * The personal-chat flow: pick a customer, fill the form, confirm, create. Each verb handler is a few lines that
 * call one use case and return the card that replaces the one clicked.
 */
export class PersonalFlow {
  private readonly customerCache: TtlCache<CustomerChoice[]>;
  private readonly formCache: TtlCache<CustomerForForm>;
  /** "Connect <customer>" and the `customers` command (./connect-flow.ts). */
  readonly connect: ConnectFlow;

  constructor(
    private readonly deps: UseCaseDeps,
    private readonly views: CardViews,
    private readonly delivery: OutcomeDelivery,
    private readonly background: BackgroundWork,
    private readonly approvals: ApprovalFlow,
    cacheTtlMs: number,
    private readonly approvalChannel: { configured: boolean; reference: () => Promise<Record<string, unknown> | undefined> } = { configured: false, reference: async () => undefined },
  ) {
    this.customerCache = new TtlCache(deps.clock, cacheTtlMs);
    this.formCache = new TtlCache(deps.clock, cacheTtlMs);
    this.connect = new ConnectFlow(deps, views);
  }

  /**
   * The verbs, each behind one gate: a request id on the card is checked against the conversation the click came
   * from before any handler runs (see request-scope.ts), so no verb can act on, or show, a request from elsewhere.
   */
  get handlers(): Record<FlowVerb, (t: ActionTurn) => Promise<AdaptiveCardJson>> {
    return this.gated;
  }

  private readonly verbs: Record<FlowVerb, (t: ActionTurn) => Promise<AdaptiveCardJson>> = {
    openForm: (t) => {
      const customerId = dataString(t.data, 'customerId');
      return customerId ? this.formFor(t, customerId) : this.customerPicker(t.cred, t.correlationId);
    },
    pickCustomer: async (t) => {
      const customerId = dataString(t.data, 'customerId');
      if (!customerId || !requestIdSchema.safeParse(customerId).success) {
        const all = await this.customers(t.cred, t.correlationId);
        return this.views.pickCustomer(all.slice(0, this.deps.settings.customerChoiceLimit), all.length, { error: 'Choose a customer from the list.' });
      }
      return this.formFor(t, customerId);
    },
    submitForm: async (t) => {
      const requestId = this.optionalRequestId(t.data);
      const customerId = dataString(t.data, 'customerId') ?? '';
      const invalid = async (values: Record<string, string>, issues: FieldIssue[]) => {
        const form = await this.formContext(t.cred, customerId, t.correlationId);
        return this.views.form({ ...this.formInput(form), values, issues, requestId });
      };
      // In a channel or group chat the same form becomes a request for approval.
      if (t.ctx.activity.conversation.conversationType !== 'personal') return this.approvals.submit(t, requestId, invalid);
      // An approval request edited here stays one: it goes back to its approvers, never straight to Create.
      if (requestId && (await loadRequest(this.deps, requestId)).value.mode === 'approval') return this.approvals.submit(t, requestId, invalid, await this.approvalChannel.reference());
      if (dataString(t.data, 'sendForApproval') === 'true') {
        const channel = await this.approvalChannel.reference();
        if (!channel) {
          return this.views.notice({
            title: "The approvers' channel is not reachable yet",
            text: 'The bot learns where the approvers\' channel is when it sees activity there. Mention the bot once in that channel (or add the app to the team), then submit again.',
            color: 'Attention',
          });
        }
        return this.approvals.submit(t, requestId, invalid, channel);
      }
      const result = await submitNewUserForm(this.deps, t.cred, t.actor, t.data, { requestId, mode: 'personal' });
      if (result.kind === 'ready') return this.views.confirm(result.request, result.customer, result.checklist);
      return invalid(result.values, result.issues);
    },
    cancelForm: async (t) => {
      const requestId = this.optionalRequestId(t.data);
      if (requestId) return this.views.current(await cancelRequest(this.deps, t.actor, requestId));
      return this.views.notice({ title: 'Cancelled', text: 'Nothing was created.', offerNewUser: true });
    },
    edit: async (t) => {
      const request = (await loadRequest(this.deps, this.requestId(t.data))).value;
      assertRequester(request, t.actor);
      if (request.state.kind !== 'draft' && request.state.kind !== 'failed') return this.views.current(request);
      const form = await this.formContext(t.cred, request.customer.id, t.correlationId);
      const u = request.user;
      const values = {
        firstName: u.firstName,
        lastName: u.lastName,
        displayName: u.displayName,
        userName: u.userName,
        domain: u.domain,
        usageLocation: u.usageLocation,
        immutableId: u.immutableId ?? '',
        forceChangePassword: String(u.forceChangePassword),
        ticket: request.ticket ?? '',
      };
      return this.views.form({ ...this.formInput(form), values, requestId: request.id });
    },
    create: (t) => this.claimAndCreate(t, 'create'),
    retry: async (t) => ((await this.isApproval(t)) ? this.approvals.handlers.retry(t) : this.claimAndCreate(t, 'retry')),
    cancel: async (t) => ((await this.isApproval(t)) ? this.approvals.handlers.cancel(t) : this.views.current(await cancelRequest(this.deps, t.actor, this.requestId(t.data)))),
    approve: (t) => this.approvals.handlers.approve(t),
    reject: (t) => this.approvals.handlers.reject(t),
    refreshRequest: (t) => this.approvals.handlers.refreshRequest(t),
    connectCustomer: (t) => this.connect.connect(t),
    restoreUser: async (t) => {
      const request = (await loadRequest(this.deps, this.requestId(t.data))).value;
      assertRequester(request, t.actor);
      if (request.state.kind !== 'draft') return this.views.current(request);
      const deleted = await findRestorableUser(this.deps, t.cred, request);
      if (!deleted) throw new AppError('USER_NOT_FOUND', 'no deleted user holds this user name');
      return this.views.confirmRestore(request, deleted);
    },
    confirmRestore: async (t) => {
      const { request, restored } = await restoreInsteadOfCreate(this.deps, t.cred, t.actor, this.requestId(t.data));
      return restored ? this.views.restored(request, restored) : this.views.current(request);
    },
  };

  private readonly gated = Object.fromEntries(
    (Object.keys(this.verbs) as FlowVerb[]).map((verb) => [
      verb,
      async (t: ActionTurn) => {
        await this.inScope(t);
        return this.verbs[verb](t);
      },
    ]),
  ) as Record<FlowVerb, (t: ActionTurn) => Promise<AdaptiveCardJson>>;

  /** Card data names a request: it must exist and be visible from where the click came, else REQUEST_NOT_FOUND. */
  private async inScope(t: ActionTurn): Promise<void> {
    const requestId = this.optionalRequestId(t.data);
    if (!requestId) return;
    const { value } = await loadRequest(this.deps, requestId);
    assertInScope(value, scopeOfActivity(t.ctx.activity), t.actor);
  }

  /** The first card of a new request, sent as a new message (from text, or after sign-in). */
  async customerPicker(cred: UserCredential, correlationId: string): Promise<AdaptiveCardJson> {
    const all = await this.customers(cred, correlationId);
    return this.views.pickCustomer(all.slice(0, this.deps.settings.customerChoiceLimit), all.length);
  }

  /** Type-ahead for the customer list (`application/search`, dataset `customers`). */
  async searchCustomers(cred: UserCredential, query: string, limit: number, correlationId: string): Promise<CustomerChoice[]> {
    return searchCustomers(await this.customers(cred, correlationId), query, limit);
  }

  private customers(cred: UserCredential, correlationId: string): Promise<CustomerChoice[]> {
    return this.customerCache.getOrLoad(cred.user.oid, () => listCustomers(this.deps, cred, correlationId));
  }

  private formContext(cred: UserCredential, customerId: string, correlationId: string): Promise<CustomerForForm> {
    if (!requestIdSchema.safeParse(customerId).success) throw new AppError('CUSTOMER_NOT_FOUND', 'no customer id on the form');
    return this.formCache.getOrLoad(`${cred.user.oid}:${customerId}`, () => loadCustomerForForm(this.deps, cred, customerId, correlationId));
  }

  private async formFor(t: ActionTurn, customerId: string): Promise<AdaptiveCardJson> {
    return this.views.form(this.formInput(await this.formContext(t.cred, customerId, t.correlationId)));
  }

  private formInput(form: CustomerForForm) {
    return { customer: form.customer, domains: form.domains, domainsUnavailable: Boolean(form.domainsUnavailable), offerApproval: this.approvalChannel.configured };
  }

  private async claimAndCreate(t: ActionTurn, kind: 'create' | 'retry'): Promise<AdaptiveCardJson> {
    const requestId = this.requestId(t.data);
    const activityId = t.ctx.activity.replyToId;
    const card = activityId ? { conversation: { ...TurnContext.getConversationReference(t.ctx.activity) }, activityId } : undefined;
    const outcome = await startCreate(this.deps, t.actor, requestId, kind, t.cred, card);
    if (!outcome.started) return this.views.current(outcome.request);
    const cred = t.cred;
    t.afterResponse(() =>
      this.background.run('create-user', { requestId }, async () => {
        await this.delivery.createAndShow(cred, requestId);
      }),
    );
    return this.views.creating(outcome.request);
  }

  private async isApproval(t: ActionTurn): Promise<boolean> {
    return (await loadRequest(this.deps, this.requestId(t.data))).value.mode === 'approval';
  }

  private requestId(data: Record<string, unknown>): string {
    const id = this.optionalRequestId(data);
    if (!id) throw new AppError('REQUEST_NOT_FOUND', 'the card carries no request id');
    return id;
  }

  private optionalRequestId(data: Record<string, unknown>): string | undefined {
    const raw = dataString(data, 'requestId');
    if (!raw) return undefined;
    if (!requestIdSchema.safeParse(raw).success) throw new AppError('REQUEST_NOT_FOUND', 'malformed request id on the card');
    return raw;
  }
}
