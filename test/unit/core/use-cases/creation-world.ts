import { randomBytes } from 'node:crypto';
import type { Actor } from '../../../../src/core/approval/request-state';
import type { DueItem, DueWork } from '../../../../src/core/approval/due-work';
import type { CardLocation, UserRequest } from '../../../../src/core/approval/user-request';
import type { UseCaseDeps } from '../../../../src/core/use-cases/deps';
import { AppError } from '../../../../src/core/errors';
import type { CreationPresenter, CustomerUser, NewCustomerUser, PasswordRecipient, PasswordShown, UserCredential } from '../../../../src/core/ports';
import { Preflight } from '../../../../src/core/preflight/run-preflight';
import { keepPassword } from '../../../../src/core/use-cases/password-lifetime';
import { EncryptedCredentialVault } from '../../../../src/storage/encrypted-credential-vault';
import { EncryptedPasswordVault, MemoryCiphertextStore } from '../../../../src/storage/encrypted-password-vault';
import { MemoryDueWorkStore } from '../../../../src/storage/memory-due-work-store';
import { MemoryRequestStore } from '../../../../src/storage/memory-request-store';
import { RecordingLogger } from '../../../support/recording-logger';

/**
 * The use cases over memory stores, real vaults, a clock the test moves, and fakes only at the boundary: a small
 * Partner Center / Graph world (idempotent per MS-RequestId, like the real one) and a presenter that records what
 * people would have seen. Nothing of our own code is replaced.
 */
export const CUSTOMER = '22222222-0000-4000-8000-000000000001';
const UA = 'fe930be7-5e62-47db-91af-98c3a49a38b1';

export const ben: Actor = { oid: 'oid-ben', name: 'Ben', teamsId: '29:ben' };
export const cleo: Actor = { oid: 'oid-cleo', name: 'Cleo', teamsId: '29:cleo' };
export const credOf = (a: Actor, mfa = true): UserCredential => ({ user: { oid: a.oid, tenantId: 'partner', upn: `${a.name.toLowerCase()}@contoso-partner.example`, mfa }, assertion: `sso-${a.oid}` });

export interface Upstream {
  /** Object ids of the partner-tenant groups each person is in (the GDAP role's group is `grp-admins`). */
  groups: Record<string, string[]>;
  users: CustomerUser[];
  /** Every createUser call, with its MS-RequestId. */
  creates: Array<{ requestId?: string; user: NewCustomerUser }>;
  /** MS-RequestId → the user that call created (Partner Center's idempotency memory). */
  byRequestId: Map<string, CustomerUser>;
  /** Thrown by the next createUser calls (an outage, a refusal). */
  createError?: AppError;
  /** Pre-flight look-ups made (one `relationships` per uncached run). */
  lookups: string[];
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

export class RecordingPresenter implements CreationPresenter {
  readonly events: Array<{ kind: string; requestId: string; state: string; to?: string; password?: string; vaultHadIt?: boolean; location?: CardLocation }> = [];
  /** Teams ids the chat service refuses to message privately. */
  readonly unreachable = new Set<string>();
  /** Methods that throw on their next call (a chat outage). */
  readonly failNext = new Set<keyof CreationPresenter>();
  private seq = 0;

  constructor(private readonly vault: { get(id: string): Promise<string | undefined> }) {}

  private fail(name: keyof CreationPresenter): void {
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

  /** Every password this presenter was given, with who it went to. */
  passwords(): Array<{ to?: string; password?: string }> {
    return this.events.filter((e) => e.password !== undefined).map((e) => ({ to: e.to, password: e.password }));
  }
}

export function creationWorld() {
  let now = new Date('2026-11-30T09:00:00Z');
  const clock = { now: () => now };
  const logger = new RecordingLogger();
  const up: Upstream = { groups: { [ben.oid]: ['grp-admins'], [cleo.oid]: ['grp-admins', 'grp-approvers'] }, users: [], creates: [], byRequestId: new Map(), lookups: [] };
  const ciphertexts = new MemoryCiphertextStore();
  const vault = new EncryptedPasswordVault(randomBytes(32), ciphertexts);
  const credentials = new EncryptedCredentialVault(randomBytes(32), ciphertexts);
  const requests = new MemoryRequestStore();
  const dueWork = new ListedDueWork();
  const tokenFor = (cred: UserCredential) => ({ token: `t:${cred.user.oid}`, expiresOn: new Date(now.getTime() + 3_600_000), mfa: cred.user.mfa });
  const unused = async (): Promise<never> => {
    throw new Error('not used here');
  };
  const partnerCenter: UseCaseDeps['partnerCenter'] = {
    getCustomer: async (_t, id) => ({ id, tenantId: id, companyName: 'Fabrikam, Inc.', defaultDomain: 'fabrikam.example', relationshipToPartner: 'reseller' }),
    listUsers: async (_t, _c, q) => ({ items: q.deleted ? [] : up.users }),
    getUser: async (_t, _c, id) => {
      const u = up.users.find((x) => x.id === id);
      if (!u) throw new AppError('USER_NOT_FOUND', 'no such user');
      return u;
    },
    createUser: async (_t, _c, user, opts) => {
      up.creates.push({ requestId: opts.requestId, user });
      if (up.createError) throw up.createError;
      const seen = opts.requestId ? up.byRequestId.get(opts.requestId) : undefined;
      if (seen) return seen;
      if (up.users.some((u) => u.userPrincipalName === user.userPrincipalName)) throw new AppError('UPN_TAKEN', 'taken', { httpStatus: 409 });
      const made: CustomerUser = { id: `user-${up.users.length + 1}`, userPrincipalName: user.userPrincipalName, displayName: user.displayName, firstName: user.firstName, lastName: user.lastName, usageLocation: user.usageLocation, state: 'active' };
      up.users.push(made);
      if (opts.requestId) up.byRequestId.set(opts.requestId, made);
      return made;
    },
    listCustomers: unused,
    deleteUser: unused,
    restoreUser: unused,
    listSubscribedSkus: unused,
    assignLicenses: unused,
    createApplicationConsent: unused,
    deleteApplicationConsent: unused,
  };
  const directory: UseCaseDeps['directory'] = {
    listRelationships: async () => {
      up.lookups.push('relationships');
      return [{ id: 'rel-1', displayName: 'Fabrikam helpdesk', status: 'active', endDateTime: '2027-11-30T00:00:00Z', customerTenantId: CUSTOMER, roleDefinitionIds: [UA] }];
    },
    listAccessAssignments: async () => [{ id: 'as-1', status: 'active', groupId: 'grp-admins', roleDefinitionIds: [UA] }],
    checkMemberGroups: async (token, ids) => ids.filter((id) => (up.groups[token.replace(/^t:/, '')] ?? []).includes(id)),
    listGroupUsers: async () => [],
    listDomains: async () => [{ id: 'fabrikam.example', authenticationType: 'Managed', isVerified: true, isDefault: true, isInitial: false }],
    findUserByUpn: async (_t, upn) => {
      const u = up.users.find((x) => x.userPrincipalName === upn);
      return u ? { id: u.id, userPrincipalName: u.userPrincipalName } : null;
    },
  };
  const tokens: UseCaseDeps['tokens'] = {
    partnerCenter: async (c) => tokenFor(c),
    partnerGraph: async (c) => tokenFor(c),
    partnerGraphApp: async () => ({ token: 'app', expiresOn: now, mfa: false }),
    customerGraph: async (c) => tokenFor(c),
  };
  const deps: UseCaseDeps = {
    partnerCenter,
    directory,
    tokens,
    requests,
    vault,
    credentials,
    dueWork,
    preflight: new Preflight({ partnerCenter, directory, tokens, clock, logger }, 60_000),
    connections: { append: unused, list: unused },
    clock,
    ids: { newId: () => `id-${Math.random()}` },
    logger,
    settings: {
      ticketRequired: false,
      defaultUsageLocation: 'US',
      passwordRevealMinutes: 10,
      passwordRetentionMs: 24 * 3_600_000,
      customerChoiceLimit: 50,
      creationLeaseMs: 60_000,
      app: { id: 'app', displayName: 'Bot' },
    },
  };
  const presenter = new RecordingPresenter(vault);
  let n = 0;

  /** A stored request with its password in the vault: a personal draft, or one waiting for approval in a channel. */
  async function request(mode: 'personal' | 'approval', userName = 'grace.hopper'): Promise<{ id: string; password: string }> {
    const id = `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
    const password = `Pw!${randomBytes(6).toString('hex')}`;
    const at = now.toISOString();
    const card = mode === 'personal' ? { conversation: { conversation: { id: 'a:1on1-ben', conversationType: 'personal' } }, activityId: `card-${n}` } : { conversation: { conversation: { id: '19:channel@thread.tacv2;messageid=1', conversationType: 'channel' } }, activityId: `card-${n}` };
    await requests.create({
      id,
      mode,
      createdAt: at,
      updatedAt: at,
      requester: ben,
      customer: { id: CUSTOMER, companyName: 'Fabrikam, Inc.' },
      user: { firstName: 'Grace', lastName: 'Hopper', displayName: 'Grace Hopper', userName, domain: 'fabrikam.example', userPrincipalName: `${userName}@fabrikam.example`, usageLocation: 'US', forceChangePassword: true, passwordGenerated: true },
      msRequestId: `ms-${id}`,
      correlationId: `corr-${id}`,
      state: mode === 'personal' ? { kind: 'draft' } : { kind: 'pending-approval', submittedAt: at },
      expiresAt: mode === 'approval' ? new Date(now.getTime() + 86_400_000).toISOString() : undefined,
      history: [],
      card,
    });
    await keepPassword(deps, id, password);
    return { id, password };
  }

  const stored = async (id: string) => (await requests.get(id))!.value;
  const due = () => [...dueWork.listed.values()];
  return { deps, up, presenter, logger, request, stored, due, vault, credentials, dueWork, advance: (ms: number) => (now = new Date(now.getTime() + ms)), clock };
}
