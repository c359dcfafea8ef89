import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { z } from 'zod/v4';
import { toAppError } from '../core/errors';
import { zod3Issues } from '../core/zod3-compat';
import type { Logger } from '../core/ports';
import type { AdaptiveCardJson } from './cards/card-templates';
import type { CardViews } from './cards/views';
import { sendInvokeResponse } from './invoke-response';
import { SignIn, type SharedState } from './sign-in';
import { SIGN_IN_DEADLINE_MS, timeBoxed } from './time-box';

/**
 * The `signin/*` invokes (Teams SSO in chat). Every one answers within the invoke deadline with a status the
 * protocol knows: 200, 400 for a malformed value, 412 when the token cannot be exchanged (Teams then shows the
 * sign-in button), 404 when a magic code yields no token. Never 500, and a malformed invoke logs one warn line.
 */


const tokenExchangeValue = z.object({
  id: z.string().min(1).max(200),
  connectionName: z.string().max(200).optional(),
  token: z.string().min(1).max(16_384),
});
/** The magic code (or state) Teams sends after the sign-in page: short, printable. */
const verifyStateValue = z.object({ state: z.string().min(1).max(512).regex(/^[\x21-\x7e]+$/) });
const failureValue = z.object({ code: z.string().max(200).optional(), message: z.string().max(2_000).optional() });

export interface SignInRoutesDeps {
  signIn: SignIn;
  shared: SharedState;
  views: CardViews;
  logger: Logger;
  connectionName: string;
  sendCard: (ctx: TurnContext, card: AdaptiveCardJson) => Promise<unknown>;
  /** Runs `work` once the invoke response is written (a new turn on the same conversation). */
  afterResponse: (ctx: TurnContext, work: (ctx: TurnContext) => Promise<void>) => void;
  /** What the person asked for before signing in, resumed once (see app.ts). */
  resume: (ctx: TurnContext, mfa: boolean) => Promise<void>;
  /** The Bot Framework token service's answer for a magic code; undefined when it has no token for it. */
  tokenFromMagicCode: (ctx: TurnContext, magicCode: string) => Promise<string | undefined>;
}

export function signInRoutes(deps: SignInRoutesDeps) {
  const { signIn, logger, connectionName } = deps;

  /**
   * Once per signed-in Teams client, all with the same `value.id`: each is answered, but only the first to claim
   * the id in the shared store (on any instance) resumes the pending request, after its invoke response.
   */
  async function tokenExchange(ctx: TurnContext): Promise<void> {
    const parsed = tokenExchangeValue.safeParse(ctx.activity.value);
    if (!parsed.success) {
      logger.warn({ invoke: 'signin/tokenExchange', issues: zod3Issues(parsed.error).map((i) => i.path.join('.') || i.code).join(',') }, 'malformed sign-in invoke refused');
      await sendInvokeResponse(ctx, 400, { id: '', connectionName, failureDetail: 'The token exchange request is malformed.' });
      return;
    }
    const { id, token } = parsed.data;
    let mfa: boolean;
    try {
      mfa = (await timeBoxed(signIn.exchange(ctx, token), SIGN_IN_DEADLINE_MS, 'the SSO token exchange')).user.mfa;
    } catch (e) {
      const error = toAppError(e);
      logger.warn({ code: error.code, upstreamCode: error.upstreamCode }, 'SSO token exchange failed; Teams falls back to a sign-in prompt');
      await sendInvokeResponse(ctx, 412, { id, connectionName, failureDetail: 'The token could not be exchanged.' });
      return;
    }
    const first = await deps.shared.claimOnce(`signin-exchange:${SignIn.requireUserKey(ctx)}`, id).catch((e: unknown) => {
      // The store being down must not cost the person their sign-in: resume, at worst twice.
      logger.warn({ code: toAppError(e).code }, 'could not claim the token exchange id; resuming anyway');
      return true;
    });
    await sendInvokeResponse(ctx, 200, { id, connectionName });
    if (!first) {
      logger.info({ exchangeId: id }, 'repeated token exchange (another Teams client of the same person): not resumed again');
      return;
    }
    deps.afterResponse(ctx, (later) => deps.resume(later, mfa));
  }

  async function verifyState(ctx: TurnContext): Promise<void> {
    const parsed = verifyStateValue.safeParse(ctx.activity.value);
    if (!parsed.success) {
      logger.warn({ invoke: 'signin/verifyState' }, 'malformed sign-in invoke refused');
      await sendInvokeResponse(ctx, 400);
      return;
    }
    let mfa: boolean;
    try {
      const assertion = await timeBoxed(deps.tokenFromMagicCode(ctx, parsed.data.state), SIGN_IN_DEADLINE_MS / 2, 'the token service');
      if (!assertion) {
        logger.warn({ invoke: 'signin/verifyState' }, 'the token service has no token for this code');
        await sendInvokeResponse(ctx, 404);
        return;
      }
      mfa = (await timeBoxed(signIn.exchange(ctx, assertion), SIGN_IN_DEADLINE_MS / 2, 'the SSO token exchange')).user.mfa;
    } catch (e) {
      const error = toAppError(e);
      // The card's correlation id is the one logged here, so a quoted id finds this line.
      const correlationId = randomUUID();
      logger.warn({ correlationId, code: error.code, upstreamCode: error.upstreamCode }, 'sign-in verification failed');
      await sendInvokeResponse(ctx, 412);
      deps.afterResponse(ctx, async (later) => void (await deps.sendCard(later, deps.views.error(error, correlationId))));
      return;
    }
    await sendInvokeResponse(ctx, 200);
    deps.afterResponse(ctx, (later) => deps.resume(later, mfa));
  }

  async function failure(ctx: TurnContext): Promise<void> {
    const parsed = failureValue.safeParse(ctx.activity.value ?? {});
    if (!parsed.success) {
      logger.warn({ invoke: 'signin/failure' }, 'malformed sign-in invoke refused');
      await sendInvokeResponse(ctx, 400);
      return;
    }
    // The code is the client's text: only a plain word of it is repeated on the card.
    const code = /^[A-Za-z][\w.-]{0,63}$/.test(parsed.data.code ?? '') ? parsed.data.code! : 'unknown';
    logger.warn({ signInFailure: code }, 'Teams reported a sign-in failure');
    await sendInvokeResponse(ctx, 200);
    await deps.sendCard(
      ctx,
      deps.views.notice({
        title: 'Sign-in failed',
        text:
          code === 'resourcematchfailed'
            ? "Teams could not get a token for this app: the app manifest's webApplicationInfo.resource does not match the Entra app's Application ID URI."
            : `Teams reported a sign-in failure (${code}).`,
        todo: 'Ask your administrator to check the SSO settings (README, "Troubleshooting").',
        color: 'Attention',
      }),
    );
  }

  return { tokenExchange, verifyState, failure };
}
