import type { TurnContext } from 'botbuilder';
import { z } from 'zod/v4';
import { AppError } from '../core/errors';
import type { Logger, UserCredential } from '../core/ports';
import { urlText } from '../core/zod3-compat';
import { SIGN_IN_DEADLINE_MS, timeBoxed } from './time-box';

/**
 * The Bot Framework token service (`OAuthUrl`, `BOT_OAUTH_URL`), reached through botbuilder's UserTokenClient that
 * the adapter puts in the turn state once the inbound activity is authenticated. Only used with a bot id: in the
 * sandbox there is no token service, and nothing may reach Microsoft.
 *
 * - The sign-in link and token-exchange resource of the OAuth card come from `GetSignInResource`, so the card's
 *   button opens the real sign-in page for the Azure Bot OAuth connection (issue 12 point 15).
 * - The magic code Teams sends after that page (`signin/verifyState`, or `value.state` on a repeated
 *   Action.Execute) is redeemed with `GetToken` (issue 17 point 1).
 */

/** The parts of a `SignInUrlResponse` the card uses, parsed: the service's answer is untrusted like any other. */
const signInResourceSchema = z.object({
  signInLink: urlText().max(4_096).refine((u) => /^https?:\/\//i.test(u), 'http(s) link'),
  tokenExchangeResource: z
    .object({ id: z.string().max(200).optional(), uri: z.string().max(500).optional(), providerId: z.string().max(200).optional() })
    .optional(),
});
export type SignInResource = z.infer<typeof signInResourceSchema>;

interface UserTokenClientLike {
  getSignInResource(connectionName: string, activity: unknown, finalRedirect: string): Promise<unknown>;
  getUserToken(userId: string, connectionName: string, channelId: string, magicCode: string): Promise<{ token?: string } | undefined>;
}

function userTokenClient(ctx: TurnContext): UserTokenClientLike | undefined {
  const adapter = ctx.adapter as unknown as { UserTokenClientKey?: symbol };
  const client = adapter.UserTokenClientKey ? (ctx.turnState.get(adapter.UserTokenClientKey) as Partial<UserTokenClientLike> | undefined) : undefined;
  return client?.getSignInResource && client.getUserToken ? (client as UserTokenClientLike) : undefined;
}

/** The HTTP status botbuilder's REST client puts on a failed call (`statusCode`), if any. */
const statusOf = (e: unknown): number | undefined => {
  const s = (e as { statusCode?: unknown; response?: { status?: unknown } } | undefined)?.statusCode ?? (e as { response?: { status?: unknown } } | undefined)?.response?.status;
  return typeof s === 'number' ? s : undefined;
};

export class TokenService {
  constructor(
    private readonly connectionName: string,
    private readonly logger: Logger,
  ) {}

  /**
   * The sign-in link and exchange resource for this person and conversation, or undefined when the token service
   * cannot be reached in time or answers something unusable (the caller then shows a card without a button:
   * none rather than a dead one). Never throws.
   */
  async signInResource(ctx: TurnContext): Promise<SignInResource | undefined> {
    const client = userTokenClient(ctx);
    if (!client) return undefined;
    try {
      const answer = await timeBoxed(client.getSignInResource(this.connectionName, ctx.activity, ''), SIGN_IN_DEADLINE_MS / 2, 'the token service (sign-in link)');
      const parsed = signInResourceSchema.safeParse(answer);
      if (parsed.success) return parsed.data;
      this.logger.warn({ tokenService: 'GetSignInResource' }, 'the token service answered without a usable sign-in link; card sent without a sign-in button');
    } catch (e) {
      this.logger.warn({ tokenService: 'GetSignInResource', httpStatus: statusOf(e), code: e instanceof AppError ? e.code : undefined }, 'the token service could not be reached; card sent without a sign-in button');
    }
    return undefined;
  }

  /**
   * The user's token for a magic code, or undefined when the service has none for it (a wrong or expired code:
   * 404, or 200 without a token). Throws IDENTITY_UNAVAILABLE when the service cannot be reached in time.
   */
  async tokenFromMagicCode(ctx: TurnContext, magicCode: string): Promise<string | undefined> {
    const client = userTokenClient(ctx);
    if (!client) return undefined;
    try {
      const result = await timeBoxed(client.getUserToken(ctx.activity.from.id, this.connectionName, ctx.activity.channelId, magicCode), SIGN_IN_DEADLINE_MS / 2, 'the token service');
      return typeof result?.token === 'string' && result.token ? result.token : undefined;
    } catch (e) {
      if (e instanceof AppError) throw e;
      const status = statusOf(e);
      if (status === 404 || status === 400) return undefined;
      throw new AppError('IDENTITY_UNAVAILABLE', 'the token service did not answer the magic code', { retryable: true, upstreamCode: status ? `HTTP_${status}` : 'NETWORK' });
    }
  }
}

/**
 * The Universal Actions answer for a magic code that yields no token (wrong, expired or already used): Teams shows
 * the error instead of looping through another sign-in. Sent as the invoke's 200 body.
 */
export const INVALID_AUTH_CODE_BODY = {
  statusCode: 401,
  type: 'application/vnd.microsoft.error.invalidAuthCode',
  value: { code: 'InvalidAuthCode', message: 'The sign-in code is not valid or has expired. Sign in again.' },
} as const;

/** A magic code as Teams sends it: short and printable (anything else is not one, and is not sent on). */
const magicCodeSchema = z.string().min(1).max(512).regex(/^[\x21-\x7e]+$/);

/**
 * Signs the person in with the magic code Teams puts in `value.state` when it repeats an Action.Execute after its
 * fallback sign-in: the token service's token is verified and exchanged exactly like an SSO token, and the session
 * kept the same way. Undefined when the code yields no token (the caller answers invalidAuthCode); throws when the
 * token is refused or a service does not answer in time (the caller answers as for a failed SSO exchange).
 */
export async function signInWithMagicCode(
  ctx: TurnContext,
  state: string,
  tokens: TokenService,
  /** SignIn.exchange, passed in: sign-in.ts already imports this file's types (no import cycle). */
  signIn: { exchange(ctx: TurnContext, assertion: string): Promise<UserCredential> },
): Promise<UserCredential | undefined> {
  const code = magicCodeSchema.safeParse(state);
  if (!code.success) return undefined;
  const token = await tokens.tokenFromMagicCode(ctx, code.data);
  if (!token) return undefined;
  return timeBoxed(signIn.exchange(ctx, token), SIGN_IN_DEADLINE_MS / 2, 'the SSO token exchange');
}
