import { z } from 'zod/v4';
import { AppError } from '../core/errors';
import { integer, zod3Issues, zod3Messages } from '../core/zod3-compat';
import type { PartnerUser } from '../core/ports';
import { decodeJwtClaims } from './jwt-claims';

/**
 * The claims of the Teams SSO token the bot needs: who the person is and when the token lapses. Only called on a
 * token sso-verifier.ts has verified (signature, issuer, audience, expiry, tenant). MFA is not read here: Entra
 * puts `amr` only in v1.0 tokens and the SSO token is v2; it is judged from the Partner Center token instead.
 */

const claimsSchema = z
  .object({
    oid: z.string().min(1),
    tid: z.string().min(1),
    upn: z.string().min(1).optional(),
    preferred_username: z.string().min(1).optional(),
    name: z.string().optional(),
    exp: integer(z.number()).positive(),
    aud: z.union([z.string().min(1), z.array(z.string().min(1)).nonempty()]),
  })
  .refine((c) => c.upn ?? c.preferred_username, { message: 'neither upn nor preferred_username', path: ['upn'] });

export type SsoClaims = Omit<PartnerUser, 'mfa'> & { exp: Date; aud: string };

/** Throws TOKEN_EXCHANGE_FAILED when the assertion is not a JWT carrying these claims. Never logs the assertion. */
export function readSsoClaims(assertion: string): SsoClaims {
  const raw = decodeJwtClaims(assertion);
  if (!raw) throw new AppError('TOKEN_EXCHANGE_FAILED', 'the SSO token is not a JWT');
  const parsed = claimsSchema.safeParse(raw, { error: zod3Messages });
  if (!parsed.success) {
    throw new AppError('TOKEN_EXCHANGE_FAILED', `the SSO token lacks claims: ${zod3Issues(parsed.error).map((i) => i.path.join('.') || i.message).join(', ')}`);
  }
  const c = parsed.data;
  return {
    oid: c.oid,
    tenantId: c.tid,
    upn: (c.upn ?? c.preferred_username)!,
    displayName: c.name,
    exp: new Date(c.exp * 1000),
    aud: Array.isArray(c.aud) ? c.aud[0] : c.aud,
  };
}
