import { faultSchema } from './faults';
import type { Router } from './http';
import { issueSsoToken } from './identity-routes';
import type { SandboxState } from './state';
import type { TokenIssuer } from './tokens';

/** Test control under /_sandbox/ (the server refuses these unless the caller is on loopback). */
export function controlRoutes(router: Router, state: SandboxState, tokens: TokenIssuer, botAppId: string): void {
  router.add('GET', '/_sandbox/state', () => ({
    status: 200,
    body: {
      partnerTenant: state.world.partnerTenant,
      partnerUsers: state.world.partnerUsers.map((u) => ({ oid: u.oid, upn: u.upn, name: u.name, situation: u.situation })),
      customers: state.world.customers.map((c) => ({ id: c.id, companyName: c.companyName, situation: c.situation, domains: c.domains, relationships: c.relationships })),
      users: Object.fromEntries(state.world.customers.map((c) => [c.id, c.users.map((u) => ({ ...u }))])),
      requests: state.requests,
    },
  }));
  router.add('POST', '/_sandbox/reset', () => {
    state.reset();
    return { status: 204 };
  });
  router.add('POST', '/_sandbox/faults', (req) => {
    const specs = Array.isArray(req.body) ? req.body : [req.body];
    const parsed = specs.map((s) => faultSchema.safeParse(s));
    const bad = parsed.find((p) => !p.success);
    if (bad && !bad.success) return { status: 400, body: { error: 'invalid fault', issues: bad.error.issues } };
    for (const p of parsed) if (p.success) state.faults.add(p.data);
    return { status: 204 };
  });
  router.add('DELETE', '/_sandbox/faults', () => {
    state.faults.clear();
    return { status: 204 };
  });
  router.add('POST', '/_sandbox/sso-token', (req) => issueSsoToken(state, tokens, botAppId, req.body));
}

/** Loopback addresses only: the test-control face must never be reachable from another machine. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
