import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config';
import { startApplication, type RunningApplication, type StartOptions } from '../../src/main';
import { LogCapture } from './log-capture';
import { RecordingConnector } from './recording-connector';
import { CUSTOMERS, PARTNER_TENANT } from './sandbox-network';

export const FABRIKAM = CUSTOMERS.fabrikam;
export const NORTHWIND = CUSTOMERS.northwind;
export const HELPDESK_CHANNEL = '19:helpdesk-general@thread.tacv2';
export const WOODGROVE = CUSTOMERS.woodgrove;
export { PARTNER_TENANT };

export interface TeamsUser {
  teamsId: string;
  aadObjectId: string;
  name: string;
  upn: string;
}

/**
 * The whole bot, started the way main.ts starts it (sandbox in-process, real MSAL, real clients, real HTTP
 * endpoint), with a recording connector as the Teams service URL. Tests talk to it with real Bot Framework
 * activities over HTTP.
 */
export class BotHarness {
  readonly connector = new RecordingConnector();
  readonly logs = new LogCapture();
  app!: RunningApplication;
  private conversations = new Map<string, string>();

  constructor(
    private readonly overrides: Partial<Config> = {},
    private readonly startOptions: StartOptions = {},
  ) {}

  async start(): Promise<this> {
    await this.connector.start();
    const base = loadConfig({ LOG_LEVEL: 'debug', PLAYGROUND: 'false' });
    // Each harness gets its own data folder (the embedded SQLite store), unless a test shares one on purpose.
    const dataDir = mkdtempSync(join(tmpdir(), 'bot-harness-'));
    const config: Config = { ...base, port: 0, sandboxPort: 0, dataDir, ...this.overrides };
    this.app = await startApplication(config, { logDestination: this.logs, sandboxAutoSignIn: false, host: '127.0.0.1', ...this.startOptions });
    return this;
  }

  async stop(): Promise<void> {
    await this.app?.stop();
    await this.connector.stop();
  }

  get sandboxUrl(): string {
    return this.app.sandboxUrl!;
  }

  /** Where activities are posted (a subclass may point it at a bot in another process). */
  get botUrl(): string {
    return this.app.botUrl;
  }

  /** A seeded partner user as Teams would present them (object id taken from the SSO token the sandbox issues). */
  async teamsUser(upn: string): Promise<TeamsUser> {
    const token = await this.ssoToken(upn);
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { oid: string; name?: string };
    return { teamsId: `29:${claims.oid}`, aadObjectId: claims.oid, name: claims.name ?? upn, upn };
  }

  async ssoToken(upn: string, opts: { mfa?: boolean; expiresInSeconds?: number } = {}): Promise<string> {
    const res = await fetch(`${this.sandboxUrl}/_sandbox/sso-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userPrincipalName: upn, mfa: opts.mfa ?? true, ...(opts.expiresInSeconds ? { expiresInSeconds: opts.expiresInSeconds } : {}) }),
    });
    if (!res.ok) throw new Error(`sandbox refused an SSO token for ${upn}: ${res.status}`);
    return ((await res.json()) as { token: string }).token;
  }

  async sandboxState(): Promise<SandboxState> {
    return (await (await fetch(`${this.sandboxUrl}/_sandbox/state`)).json()) as SandboxState;
  }

  async sandbox(method: string, path: string, body?: unknown): Promise<void> {
    const res = await fetch(`${this.sandboxUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`sandbox ${method} ${path}: ${res.status}`);
  }

  private conversationOf(user: TeamsUser): string {
    let id = this.conversations.get(user.aadObjectId);
    if (!id) {
      id = `a:personal-${randomUUID()}`;
      this.conversations.set(user.aadObjectId, id);
    }
    return id;
  }

  /** Activities in the helpdesk team's channel instead of a personal chat. */
  channelActivity(user: TeamsUser, fields: Record<string, unknown>): Record<string, unknown> {
    const base = this.activity(user, fields);
    return {
      ...base,
      conversation: { id: HELPDESK_CHANNEL, conversationType: 'channel', isGroup: true, tenantId: PARTNER_TENANT },
      channelData: { tenant: { id: PARTNER_TENANT }, team: { id: HELPDESK_CHANNEL }, channel: { id: HELPDESK_CHANNEL } },
    };
  }

  executeInChannel(user: TeamsUser, verb: string, data: Record<string, unknown>, cardId: string, extra: Record<string, unknown> = {}, botUrl = this.botUrl) {
    return this.post(this.channelActivity(user, { type: 'invoke', name: 'adaptiveCard/action', replyToId: cardId, value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } }, trigger: 'manual', ...extra } }), botUrl);
  }

  activity(user: TeamsUser, fields: Record<string, unknown>, tenantId: string = PARTNER_TENANT): Record<string, unknown> {
    return {
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: this.connector.url,
      timestamp: new Date().toISOString(),
      from: { id: user.teamsId, aadObjectId: user.aadObjectId, name: user.name },
      recipient: { id: '28:bot', name: 'Partner User Desk' },
      conversation: { id: this.conversationOf(user), conversationType: 'personal', tenantId },
      channelData: { tenant: { id: tenantId } },
      locale: 'en-US',
      ...fields,
    };
  }

  async post(activity: Record<string, unknown>, botUrl = this.botUrl): Promise<{ status: number; body: any }> {
    const res = await fetch(`${botUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  say(user: TeamsUser, text: string) {
    return this.post(this.activity(user, { type: 'message', text }));
  }

  /** An `Action.Execute` click on the card whose message id is `cardId`. */
  execute(user: TeamsUser, verb: string, data: Record<string, unknown>, cardId = 'act-card', extra: Record<string, unknown> = {}) {
    return this.post(this.activity(user, { type: 'invoke', name: 'adaptiveCard/action', replyToId: cardId, value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } }, trigger: 'manual', ...extra } }));
  }

  /**
   * The message id of a request's own card in a channel or group chat: the bot posts each request as a new message
   * (never over the card it was submitted from), so later updates of the request land there.
   */
  requestMessage(requestId: string): string {
    const posted = this.connector.sent().find((c) => JSON.stringify(c.body.attachments ?? []).includes(`"requestId":"${requestId}"`) && String(c.conversationId).startsWith('19:'));
    if (!posted?.activityId) throw new Error(`no message was posted for request ${requestId}`);
    return posted.activityId;
  }

  invoke(user: TeamsUser, name: string, value: unknown) {
    return this.post(this.activity(user, { type: 'invoke', name, value }));
  }

  /**
   * Fills and reviews the personal-chat form for a new Fabrikam user (generated password), like a person would;
   * returns the request id the confirmation card's Create button carries.
   */
  async reviewNewUser(user: TeamsUser, userName: string, extra: Record<string, string> = {}): Promise<string> {
    const form = { customerId: FABRIKAM, firstName: 'Kath', lastName: 'Johnson', userName, domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true', ...extra };
    const confirm = invokeCard(await this.execute(user, 'submitForm', form));
    const create = (confirm.actions as Array<{ verb?: string; data?: { requestId?: string } }>).find((a) => a.verb === 'create');
    if (!create?.data?.requestId) throw new Error(`no Create button on the confirmation card: ${cardText(confirm)}`);
    return create.data.requestId;
  }

  /** Signs the user in through the real Teams SSO protocol: the token exchange invoke with an SSO token. */
  async signIn(user: TeamsUser, opts: { mfa?: boolean } = {}): Promise<void> {
    const res = await this.invoke(user, 'signin/tokenExchange', { id: randomUUID(), connectionName: 'sso', token: await this.ssoToken(user.upn, opts) });
    if (res.status !== 200) throw new Error(`token exchange answered ${res.status}`);
  }
}

export interface SandboxState {
  customers: unknown[];
  users: Record<string, Array<{ id: string; userPrincipalName: string; state: string }>>;
  requests: Array<{ method: string; path: string; headers: Record<string, string>; status: number; body?: unknown }>;
}

/** The card in an `adaptiveCard/action` answer. */
export function invokeCard(res: { body: any }): any {
  expect(res.body?.statusCode).toBe(200);
  expect(res.body?.type).toBe('application/vnd.microsoft.card.adaptive');
  return res.body.value;
}

/** Every text on a card, flattened, for "the card says …" assertions. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      for (const k of ['text', 'title', 'value', 'codeSnippet', 'label']) if (typeof o[k] === 'string') out.push(o[k] as string);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out.join('\n');
}

/** The ids of the Action.Execute buttons on a card. */
export function cardVerbs(card: any): string[] {
  return ((card?.actions ?? []) as Array<{ verb?: string }>).map((a) => a.verb ?? '');
}
