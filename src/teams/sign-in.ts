import { randomUUID } from 'node:crypto';
import { CardFactory, type TurnContext } from 'botbuilder';
import { AppError } from '../core/errors';
import type { Clock, Logger, PartnerUser, TokenProvider, UserCredential } from '../core/ports';

/**
 * Teams SSO, done by the bot itself with MSAL on-behalf-of (see README, "Why the bot exchanges SSO tokens itself"):
 * Teams hands over the user's SSO token (a `signin/tokenExchange` invoke in chat, `value.authentication.token` on a
 * Universal Action), the bot exchanges it for a Partner Center token, and keeps the SSO token (in memory, and
 * sealed in the shared store so another instance or a restarted bot need not ask again) so later turns can get
 * Graph and customer-tenant tokens on behalf of the same person until it expires.
 */

export interface SignInOptions {
  botId: string;
  /** The Azure Bot OAuth connection Teams echoes back; in production it also serves the fallback sign-in link. */
  connectionName: string;
  tokens: TokenProvider;
  readClaims: (assertion: string) => PartnerUser & { exp: Date };
  clock: Clock;
  logger: Logger;
  /** Sandbox only: where the SSO token comes from, since the Agents Playground has no SSO. */
  autoSignIn?: (ctx: TurnContext) => Promise<string | undefined>;
  /** Production: the Bot Framework token service's sign-in link for the fallback consent prompt. */
  signInLink?: (ctx: TurnContext) => Promise<string | undefined>;
  /** Where sessions are shared between instances and restarts (sealed: they hold the SSO token). */
  sharedSessions?: SharedState;
}

/** Small state every instance sees (src/storage/sealed-key-values.ts). */
export interface SharedState {
  get<T>(name: string): Promise<T | undefined>;
  put(name: string, value: unknown, ttlMs?: number): Promise<void>;
  delete(name: string): Promise<void>;
}

interface Session {
  cred: UserCredential;
  expiresAt: number;
}

/** A session is dropped this long before its SSO token expires, so no call starts with a token about to lapse. */
const EXPIRY_MARGIN_MS = 2 * 60_000;

export class SignIn {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly opts: SignInOptions) {}

  /** The Teams user's stable key: the Entra object id when Teams supplies it. */
  static userKey(ctx: TurnContext): string {
    return ctx.activity.from.aadObjectId ?? ctx.activity.from.id;
  }

  /** A usable credential for the person acting in this turn, or undefined when they must sign in. */
  async credentialFor(ctx: TurnContext): Promise<UserCredential | undefined> {
    const key = SignIn.userKey(ctx);
    const usable = (s: Session | undefined): s is Session => Boolean(s && s.expiresAt - EXPIRY_MARGIN_MS > this.opts.clock.now().getTime());
    let session = this.sessions.get(key);
    if (!usable(session)) session = await this.opts.sharedSessions?.get<Session>(sessionName(key));
    if (usable(session)) {
      this.sessions.set(key, session);
      return session.cred;
    }
    this.sessions.delete(key);
    if (this.opts.autoSignIn) {
      const assertion = await this.opts.autoSignIn(ctx);
      if (assertion) return this.exchange(ctx, assertion, { trustMapping: true });
    }
    return undefined;
  }

  /**
   * Exchanges an SSO token on behalf of the user and remembers it. Throws AppError (CONSENT_REQUIRED,
   * TOKEN_EXCHANGE_FAILED, …) when it cannot; the caller answers 412 so Teams falls back to a consent prompt.
   * `trustMapping` is for the sandbox, whose Playground users need not match a seeded user's object id.
   */
  async exchange(ctx: TurnContext, assertion: string, opts: { trustMapping?: boolean } = {}): Promise<UserCredential> {
    const claims = this.opts.readClaims(assertion);
    const fromOid = ctx.activity.from.aadObjectId;
    if (!opts.trustMapping && fromOid && fromOid !== claims.oid) {
      throw new AppError('TOKEN_EXCHANGE_FAILED', 'the SSO token belongs to someone other than the Teams user acting');
    }
    const cred: UserCredential = {
      user: { oid: claims.oid, tenantId: claims.tenantId, upn: claims.upn, displayName: claims.displayName, mfa: claims.mfa },
      assertion,
    };
    await this.opts.tokens.partnerCenter(cred);
    const session = { cred, expiresAt: claims.exp.getTime() };
    this.sessions.set(SignIn.userKey(ctx), session);
    await this.opts.sharedSessions?.put(sessionName(SignIn.userKey(ctx)), session, Math.max(1, session.expiresAt - this.opts.clock.now().getTime()));
    this.opts.logger.info({ userOid: claims.oid, mfa: claims.mfa }, 'signed in');
    return cred;
  }

  signOut(ctx: TurnContext): void {
    this.forget(SignIn.userKey(ctx));
  }

  /** Drops a person's session (sign-out, or a token that stopped working). */
  forget(userKey: string): void {
    this.sessions.delete(userKey);
    void this.opts.sharedSessions?.delete(sessionName(userKey)).catch(() => undefined);
  }

  /** The OAuthCard content Teams needs for silent SSO (`tokenExchangeResource`) and for the fallback button. */
  async oauthCardContent(ctx: TurnContext): Promise<Record<string, unknown>> {
    const link = (await this.opts.signInLink?.(ctx)) ?? `https://token.botframework.com/`;
    return {
      text: 'Sign in so I can act for you in Partner Center',
      connectionName: this.opts.connectionName,
      tokenExchangeResource: { id: randomUUID(), uri: `api://botid-${this.opts.botId}`, providerId: '' },
      buttons: [{ type: 'signin', title: 'Sign in', value: link }],
    };
  }

  async sendSignInCard(ctx: TurnContext): Promise<void> {
    const content = await this.oauthCardContent(ctx);
    await ctx.sendActivity({ attachments: [{ contentType: CardFactory.contentTypes.oauthCard, content }] });
  }
}

const sessionName = (userKey: string) => `sso-session:${userKey}`;
