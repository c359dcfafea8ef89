import type { RequestedUser } from '../approval/user-request';
import { AppError, toAppError } from '../errors';
import type { AccessAssignment, Clock, Customer, CustomerDomain, CustomerUser, DelegatedAdminRelationship, Directory, DirectoryPerson, Logger, PartnerCenter, TokenProvider, UserCredential } from '../ports';
import { TtlCache } from '../ttl-cache';
import { checklist, evidenceOf, notMadeBecause, upstreamOf, type CheckResult, type Checklist } from './checks';
import { candidateGroups, judgeGdapRole } from './gdap-role';
import { checkInputRules } from './input-rules';
import { oneRunDirectory } from './one-run-reads';
import { notConnected, whyNotConnected } from './upn-check-results';
import { checkUpnFree } from './upn-free-check';
import { checkOnboarding } from '../onboarding/onboarding-checks';
import type { OnboardingDeps } from '../onboarding/onboarding-deps';
import type { OnboardingPlan } from '../onboarding/plan';
import type { FirstCredential } from './first-credential';
import { assignedGroups, checkTemporaryAccessPass, heldRoleIds, type TapCheckDeps } from './tap-evidence';

export interface PreflightDeps {
  partnerCenter: PartnerCenter;
  directory: Directory;
  tokens: TokenProvider;
  clock: Clock;
  logger: Logger;
  /** The onboarding ports (licences, the customer's directory): their steps' checks join the checklist. */
  onboarding?: OnboardingDeps;
  /** The Temporary Access Pass check (issue 19); absent: a request asking for a pass is blocked as not checkable. */
  tap?: TapCheckDeps;
}

export interface PreflightInput {
  cred: UserCredential;
  customerId: string;
  user: RequestedUser;
  /** The stored password, when the rules should be re-checked on it too. */
  password?: string;
  /**
   * Cached look-ups make the confirmation card fast; the final check right before the Partner Center call passes
   * false, so a role revoked a minute ago is never let through.
   */
  useCache: boolean;
  correlationId: string;
  /** The customer, when the caller is reading it anyway: the check uses that read instead of a second one. */
  customer?: Promise<Customer>;
  /** The onboarding the request asks for (licences, groups, manager, profile): each step is checked too, uncached. */
  onboarding?: OnboardingPlan;
  /** A Temporary Access Pass as the first credential adds the `first-credential` check (default: the user's). */
  firstCredential?: FirstCredential;
  /** When the pass should become valid (the request's start date). */
  startAt?: Date;
}

export interface PreflightResult {
  checklist: Checklist;
  customer?: Customer;
}

/**
 * Runs every pre-flight check for one request concurrently and returns the checklist. A check that cannot be
 * completed (an upstream error) is itself reported as blocked with that error's code: a creation never goes ahead
 * on a check nobody could make.
 */
export class Preflight {
  private readonly relationships: TtlCache<DelegatedAdminRelationship[]>;
  private readonly assignments: TtlCache<AccessAssignment[]>;
  private readonly membership: TtlCache<string[]>;
  private readonly domains: TtlCache<CustomerDomain[]>;
  private readonly approvers: TtlCache<DirectoryPerson[]>;
  private readonly customers: TtlCache<Customer>;
  private readonly deletedUsers: TtlCache<ReadonlyMap<string, CustomerUser>>;

  constructor(
    private readonly deps: PreflightDeps,
    cacheTtlMs: number,
    /** This instance runs one uncached run with its GDAP reads shared between its checks (one-run-reads.ts). */
    private readonly oneRun = false,
  ) {
    this.relationships = new TtlCache(deps.clock, cacheTtlMs);
    this.assignments = new TtlCache(deps.clock, cacheTtlMs);
    this.membership = new TtlCache(deps.clock, cacheTtlMs);
    this.domains = new TtlCache(deps.clock, cacheTtlMs);
    this.approvers = new TtlCache(deps.clock, cacheTtlMs, 200);
    this.customers = new TtlCache(deps.clock, cacheTtlMs);
    // Per engineer and customer, each a list that can run to hundreds of users: fewer entries than the others.
    this.deletedUsers = new TtlCache(deps.clock, cacheTtlMs, 200);
  }

  /**
   * The customer as this engineer's Partner Center token shows it. `fresh` reads it now and remembers it (opening
   * the form); otherwise a read of the last minutes is reused (the confirmation right after: issue 16, one upstream
   * call fewer a review). Only what Partner Center answered is kept, per engineer (another person's access is
   * never assumed), and the final check before a creation reads it again, uncached, in its own run.
   */
  async customerFor(cred: UserCredential, customerId: string, opts: { fresh: boolean; correlationId: string }): Promise<Customer> {
    const key = `${cred.user.oid}:${customerId.toLowerCase()}`;
    const load = async () => this.deps.partnerCenter.getCustomer((await this.deps.tokens.partnerCenter(cred)).token, customerId, { correlationId: opts.correlationId });
    if (!opts.fresh) return this.customers.getOrLoad(key, load);
    const customer = await load();
    this.customers.set(key, customer);
    return customer;
  }

  /**
   * Everyone who could approve a request for this customer, found in full in the partner tenant (as the app):
   * the transitive members of `approverGroupId` when set (approval.ts requires it), otherwise of every group an
   * active access assignment of a usable relationship gives User Administrator or Directory Writers. A hint of who
   * to notify, never a permission: approving still re-checks the approver's own token.
   */
  async approversOf(customerId: string, approverGroupId: string | undefined, opts: { correlationId: string }): Promise<DirectoryPerson[]> {
    const appToken = async () => (await this.deps.tokens.partnerGraphApp()).token;
    return this.approvers.getOrLoad(`${customerId}:${approverGroupId ?? ''}`, async () => {
      let groups: string[];
      if (approverGroupId) {
        groups = [approverGroupId];
      } else {
        const relationships = await this.relationships.getOrLoad(customerId, async () => this.deps.directory.listRelationships(await appToken(), customerId, opts));
        const usable = relationships.filter((r) => r.status === 'active' || r.status === 'expiring');
        const assignments = new Map<string, AccessAssignment[]>();
        await Promise.all(usable.map(async (r) => assignments.set(r.id, await this.assignments.getOrLoad(r.id, async () => this.deps.directory.listAccessAssignments(await appToken(), r.id, opts)))));
        groups = candidateGroups(relationships, assignments);
      }
      const lists = await Promise.all(groups.map(async (g) => this.deps.directory.listGroupUsers(await appToken(), g, opts)));
      const seen = new Set<string>();
      return lists.flat().filter((p) => !seen.has(p.id.toLowerCase()) && seen.add(p.id.toLowerCase()));
    });
  }

  async run(input: PreflightInput): Promise<PreflightResult> {
    // Uncached (the final check): every read fresh from Graph, each GDAP read once for all checks of this run.
    if (!input.useCache && !this.oneRun) return new Preflight({ ...this.deps, directory: oneRunDirectory(this.deps.directory) }, 0, true).run(input);
    // When the caller shares no customer read, one is made now, never taken from the cache.
    const customerP = input.customer ?? this.customerFor(input.cred, input.customerId, { fresh: true, correlationId: input.correlationId });
    // Concurrently with the others: the pass's check has its own upstream calls (customer-tenant token, policy).
    const first = input.firstCredential ?? input.user.firstCredential;
    const tapP = first?.kind === 'tap' ? this.guard('first-credential', () => this.tapCheck({ ...input, firstCredential: first })) : undefined;
    const onboardingP = checkOnboarding(this.deps, { cred: input.cred, customerId: input.customerId, user: input.user, plan: input.onboarding, correlationId: input.correlationId });
    const [customer, gdap, domain, upn, mfa, onboarding] = await Promise.all([
      customerP.then(
        (c) => c,
        (e: unknown) => toAppError(e),
      ),
      this.guard('gdap-role', () => this.gdap(input)),
      this.guard('domain', () => this.domain(input)),
      this.guard('upn-free', () => checkUpnFree({ ...this.deps, deletedUsers: input.useCache ? this.deletedUsers : undefined }, input)),
      this.guard('mfa', () => this.mfa(input)),
      onboardingP,
    ]);
    const tap = await tapP;
    const customerCheck: CheckResult =
      customer instanceof AppError
        ? { id: 'customer', status: 'blocked', code: customer.code, text: 'The customer could not be confirmed in Partner Center.', evidence: customer.upstreamCode ? `Partner Center ${customer.upstreamCode}` : undefined, ...upstreamOf(customer) }
        : { id: 'customer', status: 'ok', text: `${customer.companyName}`, evidence: `tenant ${customer.tenantId} · default domain ${customer.defaultDomain}` };
    const rules = checkInputRules(input.user, input.password);
    const checks = [customerCheck, gdap, domain, upn, mfa, rules, ...(tap ? [tap] : []), ...onboarding];
    const result = checklist(checks);
    this.deps.logger.info({ correlationId: input.correlationId, customerId: input.customerId, cached: input.useCache, checks: checks.map((c) => `${c.id}:${c.status}`).join(' ') }, 'pre-flight checks');
    return { checklist: result, customer: customer instanceof AppError ? undefined : customer };
  }

  /**
   * The GDAP role check alone, for views (who sees Approve on a card): cached look-ups when `useCache`, so any
   * number of automatic card refreshes cost no more upstream calls than filling the caches once.
   */
  async gdapRole(input: Pick<PreflightInput, 'cred' | 'customerId' | 'useCache' | 'correlationId'>): Promise<CheckResult> {
    return this.guard('gdap-role', () => this.gdap(input as PreflightInput));
  }

  /** The subset of `groupIds` the person is a member of, through the same membership cache. */
  async memberOf(cred: UserCredential, groupIds: string[], opts: { useCache: boolean; correlationId: string }): Promise<string[]> {
    const token = (await this.deps.tokens.partnerGraph(cred)).token;
    const key = `${cred.user.oid}:${[...groupIds].sort().join(',')}`;
    return this.cached(this.membership, opts.useCache, key, () => this.deps.directory.checkMemberGroups(token, groupIds, { correlationId: opts.correlationId }));
  }

  private cached<V>(cache: TtlCache<V>, useCache: boolean, key: string, load: () => Promise<V>): Promise<V> {
    return useCache ? cache.getOrLoad(key, load) : load();
  }

  /**
   * Relationships and access assignments are read with the app's own token: Graph shows them to a delegated
   * caller only when that person is an Admin agent (an empty list otherwise, by design), and a least-privilege
   * engineer is not. Membership stays the engineer's own question, asked with the engineer's token.
   */
  private async gdap(input: PreflightInput): Promise<CheckResult> {
    const opts = { correlationId: input.correlationId };
    const me = input.cred.user.oid;
    const appToken = async () => (await this.deps.tokens.partnerGraphApp()).token;
    const relationships = await this.cached(this.relationships, input.useCache, input.customerId, async () => this.deps.directory.listRelationships(await appToken(), input.customerId, opts));
    const usable = relationships.filter((r) => r.status === 'active' || r.status === 'expiring');
    const assignments = new Map<string, AccessAssignment[]>();
    await Promise.all(
      usable.map(async (r) => assignments.set(r.id, await this.cached(this.assignments, input.useCache, r.id, async () => this.deps.directory.listAccessAssignments(await appToken(), r.id, opts)))),
    );
    const groups = candidateGroups(relationships, assignments);
    const memberOf = groups.length
      ? await this.cached(this.membership, input.useCache, `${me}:${[...groups].sort().join(',')}`, async () =>
          this.deps.directory.checkMemberGroups((await this.deps.tokens.partnerGraph(input.cred)).token, groups, opts),
        )
      : [];
    return judgeGdapRole({ relationships, assignments, memberOf: new Set(memberOf) }, this.deps.clock.now());
  }

  /** The Temporary Access Pass check: every role the person holds here, then the pass's own evidence. */
  private async tapCheck(input: PreflightInput): Promise<CheckResult> {
    const request = input.firstCredential;
    if (request?.kind !== 'tap') throw new AppError('INTERNAL', 'tapCheck without a pass requested');
    if (!this.deps.tap) throw new AppError('INTERNAL', 'the Temporary Access Pass check is not wired');
    const opts = { correlationId: input.correlationId };
    const appToken = async () => (await this.deps.tokens.partnerGraphApp()).token;
    const relationships = await this.cached(this.relationships, input.useCache, input.customerId, async () => this.deps.directory.listRelationships(await appToken(), input.customerId, opts));
    const assignments = new Map<string, AccessAssignment[]>();
    await Promise.all(
      relationships
        .filter((r) => r.status === 'active' || r.status === 'expiring')
        .map(async (r) => assignments.set(r.id, await this.cached(this.assignments, input.useCache, r.id, async () => this.deps.directory.listAccessAssignments(await appToken(), r.id, opts)))),
    );
    const groups = assignedGroups(relationships, assignments);
    const memberOf = groups.length
      ? await this.cached(this.membership, input.useCache, `${input.cred.user.oid}:${[...groups].sort().join(',')}`, async () =>
          this.deps.directory.checkMemberGroups((await this.deps.tokens.partnerGraph(input.cred)).token, groups, opts),
        )
      : [];
    const held = heldRoleIds(relationships, assignments, new Set(memberOf));
    return checkTemporaryAccessPass(this.deps.tap, { cred: input.cred, customerId: input.customerId, heldRoleIds: held, request, startAt: input.startAt, correlationId: input.correlationId });
  }

  private async domain(input: PreflightInput): Promise<CheckResult> {
    let domains: CustomerDomain[];
    try {
      domains = await this.cached(this.domains, input.useCache, input.customerId, async () =>
        this.deps.directory.listDomains((await this.deps.tokens.customerGraph(input.cred, input.customerId)).token, { correlationId: input.correlationId }),
      );
    } catch (e) {
      const error = notConnected(e);
      if (!error) throw e;
      return {
        id: 'domain',
        status: 'not-checked',
        code: error.code,
        connectable: true,
        text: `Not checked: ${whyNotConnected(error)}, so its domains cannot be read.`,
        todo: 'Partner Center still refuses a federated or unverified domain when it creates the user; the card then says so and you can edit and retry.',
        evidence: evidenceOf(error),
      };
    }
    const name = input.user.domain.toLowerCase();
    const found = domains.find((d) => d.id.toLowerCase() === name);
    if (!found || !found.isVerified) {
      return { id: 'domain', status: 'blocked', code: 'DOMAIN_NOT_VERIFIED', text: `${input.user.domain} is not a verified domain of this customer.`, evidence: `verified: ${domains.filter((d) => d.isVerified).map((d) => d.id).join(', ')}`, todo: 'Choose one of the verified domains.' };
    }
    if (found.authenticationType.toLowerCase() === 'federated') {
      return { id: 'domain', status: 'blocked', code: 'DOMAIN_FEDERATED', text: `${found.id} is federated: its users are created in the customer's own identity system, not through Partner Center.`, evidence: 'authentication: Federated', todo: 'Choose a managed domain, such as the .onmicrosoft.com domain.' };
    }
    return { id: 'domain', status: 'ok', text: `${found.id} is verified and managed.`, evidence: [found.isDefault && 'default', found.isInitial && 'initial'].filter(Boolean).join(', ') || undefined };
  }

  /** Judged from the Partner Center token, the one Partner Center checks itself: the v2 SSO token has no `amr`. */
  private async mfa(input: PreflightInput): Promise<CheckResult> {
    const token = await this.deps.tokens.partnerCenter(input.cred);
    if (token.mfa) return { id: 'mfa', status: 'ok', text: 'Your sign-in used multi-factor authentication.' };
    return { id: 'mfa', status: 'blocked', code: 'MFA_REQUIRED', text: 'Your sign-in did not use multi-factor authentication, which Partner Center requires.', todo: 'Sign out of Teams and sign in again with MFA.' };
  }

  /** A check that could not be made is blocked, with the reason, never silently passed (not-connected aside). */
  private async guard(id: CheckResult['id'], run: () => Promise<CheckResult>): Promise<CheckResult> {
    try {
      return await run();
    } catch (e) {
      const error = toAppError(e);
      const text = ['GDAP_ROLE_MISSING', 'NO_RELATIONSHIP', 'RELATIONSHIP_EXPIRED', 'ACCESS_DENIED'].includes(error.code)
        ? "Not checked: reading the customer's tenant needs an active GDAP role first."
        : 'This could not be checked right now.';
      return notMadeBecause(id, error, text);
    }
  }
}
