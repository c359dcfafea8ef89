import { randomBytes } from 'node:crypto';
import type { Actor } from '../../../../src/core/approval/request-state';
import type { DueItem, DueWork } from '../../../../src/core/approval/due-work';
import type { CardLocation, UserRequest } from '../../../../src/core/approval/user-request';
import type { UseCaseDeps, UseCaseSettings } from '../../../../src/core/use-cases/deps';
import { AppError } from '../../../../src/core/errors';
import type { ReadyPresenter } from '../../../../src/core/approval/ready-presenter';
import type { CreationPresenter, PasswordRecipient, PasswordShown } from '../../../../src/core/creation/presenter';
import type { CustomerUser, NewCustomerUser, UserCredential } from '../../../../src/core/ports';
import { keepPassword } from '../../../../src/core/use-cases/password-lifetime';
import { MemoryDueWorkStore } from '../../../../src/storage/memory-due-work-store';
import { FABRIKAM, useCaseWorld } from '../../../support/use-case-world';

/**
 * The creation use cases over the shared use-case world (memory stores, real vaults, a moved clock, fakes only
 * for Microsoft's services), with Partner Center's create added (idempotent per MS-RequestId, like the real one)
 * and a presenter that records what people would have seen. Nothing of our own code is replaced.
 */

export const ben: Actor = { oid: 'oid-ben', name: 'Ben', teamsId: '29:ben' };
export const cleo: Actor = { oid: 'oid-cleo', name: 'Cleo', teamsId: '29:cleo' };
export const credOf = (a: Actor): UserCredential => ({ user: { oid: a.oid, tenantId: 'partner-tenant', upn: `${a.name.toLowerCase()}@contoso-partner.example`, mfa: true }, assertion: `sso-${a.oid}` });

export interface Upstream {
  /** Every createUser call, with its MS-RequestId. */
  creates: Array<{ requestId?: string; user: NewCustomerUser }>;
  /** MS-RequestId → the user that call created (Partner Center's idempotency memory). */
  byRequestId: Map<string, CustomerUser>;
  /** Thrown by the next createUser calls (an outage, a refusal). */
  createError?: AppError;
}

/** The memory queue, with what is scheduled readable (the real store has no listing). */
class ListedDueWork extends MemoryDueWorkStore {
  readonly listed = new Map<string, DueWork>();
  private readonly owners = new Map<string, string>();
  override async schedule(item: DueWork): Promise<void> {
    this.listed.set(item.key, item);
    this.owners.delete(item.key);
    await super.schedule(item);
  }
  override async claimDue(now: Date, owner: string, leaseMs: number, limit: number): Promise<DueItem[]> {
    const items = await super.claimDue(now, owner, leaseMs, limit);
    for (const i of items) this.owners.set(i.key, owner);
    return items;
  }
  override async complete(key: string, owner?: string): Promise<void> {
    if (owner === undefined || this.owners.get(key) === owner) this.listed.delete(key);
    await super.complete(key, owner);
  }
  override async cancel(key: string): Promise<void> {
    this.listed.delete(key);
    await super.cancel(key);
  }
}

export class RecordingPresenter implements CreationPresenter, ReadyPresenter {
  readonly events: Array<{ kind: string; requestId: string; state: string; to?: string; password?: string; vaultHadIt?: boolean; location?: CardLocation }> = [];
  /** Teams ids the chat service refuses to message privately. */
  readonly unreachable = new Set<string>();
  /** Methods that throw on their next call (a chat outage). */
  readonly failNext = new Set<keyof CreationPresenter | keyof ReadyPresenter>();
  private seq = 0;

  constructor(private readonly vault: { get(id: string): Promise<string | undefined> }) {}

  private fail(name: keyof CreationPresenter | keyof ReadyPresenter): void {
    if (this.failNext.delete(name)) throw new Error(`chat service down (${name})`);
  }

  async showOutcome(request: UserRequest): Promise<void> {
    this.fail('showOutcome');
    this.events.push({ kind: 'outcome', requestId: request.id, state: request.state.kind });
  }
  async showPasswordOnCard(request: UserRequest, password: string): Promise<boolean> {
    this.fail('showPasswordOnCard');
    if (!request.card) return false;
    this.events.push({ kind: 'password-on-card', requestId: request.id, state: request.state.kind, to: request.requester.teamsId, password, vaultHadIt: (await this.vault.get(request.id)) === password });
    return true;
  }
  async showPasswordTo(request: UserRequest, person: PasswordRecipient, password: string): Promise<PasswordShown> {
    this.fail('showPasswordTo');
    if (this.unreachable.has(person.teamsId)) return { shown: false, unreachable: true };
    const location = { conversation: { conversation: { id: `a:1on1-${person.teamsId}` } }, activityId: `msg-${++this.seq}` };
    this.events.push({ kind: 'password-to', requestId: request.id, state: request.state.kind, to: person.teamsId, password, vaultHadIt: (await this.vault.get(request.id)) === password, location });
    return { shown: true, location };
  }
  async askToOpenChat(request: UserRequest, person: PasswordRecipient): Promise<void> {
    this.fail('askToOpenChat');
    this.events.push({ kind: 'ask-to-open-chat', requestId: request.id, state: request.state.kind, to: person.teamsId });
  }
  async hidePassword(request: UserRequest, location: CardLocation): Promise<void> {
    this.fail('hidePassword');
    this.events.push({ kind: 'hide', requestId: request.id, state: request.state.kind, location });
  }

  async sendReady(request: UserRequest): Promise<CardLocation | undefined> {
    this.fail('sendReady');
    const location = { conversation: { conversation: { id: request.mode === 'personal' ? `a:1on1-${request.requester.teamsId}` : 'channel' } }, activityId: `msg-${++this.seq}` };
    this.events.push({ kind: 'ready', requestId: request.id, state: request.state.kind, to: request.mode === 'personal' ? request.requester.teamsId : 'channel', location });
    return location;
  }
  async retireCard(request: UserRequest, location: CardLocation): Promise<void> {
    this.fail('retireCard');
    this.events.push({ kind: 'retire', requestId: request.id, state: request.state.kind, location });
  }
  async sendReminder(request: UserRequest): Promise<void> {
    this.fail('sendReminder');
    this.events.push({ kind: 'reminder', requestId: request.id, state: request.state.kind });
  }

  /** Every password this presenter was given, with who it went to. */
  passwords(): Array<{ to?: string; password?: string }> {
    return this.events.filter((e) => e.password !== undefined).map((e) => ({ to: e.to, password: e.password }));
  }
}

export function creationWorld(opts: { settings?: Partial<UseCaseSettings> } = {}) {
  const base = useCaseWorld({ settings: opts.settings });
  const { world, clock } = base;
  // Ben raises requests, Cleo approves them: both hold the User Administrator role through its group.
  world.groupsOf['oid-ben'] = ['grp-user-admins'];
  world.groupsOf['oid-cleo'] = ['grp-user-admins', 'grp-approvers'];
  const up: Upstream = { creates: [], byRequestId: new Map() };
  const dueWork = new ListedDueWork();
  const partnerCenter: UseCaseDeps['partnerCenter'] = {
    ...base.deps.partnerCenter,
    // Partner Center's create: idempotent per MS-RequestId (the same id answers with the first result).
    createUser: async (_token, customerId, user, opts) => {
      up.creates.push({ requestId: opts.requestId, user });
      if (up.createError) throw up.createError;
      const seen = opts.requestId ? up.byRequestId.get(opts.requestId) : undefined;
      if (seen) return seen;
      const users = (world.users[customerId] ??= []);
      if (users.some((u) => u.state === 'active' && u.userPrincipalName === user.userPrincipalName)) throw new AppError('UPN_TAKEN', 'taken', { httpStatus: 409 });
      const made: CustomerUser = { id: `user-${up.creates.length}`, userPrincipalName: user.userPrincipalName, displayName: user.displayName, firstName: user.firstName, lastName: user.lastName, usageLocation: user.usageLocation, state: 'active' };
      users.push(made);
      if (opts.requestId) up.byRequestId.set(opts.requestId, made);
      return made;
    },
  };
  const deps: UseCaseDeps = { ...base.deps, partnerCenter, dueWork };
  const { vault, credentials, requests } = deps;
  const presenter = new RecordingPresenter(vault);
  let n = 0;

  /** A stored request with its password in the vault: a personal draft, or one waiting for approval in a channel. */
  async function request(mode: 'personal' | 'approval', userName = 'grace.hopper'): Promise<{ id: string; password: string }> {
    const id = `10000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
    const password = `Pw!${randomBytes(6).toString('hex')}`;
    const at = clock.now().toISOString();
    const card =
      mode === 'personal'
        ? { conversation: { conversation: { id: 'a:1on1-ben', conversationType: 'personal' } }, activityId: `card-${n}` }
        : { conversation: { conversation: { id: '19:channel@thread.tacv2;messageid=1', conversationType: 'channel' } }, activityId: `card-${n}` };
    await requests.create({
      id,
      mode,
      createdAt: at,
      updatedAt: at,
      requester: ben,
      customer: { id: FABRIKAM, companyName: 'Fabrikam, Inc.' },
      user: { firstName: 'Grace', lastName: 'Hopper', displayName: 'Grace Hopper', userName, domain: 'fabrikam.example', userPrincipalName: `${userName}@fabrikam.example`, usageLocation: 'US', forceChangePassword: true, passwordGenerated: true },
      msRequestId: `ms-${id}`,
      correlationId: `corr-${id}`,
      state: mode === 'personal' ? { kind: 'draft' } : { kind: 'pending-approval', submittedAt: at, expiresAt: new Date(clock.now().getTime() + 86_400_000).toISOString() },
      history: [],
      card,
    });
    await keepPassword(deps, id, password);
    return { id, password };
  }

  const stored = async (id: string) => (await requests.get(id))!.value;
  const due = () => [...dueWork.listed.values()];
  /** Uncached pre-flight runs so far (each reads the customer's GDAP relationships once). */
  const preflights = () => base.callsTo('listRelationships').length;
  return { deps, world, up, presenter, logger: base.logger, request, stored, due, preflights, vault, credentials, dueWork, advance: (ms: number) => clock.advance(ms), clock };
}
