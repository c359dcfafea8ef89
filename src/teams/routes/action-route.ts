import { randomUUID } from 'node:crypto';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { AppError, toAppError } from '../../core/errors';
import type { Logger, UserCredential } from '../../core/ports';
import { actionInvokeSchema, type ActionInvoke } from '../action-invoke';
import { actorOf, cardLocationOf } from '../action-turn';
import { observerRefresh } from '../automatic-refresh';
import type { BackgroundWork } from '../background';
import type { CardUpdater } from '../card-updater';
import type { AdaptiveCardJson } from '../cards/card-templates';
import { replyPreconditionFailed, replyWithCard, replyWithLoginRequest, sendInvokeResponse } from '../invoke-response';
import { mirrorPersonalStep } from '../personal-mirror';
import type { SignIn } from '../sign-in';
import { SIGN_IN_DEADLINE_MS, timeBoxed } from '../time-box';
import { INVALID_AUTH_CODE_BODY, signInWithMagicCode, type TokenService } from '../token-service';
import { queueAfterResponse } from '../turn-runner';
import type { VerbRoute, VerbServices } from '../verbs/verb';
import { isVerb, VERB_TABLE } from '../verbs/verb-table';
import { loggedField } from '../log-fields';

export interface ActionRouteDeps {
  signIn: SignIn;
  /** With a bot id: Teams' fallback sign-in sends a magic code on the repeated action (token-service.ts). */
  tokenService?: TokenService;
  logger: Logger;
  verbs: VerbServices;
  updater: CardUpdater;
  background: BackgroundWork;
  reportError: (e: unknown, correlationId: string, fields: object) => AdaptiveCardJson;
}

/**
 * Universal Actions (`adaptiveCard/action`): parse the invoke, sign the person in (SSO token, magic code or kept
 * session), then run the verb from the verb table (verbs/verb-table.ts). The answer is always a card or a
 * protocol answer Teams knows (login request, 412), never a silent 200.
 */
export function registerActionRoute(app: Application<TurnState>, d: ActionRouteDeps): void {
  const { logger, signIn, views } = { ...d, views: d.verbs.views };

  app.addRoute(
    async (ctx) => ctx.activity.type === ActivityTypes.Invoke && ctx.activity.name === 'adaptiveCard/action',
    async (ctx) => {
      const correlationId = randomUUID();
      const parsed = actionInvokeSchema.safeParse(ctx.activity.value);
      if (!parsed.success || !isVerb(parsed.data.action.verb)) {
        logger.warn({ correlationId, verb: parsed.success ? parsed.data.action.verb : undefined }, 'unknown card action');
        await replyWithCard(ctx, views.error(new AppError('UNKNOWN_ACTION', 'unknown verb'), correlationId));
        return;
      }
      const invoke = parsed.data;
      const verb = invoke.action.verb as keyof typeof VERB_TABLE;
      const route: VerbRoute = VERB_TABLE[verb];
      // An automatic refresh never asks anyone to sign in: without a session it gets the read-only view.
      const automatic = invoke.trigger === 'automatic';
      const observe = async () => replyWithCard(ctx, await observerRefresh(d.verbs.deps, views, d.verbs.approvals, logger, ctx, invoke.action.data, correlationId));
      const location = cardLocationOf(ctx.activity);
      let cred: UserCredential | undefined;
      try {
        const signedIn = await signInForAction(d, ctx, invoke);
        if (signedIn === 'invalid magic code') {
          logger.warn({ correlationId, verb }, 'magic code on a card action yields no token');
          await sendInvokeResponse(ctx, 200, INVALID_AUTH_CODE_BODY);
          return;
        }
        cred = signedIn;
      } catch (e) {
        logger.warn({ correlationId, code: toAppError(e).code }, 'SSO token exchange failed on a card action');
        if (automatic) return observe();
        const fallback = await route.whenSsoFails({ ctx, data: invoke.action.data, location, correlationId }, d.verbs);
        if (fallback) await replyWithCard(ctx, fallback);
        else await replyPreconditionFailed(ctx, 'The sign-in token could not be exchanged.');
        return;
      }
      if (!cred) {
        if (automatic) return observe();
        await replyWithLoginRequest(ctx, await signIn.oauthCardContent(ctx));
        return;
      }
      const started = Date.now();
      // Card data is the sender's: only a clipped copy of the id it names goes into log lines (log-fields.ts).
      const requestId = loggedField(invoke.action.data.requestId);
      try {
        if (!cred.user.mfa) throw new AppError('MFA_REQUIRED', 'sign-in without MFA');
        const turn = { ctx, cred, actor: actorOf(ctx, cred.user), location, correlationId, afterResponse: (work: () => void) => queueAfterResponse(ctx, work) };
        const card = await route.run(turn, invoke.action.data, d.verbs);
        await replyWithCard(ctx, card);
        if (!route.ownView) mirrorPersonalStep(turn, verb, card, d.updater, d.background, route.passing);
        logger.info({ correlationId, verb, requestId, durationMs: Date.now() - started }, 'card action');
      } catch (e) {
        // The kept session's assertion is refused for good: drop it and ask Teams for a fresh SSO token; Teams
        // repeats this very action with it, so the click still completes.
        if (!invoke.authentication?.token && (await signIn.dropIfRefused(ctx, e))) {
          if (automatic) return observe();
          await replyWithLoginRequest(ctx, await signIn.oauthCardContent(ctx));
          return;
        }
        await replyWithCard(ctx, d.reportError(e, correlationId, { verb, requestId }));
      }
    },
    true,
  );
}

/**
 * Who clicks: the SSO token Teams sent with the action, the magic code of Teams' fallback sign-in (the action is
 * then completed with it), or the person's kept session; undefined when they must sign in. Throws when a token or
 * code cannot be exchanged.
 */
async function signInForAction(d: ActionRouteDeps, ctx: TurnContext, invoke: ActionInvoke): Promise<UserCredential | undefined | 'invalid magic code'> {
  if (invoke.authentication?.token) return timeBoxed(d.signIn.exchange(ctx, invoke.authentication.token), SIGN_IN_DEADLINE_MS, 'the SSO token exchange');
  if (invoke.state && d.tokenService) return (await signInWithMagicCode(ctx, invoke.state, d.tokenService, d.signIn)) ?? 'invalid magic code';
  return d.signIn.credentialFor(ctx);
}
