import { PC_TEXT, pcError, pcUnauthorized } from './errors';
import { GUID, header, type SandboxRequest, type SandboxResponse } from './http';
import type { SandboxState } from './state';
import { bearerOf, PARTNER_CENTER_APP_ID, PARTNER_CENTER_RESOURCE, TokenRejected, type SandboxClaims, type TokenIssuer } from './tokens';

/** A Partner Center route once the caller is known to be a signed-in partner engineer with MFA. */
export type PartnerCenterHandler = (req: SandboxRequest, params: Record<string, string>, caller: SandboxClaims & { oid: string }) => Promise<SandboxResponse> | SandboxResponse;

/**
 * What Partner Center checks before any route acts, in this order: an App+User token for Partner Center from
 * the partner tenant, MFA in `amr`, then the required headers. Writes are idempotent per MS-RequestId.
 */
export function partnerCenterGuard(state: SandboxState, tokens: TokenIssuer) {
  return (handler: PartnerCenterHandler, opts: { idempotent?: boolean } = {}) =>
    async (req: SandboxRequest, params: Record<string, string>): Promise<SandboxResponse> => {
      const partnerTenant = state.world.partnerTenant.id;
      let caller: SandboxClaims;
      try {
        caller = await tokens.verify(bearerOf(req.headers.authorization), [PARTNER_CENTER_RESOURCE, PARTNER_CENTER_APP_ID]);
      } catch (e) {
        if (e instanceof TokenRejected) return pcUnauthorized(partnerTenant, PC_TEXT.tokenInvalid);
        throw e;
      }
      if (caller.idtyp === 'app' || caller.scp === undefined) return pcUnauthorized(partnerTenant, PC_TEXT.appOnly);
      if (caller.tid !== partnerTenant || !caller.oid || !caller.scp.split(' ').includes('user_impersonation')) return pcUnauthorized(partnerTenant, PC_TEXT.tokenInvalid);
      if (!Array.isArray(caller.amr) || !caller.amr.includes('mfa')) return pcUnauthorized(partnerTenant, PC_TEXT.noMfa, '900419');
      const missing = missingHeader(req);
      if (missing) return pcError(400, '400', PC_TEXT.missingHeader(missing));
      const user = { ...caller, oid: caller.oid };
      if (!opts.idempotent) return handler(req, params, user);
      return once(state, req, () => handler(req, params, user));
    };
}

/** The first required header that is absent or malformed. */
function missingHeader(req: SandboxRequest): string | undefined {
  const accept = header(req, 'Accept') ?? '';
  if (!/application\/json|application\/\*|\*\/\*/i.test(accept)) return 'Accept';
  if (header(req, 'MS-Contract-Version')?.toLowerCase() !== 'v1') return 'MS-Contract-Version';
  for (const name of ['MS-RequestId', 'MS-CorrelationId']) if (!GUID.test(header(req, name) ?? '')) return name;
  return undefined;
}

/**
 * A repeated MS-RequestId (same method and path) gets the first answer, status and body, and the route does not
 * act again: a retry after a lost answer never creates a second user. Throttling and server errors are not
 * remembered, so a retry of those is a real second attempt.
 */
async function once(state: SandboxState, req: SandboxRequest, act: () => Promise<SandboxResponse> | SandboxResponse): Promise<SandboxResponse> {
  const key = `${req.method} ${req.path.toLowerCase().replace(/\/+$/, '')} ${header(req, 'MS-RequestId')!.toLowerCase()}`;
  const first = state.answered.get(key);
  if (first) return first;
  const answer = Promise.resolve().then(act);
  state.answered.set(key, answer);
  try {
    const result = await answer;
    if (result.status >= 500 || result.status === 429) state.answered.delete(key);
    return result;
  } catch (e) {
    state.answered.delete(key);
    throw e;
  }
}
