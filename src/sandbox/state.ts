import { buildWorld, loadSeed, type SandboxCustomer, type SandboxWorld, type SeedData } from './seed';
import { Faults } from './faults';
import type { SandboxResponse } from './http';

/** One request the sandbox received, as GET /_sandbox/state shows it: never a token or a password. */
export interface LoggedRequest {
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  auth: { oid?: string; upn?: string; tid?: string; aud?: unknown; scp?: string; idtyp?: string; amr?: string[] } | null;
  body?: unknown;
  status: number;
}

/** Everything the sandbox holds: the seeded world, the request log, idempotency memory and injected faults. */
export class SandboxState {
  world!: SandboxWorld;
  readonly requests: LoggedRequest[] = [];
  readonly faults = new Faults();
  /** First answers by MS-RequestId (per method and path), so a repeated write never acts twice. */
  readonly answered = new Map<string, SandboxResponse>();

  constructor(private readonly seed: SeedData = loadSeed()) {
    this.reset();
  }

  reset(): void {
    this.world = buildWorld(this.seed, new Date());
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
}

const SECRET_KEYS = /^(password|client_secret|assertion|access_token|refresh_token|id_token|token)$/i;

/** A copy of a body with every secret replaced, for the request log. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEYS.test(k) ? '<redacted>' : redact(v)]));
  }
  return value;
}
