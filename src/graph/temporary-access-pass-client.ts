import { z } from 'zod/v4';
import { dateTimeWithOffset, integer } from '../core/zod3-compat';
import { AppError, type ErrorCode } from '../core/errors';
import type { CallOptions, IssuedTap, TapPolicy, TemporaryAccessPasses } from '../core/ports';
import type { UpstreamHttp, UpstreamResponse } from '../http/upstream-http';
import { graphError } from './errors';
import { graphErrorSchema } from './schemas';
import { createGraphTransport } from './transport';

/**
 * The TemporaryAccessPasses port on Microsoft Graph in a customer tenant ("Create temporaryAccessPassMethod", "Get
 * temporaryAccessPassAuthenticationMethodConfiguration"). The pass in a create answer is a secret: it is parsed
 * into the result and nowhere else (UpstreamHttp logs no bodies).
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const policySchema = z
  .object({
    state: z.enum(['enabled', 'disabled']),
    defaultLifetimeInMinutes: integer(z.number()),
    minimumLifetimeInMinutes: integer(z.number()),
    maximumLifetimeInMinutes: integer(z.number()),
    isUsableOnce: z.boolean(),
  })
  .transform(
    (p): TapPolicy => ({
      enabled: p.state === 'enabled',
      defaultLifetimeInMinutes: p.defaultLifetimeInMinutes,
      minimumLifetimeInMinutes: p.minimumLifetimeInMinutes,
      maximumLifetimeInMinutes: p.maximumLifetimeInMinutes,
      isUsableOnce: p.isUsableOnce,
    }),
  );

const issuedSchema = z
  .object({
    id: z.string().min(1),
    temporaryAccessPass: z.string().min(1),
    createdDateTime: dateTimeWithOffset(),
    // Graph may leave it null when no start was asked for: the pass is usable from its creation.
    startDateTime: dateTimeWithOffset().nullish(),
    lifetimeInMinutes: integer(z.number()).positive(),
    isUsableOnce: z.boolean(),
  })
  .transform((t): IssuedTap => {
    const validFrom = new Date(t.startDateTime ?? t.createdDateTime);
    return { methodId: t.id, pass: t.temporaryAccessPass, validFrom, expiresAt: new Date(validFrom.getTime() + t.lifetimeInMinutes * 60_000), lifetimeInMinutes: t.lifetimeInMinutes, isUsableOnce: t.isUsableOnce };
  });

/**
 * Graph's refusals of a create that the person can act on, recognised by their text (Graph answers them 400
 * `badRequest`; docs/sandbox-api.md names the sources). Anything else goes through the one Graph table.
 */
const CREATE_REFUSALS: ReadonlyArray<{ message: RegExp; code: ErrorCode }> = [
  { message: /UserCredentialPolicy does not allow|disabled by policy/i, code: 'TAP_POLICY_DISABLED' },
  { message: /Invalid LifetimeInMinutes/i, code: 'TAP_LIFETIME_OUT_OF_POLICY' },
  { message: /one-time use|isUsableOnce must be true/i, code: 'TAP_ONE_TIME_ONLY' },
];

function createFailure(res: UpstreamResponse, opts: CallOptions): AppError {
  const upstream = graphError(res, 'customer-user', opts.correlationId);
  let message = '';
  try {
    const parsed = graphErrorSchema.safeParse(JSON.parse(res.text));
    if (parsed.success) message = parsed.data.message;
  } catch {
    // Not JSON: the Graph table decides.
  }
  const refusal = res.status === 400 ? CREATE_REFUSALS.find((r) => r.message.test(message)) : undefined;
  // A 403 on this call is the engineer's GDAP role falling short, and for a pass the roles are not the creation's.
  const code = refusal?.code ?? (upstream.code === 'GDAP_ROLE_MISSING' ? 'TAP_ROLE_MISSING' : undefined);
  return code ? new AppError(code, upstream.message, upstream.details()) : upstream;
}

export function createTemporaryAccessPassClient(options: { baseUrl: string; http: UpstreamHttp }): TemporaryAccessPasses {
  const t = createGraphTransport(options);
  return {
    async readPolicy(token, opts) {
      const res = await t.send(token, 'GET', `${t.base}/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass`, { ...opts, requestId: undefined });
      return t.parse(res, policySchema, 'customer-tenant', opts);
    },

    async create(token, userId, tap, opts) {
      if (!GUID.test(userId)) throw new AppError('VALIDATION_FAILED', 'userId is not an object id', { correlationId: opts.correlationId, fields: [{ field: 'userId', message: 'must be an object id (GUID)' }] });
      const body: Record<string, unknown> = {};
      if (tap.lifetimeInMinutes !== undefined) body.lifetimeInMinutes = tap.lifetimeInMinutes;
      if (tap.isUsableOnce !== undefined) body.isUsableOnce = tap.isUsableOnce;
      if (tap.startDateTime !== undefined) body.startDateTime = tap.startDateTime.toISOString();
      const res = await t.send(token, 'POST', `${t.base}/v1.0/users/${userId}/authentication/temporaryAccessPassMethods`, opts, body);
      if (res.status < 200 || res.status >= 300) throw createFailure(res, opts);
      return t.parse(res, issuedSchema, 'customer-user', opts);
    },
  };
}
