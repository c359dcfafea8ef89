import { randomUUID } from 'node:crypto';
import { ActivityTypes, CardFactory, type TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { AppError } from '../../core/errors';
import type { Logger } from '../../core/ports';
import { markdownText, TEXT_LIMITS, upnText } from '../../core/text/people-text';
import { actorOf } from '../action-turn';
import type { ApprovalFlow } from '../approval-flow';
import type { AdaptiveCardJson } from '../cards/card-templates';
import type { CardViews } from '../cards/views';
import type { CardUpdater } from '../card-updater';
import { sendCard } from '../invoke-response';
import { SignIn, type SharedState } from '../sign-in';
import { signInRoutes } from '../sign-in-routes';
import type { TokenService } from '../token-service';
import type { ApprovalPending, PendingSignIns } from './pending-sign-ins';

export interface SignInResumeDeps {
  signIn: SignIn;
  tokenService?: TokenService;
  shared: SharedState;
  views: CardViews;
  logger: Logger;
  updater: CardUpdater;
  approvals: ApprovalFlow;
  pending: PendingSignIns;
  connectionName: string;
  startNewUser: (ctx: TurnContext) => Promise<void>;
  reportError: (e: unknown, correlationId: string, fields: object) => AdaptiveCardJson;
  continueAfterResponse: (ctx: TurnContext, work: (later: TurnContext) => Promise<void>) => void;
}

/**
 * Teams SSO in chat: the `signin/*` invokes (sign-in-routes.ts), and what was asked for before the sign-in, resumed
 * once it is done: a `new user`, or an approval whose approver had to sign in privately.
 */
export class SignInResume {
  constructor(private readonly d: SignInResumeDeps) {}

  register(app: Application<TurnState>): void {
    const { d } = this;
    const invokes = signInRoutes({
      signIn: d.signIn,
      shared: d.shared,
      views: d.views,
      logger: d.logger,
      connectionName: d.connectionName,
      sendCard,
      afterResponse: d.continueAfterResponse,
      resume: (ctx, mfa) => this.resume(ctx, mfa),
      tokenFromMagicCode: async (ctx, code) => d.tokenService?.tokenFromMagicCode(ctx, code),
    });
    for (const [name, handler] of [
      ['signin/tokenExchange', invokes.tokenExchange],
      ['signin/verifyState', invokes.verifyState],
      ['signin/failure', invokes.failure],
    ] as const) {
      app.addRoute(async (ctx) => ctx.activity.type === ActivityTypes.Invoke && ctx.activity.name === name, async (ctx) => handler(ctx), true);
    }
  }

  /**
   * No silent SSO where the approver clicked: a sign-in prompt in their 1:1 chat (reached from the card's
   * conversation), and the approval completes right after they sign in there.
   */
  async askPrivately(ctx: TurnContext, pending: ApprovalPending): Promise<void> {
    await this.d.pending.set(SignIn.requireUserKey(ctx), pending);
    await this.d.updater.sendPrivate(ctx.activity.from.id, pending.location.conversation, { contentType: CardFactory.contentTypes.oauthCard, content: await this.d.signIn.oauthCardContent(ctx) });
  }

  private async resume(ctx: TurnContext, mfa: boolean): Promise<void> {
    const key = SignIn.userKey(ctx);
    const pending = key ? await this.d.pending.take(key) : undefined;
    if (!mfa) {
      // Through reportError: logged with the correlation id the card shows.
      await sendCard(ctx, this.d.reportError(new AppError('MFA_REQUIRED', 'sign-in without MFA'), randomUUID(), { turn: 'sign-in resume' }));
      return;
    }
    if (pending?.kind === 'new user') await this.d.startNewUser(ctx);
    if (pending?.kind === 'approve') await this.approve(ctx, pending);
  }

  private async approve(ctx: TurnContext, pending: ApprovalPending): Promise<void> {
    const cred = await this.d.signIn.credentialFor(ctx);
    if (!cred) return;
    try {
      const request = await this.d.approvals.approveAfterSignIn(cred, actorOf(ctx, cred.user), pending.requestId, pending.location);
      await sendCard(ctx, this.d.views.notice({ title: 'Signed in', text: `Your approval of ${upnText(request.user.userPrincipalName)} for ${markdownText(request.customer.companyName, TEXT_LIMITS.name)} went through; the team's card shows the result.` }));
    } catch (e) {
      await sendCard(ctx, this.d.reportError(e, randomUUID(), { turn: 'approve after sign-in', requestId: pending.requestId }));
    }
  }
}
