import { Faults } from './faults';
import type { SandboxResponse } from './http';
import { loadSeed, type SeedData } from './seed';
import { SANDBOX_IDENTITY } from '../config';
import { buildWorld, type AppRegistration, type SandboxCustomer, type SandboxWorld } from './world';

/** One request the sandbox received, as GET /_sandbox/state shows it: never a token, a secret or a password. */
export interface LoggedRequest {
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The bearer token's claims (read, not verified: a refused token is logged too), or null. */
  auth: { oid?: string; upn?: string; tid?: string; aud?: unknown; scp?: string; idtyp?: string; amr?: string[] } | null;
  body?: unknown;
  /** 0 when a fault dropped the connection or left it hanging. */
  status: number;
}

/** Everything the sandbox holds: the seeded world, the request log, idempotency memory and injected faults. */
export class SandboxState {
  world!: SandboxWorld;
  readonly requests: LoggedRequest[] = [];
  readonly faults = new Faults();
  /**
   * First answers by MS-RequestId (with method and path). A promise, stored before the route acts, so that a
   * retry arriving while the first attempt is still running waits for it instead of acting a second time.
   */
  readonly answered = new Map<string, Promise<SandboxResponse>>();

  constructor(
    private readonly seed: SeedData = loadSeed(),
    private readonly app: { botAppId: string; appRegistration: AppRegistration } = { botAppId: SANDBOX_IDENTITY.botId, appRegistration: 'multi-tenant' },
  ) {
    this.reset();
  }

  reset(): void {
    this.world = buildWorld(this.seed, new Date(), this.app);
    this.requests.length = 0;
    this.answered.clear();
    this.faults.clear();
  }

  customer(id: string): SandboxCustomer | undefined {
    return this.world.customers.find((c) => c.id.toLowerCase() === id.toLowerCase());
  }

  partnerUser(oid: string | undefined) {
    return this.world.partnerUsers.find((u) => u.oid === oid);
  }

  partnerUserByUpn(upn: string) {
    return this.world.partnerUsers.find((u) => u.upn.toLowerCase() === upn.toLowerCase());
  }

  /** The state as GET /_sandbox/state shows it. Sandbox users carry no password field; the log is redacted. */
  snapshot(): object {
    const w = this.world;
    return {
      appRegistration: w.appRegistration,
      partnerTenant: w.partnerTenant,
      partnerUsers: w.partnerUsers.map((u) => ({ oid: u.oid, upn: u.upn, name: u.name, groups: u.groups, consented: u.consented, situation: u.situation })),
      groups: w.groups,
      customers: w.customers.map((c) => ({ id: c.id, companyName: c.companyName, situation: c.situation, relationshipToPartner: c.relationshipToPartner, domains: c.domains, relationships: c.relationships, skus: c.skus, groups: c.groups, appConsents: Object.fromEntries(c.appConsents), tapPolicy: c.tapPolicy, temporaryAccessPasses: Object.fromEntries(c.temporaryAccessPasses) })),
      users: Object.fromEntries(w.customers.map((c) => [c.id, c.users.map((u) => ({ ...u }))])),
      requests: this.requests,
    };
  }
}

const SECRET_KEYS = /^(password|client_secret|client_assertion|assertion|access_token|refresh_token|id_token|token)$/i;

/** A copy of a body with every secret replaced, for the request log. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEYS.test(k) ? '<redacted>' : redact(v)]));
  }
  return value;
}
