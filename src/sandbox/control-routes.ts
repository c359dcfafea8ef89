import { zod3Issues, zod3Messages } from '../core/zod3-compat';
import { controlError } from './errors';
import { faultSchema } from './faults';
import { BAD_BODY, type Router } from './http';
import { issueSsoToken } from './identity-routes';
import type { SandboxState } from './state';
import type { TokenIssuer } from './tokens';

/** Test control under /_sandbox/ (the server refuses these unless `controlAllowed`). */
export function controlRoutes(router: Router, state: SandboxState, tokens: TokenIssuer, botAppId: string): void {
  router.add('GET', '/_sandbox/state', () => ({ status: 200, body: state.snapshot() }));
  router.add('POST', '/_sandbox/reset', () => {
    state.reset();
    return { status: 204 };
  });
  router.add('GET', '/_sandbox/faults', () => ({ status: 200, body: { faults: state.faults.list() } }));
  router.add('POST', '/_sandbox/faults', (req) => {
    if (req.body === BAD_BODY) return controlError(400, 'the body is not valid JSON');
    const specs: unknown[] = Array.isArray(req.body) ? req.body : [req.body];
    const parsed = specs.map((s) => faultSchema.safeParse(s, { error: zod3Messages }));
    const issues = parsed.flatMap((p, i) => (p.success ? [] : zod3Issues(p.error).map((x) => `[${i}] ${x.path.join('.') || '(fault)'}: ${x.message}`)));
    if (issues.length > 0) return controlError(400, 'invalid fault', { issues });
    for (const p of parsed) if (p.success) state.faults.add(p.data);
    return { status: 204 };
  });
  router.add('DELETE', '/_sandbox/faults', () => {
    state.faults.clear();
    return { status: 204 };
  });
  // Forgets the first answers kept per MS-RequestId, as a service whose idempotency memory has expired (or that
  // never had one for this call): a repeated call is then judged on the world as it is.
  router.add('DELETE', '/_sandbox/idempotency', () => {
    state.answered.clear();
    return { status: 204 };
  });
  router.add('POST', '/_sandbox/sso-token', (req) => (req.body === BAD_BODY ? controlError(400, 'the body is not valid JSON') : issueSsoToken(state, tokens, botAppId, req.body)));
}

/** Loopback addresses only: the test-control face must never be reachable from another machine. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(address);
}

const LOOPBACK_HOST = /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(?::\d{1,5})?$/i;

/**
 * Whether a request may use /_sandbox/: it must come from loopback AND name a loopback host, so that a web page
 * the developer happens to open cannot reach it through DNS rebinding (its Host header would be its own name).
 */
export function controlAllowed(remoteAddress: string | undefined, host: string | undefined): boolean {
  return isLoopback(remoteAddress) && LOOPBACK_HOST.test(host ?? '');
}
