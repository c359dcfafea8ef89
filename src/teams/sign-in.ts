import { randomUUID } from 'node:crypto';
import { CardFactory, type TurnContext } from 'botbuilder';
import { AppError } from '../core/errors';
import type { Clock, Logger, TokenProvider, UserCredential } from '../core/ports';
import type { SsoClaims } from '../identity/sso-token';
import { isRefusedAssertion } from '../identity/msal-errors';
import { BoundedMap } from '../core/bounded-map';
import { SIGN_IN_DEADLINE_MS, timeBoxed } from './time-box';
import type { SignInResource } from './token-service';

/**
 * Teams SSO, done by the bot itself with MSAL on-behalf-of (see README, "Why the bot exchanges SSO tokens itself"):
 * Teams hands over the user's SSO token (a `signin/tokenExchange` invoke in chat, `value.authentication.token` on a
 * Universal Action), the bot verifies it, exchanges it for a Partner Center token, and keeps the SSO token (in
 * memory, and sealed in the shared store so another instance or a restarted bot need not ask again) so later turns
 * can get Graph and customer-tenant tokens on behalf of the same person until it expires.
 *
 * MFA is read from the Partner Center token, not the SSO token: Entra puts `amr` only in v1.0 tokens, the SSO
 * token is v2 and the Partner Center token v1 (issue 15, point 6).
 */

export interface SignInOptions {
  botId: string;
  /** The Azure Bot OAuth connection Teams echoes back. */
  connectionName: string;
  tokens: TokenProvider;
  /** Verifies the SSO token (signature, issuer, audience, expiry, tenant) and reads who it names. */
  verify: (assertion: string) => Promise<SsoClaims>;
  clock: Clock;
  logger: Logger;
  /** Sandbox only: where the SSO token comes from, since the Agents Playground has no SSO. */
  autoSignIn?: (ctx: TurnContext) => Promise<string | undefined>;
  /** Where sessions are shared between instances and restarts (sealed: they hold the SSO token). */
  sharedSessions?: SharedState;
  /** In-memory sessions kept at most (least recently used dropped first; the shared store still has them). */
  maxSessions?: number;
  /** With a bot id: the Bot Framework token service's sign-in link and exchange resource (token-service.ts). */
  signInResource?: (ctx: TurnContext) => Promise<SignInResource | undefined>;
}

/** Small state every instance sees (src/storage/sealed-key-values.ts). */
export interface SharedState {
  get<T>(name: string): Promise<T | undefined>;
  put(name: string, value: unknown, ttlMs?: number): Promise<void>;
  delete(name: string): Promise<void>;
  /** True for the one caller that records `id` under `name`; false for any repeat of the same id. */
  claimOnce(name: string, id: string): Promise<boolean>;
}

interface Session {
  cred: UserCredential;
  expiresAt: number;
}

/** A session is dropped this long before its SSO token expires, so no call starts with a token about to lapse. */
const EXPIRY_MARGIN_MS = 2 * 60_000;

export class SignIn {
  private readonly sessions: BoundedMap<string, Session>;

  constructor(private readonly opts: SignInOptions) {
    this.sessions = new BoundedMap(opts.maxSessions ?? 2_000);
  }

  /**
   * The Teams user's session key, `aad:<tenant>:<object id>`, or undefined when the activity carries no Entra
   * object id or tenant: `from.id` is never used, since a client other than Teams may set it to anything.
   */
  static userKey(ctx: TurnContext): string | undefined {
    const a = ctx.activity;
    const oid = a.from?.aadObjectId;
    const tid = a.conversation?.tenantId ?? (a.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
    if (typeof oid !== 'string' || !oid || typeof tid !== 'string' || !tid) return undefined;
    return `aad:${tid.toLowerCase()}:${oid.toLowerCase()}`;
  }

  /** The key, or SIGN_IN_REQUIRED for an activity that names no Entra user (no session, no sign-in for it). */
  static requireUserKey(ctx: TurnContext): string {
    const key = SignIn.userKey(ctx);
    if (!key) throw new AppError('SIGN_IN_REQUIRED', 'the activity carries no Entra object id and tenant');
    return key;
  }

  /**
   * A usable credential for the person acting in this turn, or undefined when they must sign in. A kept session
   * is re-confirmed with the Partner Center token (from MSAL's cache when this process has seen it): one whose
   * assertion the identity platform now refuses for good is dropped, and the person is signed in again.
   */
  async credentialFor(ctx: TurnContext): Promise<UserCredential | undefined> {
    const key = SignIn.requireUserKey(ctx);
    const usable = (s: Session | undefined): s is Session => Boolean(s && s.expiresAt - EXPIRY_MARGIN_MS > this.opts.clock.now().getTime());
    let session = this.sessions.get(key);
    if (!usable(session)) session = await this.opts.sharedSessions?.get<Session>(sessionName(key));
    if (usable(session)) {
      try {
        const pc = await timeBoxed(this.opts.tokens.partnerCenter(session.cred), SIGN_IN_DEADLINE_MS, 'confirming the kept session');
        session.cred.user.mfa = pc.mfa;
        this.sessions.set(key, session);
        return session.cred;
      } catch (e) {
        if (!isRefusedAssertion(e)) throw e;
        this.opts.logger.warn({ userOid: session.cred.user.oid, code: (e as AppError).code, upstreamCode: (e as AppError).upstreamCode }, 'kept SSO session refused by the identity platform; dropped, signing in again');
        await this.forget(key);
      }
    }
    this.sessions.delete(key);
    if (this.opts.autoSignIn) {
      const assertion = await this.opts.autoSignIn(ctx);
      if (assertion) return this.exchange(ctx, assertion, { trustMapping: true });
    }
    return undefined;
  }

  /**
   * Verifies an SSO token, exchanges it on behalf of the user and remembers it. Throws AppError (CONSENT_REQUIRED,
   * TOKEN_EXCHANGE_FAILED, …) when it cannot; the caller answers 412 so Teams falls back to a consent prompt.
   * `trustMapping` is for the sandbox, whose Playground users need not match a seeded user's object id.
   */
  async exchange(ctx: TurnContext, assertion: string, opts: { trustMapping?: boolean } = {}): Promise<UserCredential> {
    const key = SignIn.requireUserKey(ctx);
    const claims = await this.opts.verify(assertion);
    const fromOid = ctx.activity.from.aadObjectId;
    if (!opts.trustMapping && fromOid?.toLowerCase() !== claims.oid.toLowerCase()) {
      throw new AppError('TOKEN_EXCHANGE_FAILED', 'the SSO token belongs to someone other than the Teams user acting');
    }
    const cred: UserCredential = {
      user: { oid: claims.oid, tenantId: claims.tenantId, upn: claims.upn, displayName: claims.displayName, mfa: false },
      assertion,
    };
    cred.user.mfa = (await this.opts.tokens.partnerCenter(cred)).mfa;
    const session = { cred, expiresAt: claims.exp.getTime() };
    this.sessions.set(key, session);
    await this.opts.sharedSessions?.put(sessionName(key), session, Math.max(1, session.expiresAt - this.opts.clock.now().getTime()));
    this.opts.logger.info({ userOid: claims.oid, mfa: cred.user.mfa }, 'signed in');
    return cred;
  }

  /**
   * After a failure in a turn: when it says the person's assertion is refused for good, their session is dropped
   * (true), so the caller asks for a fresh sign-in instead of showing an error that would repeat on every click.
   */
  async dropIfRefused(ctx: TurnContext, e: unknown): Promise<boolean> {
    const key = SignIn.userKey(ctx);
    if (!key || !isRefusedAssertion(e)) return false;
    this.opts.logger.warn({ code: (e as AppError).code, upstreamCode: (e as AppError).upstreamCode }, 'SSO assertion refused during a turn; session dropped, signing in again');
    await this.forget(key);
    return true;
  }

  /** Drops a person's session (a token that stopped working; tests sign people out with it). */
  async forget(userKey: string): Promise<void> {
    this.sessions.delete(userKey);
    await this.opts.sharedSessions?.delete(sessionName(userKey)).catch(() => undefined);
  }

  /**
   * The OAuthCard content Teams needs for silent SSO (`tokenExchangeResource`) and, when silent SSO fails, for the
   * sign-in button. With a bot id both come from the Bot Framework token service, so the button opens the sign-in
   * page of the Azure Bot OAuth connection and Teams sends back a magic code. When the service cannot be reached
   * (or in the sandbox) the card has no button: none rather than one that opens nothing useful.
   */
  async oauthCardContent(ctx: TurnContext): Promise<Record<string, unknown>> {
    const resource = await this.opts.signInResource?.(ctx);
    const fallback = { id: randomUUID(), uri: `api://botid-${this.opts.botId}`, providerId: '' };
    return {
      text: 'Sign in so I can act for you in Partner Center',
      connectionName: this.opts.connectionName,
      tokenExchangeResource: resource?.tokenExchangeResource?.uri ? { ...fallback, ...resource.tokenExchangeResource } : fallback,
      buttons: resource ? [{ type: 'signin', title: 'Sign in', value: resource.signInLink }] : [],
    };
  }

  async sendSignInCard(ctx: TurnContext): Promise<void> {
    await ctx.sendActivity({ attachments: [{ contentType: CardFactory.contentTypes.oauthCard, content: await this.oauthCardContent(ctx) }] });
  }
}

const sessionName = (userKey: string) => `sso-session:${userKey}`;
