import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { RecordingConnector } from '../../test/support/recording-connector';
import { CUSTOMERS, PARTNER_TENANT } from '../../test/support/sandbox-network';

/**
 * The engineers' client: node:http over kept-alive connections, as the Bot Connector keeps its connections to a
 * bot. Not fetch: undici's per-request work was CPU the load generator took from the two cores the bot and the
 * sandbox run on, and showed up in every latency it measured.
 */
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
function postJson(url: string, body: string, authorization: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const FABRIKAM = CUSTOMERS.fabrikam;
/** A team channel per engineer: Teams allows a bot 50 messages a conversation per 30 s, and the bot paces itself so. */
export const helpdeskChannel = (e: Engineer) => `19:bench-helpdesk-${e.oid.slice(-4)}@thread.tacv2`;

export interface Engineer {
  upn: string;
  oid: string;
  teamsId: string;
  name: string;
  conversation: string;
}

/**
 * Talks to a bot the way the Bot Connector does: real Bot Framework activities over HTTP, each with the signed
 * bearer token of the local issuer (the bot verifies it), replies going to the recording connector.
 */
export class Driver {
  readonly results: ResultCards;
  constructor(
    readonly botUrl: string,
    readonly sandboxUrl: string,
    readonly connector: RecordingConnector,
    private readonly bearer: string,
  ) {
    this.results = new ResultCards(connector);
  }

  async engineer(upn: string): Promise<Engineer> {
    const token = await this.ssoToken(upn);
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { oid: string; name?: string };
    return { upn, oid: claims.oid, teamsId: `29:${claims.oid}`, name: claims.name ?? upn, conversation: `a:personal-${randomUUID()}` };
  }

  async ssoToken(upn: string): Promise<string> {
    const res = await fetch(`${this.sandboxUrl}/_sandbox/sso-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userPrincipalName: upn, mfa: true }) });
    if (!res.ok) throw new Error(`sandbox refused an SSO token for ${upn}: ${res.status}`);
    return ((await res.json()) as { token: string }).token;
  }

  activity(e: Engineer, fields: Record<string, unknown>, channel = false): Record<string, unknown> {
    return {
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: this.connector.url,
      timestamp: new Date().toISOString(),
      from: { id: e.teamsId, aadObjectId: e.oid, name: e.name },
      recipient: { id: '28:bot', name: 'Partner User Desk' },
      conversation: channel ? { id: helpdeskChannel(e), conversationType: 'channel', isGroup: true, tenantId: PARTNER_TENANT } : { id: e.conversation, conversationType: 'personal', tenantId: PARTNER_TENANT },
      channelData: channel ? { tenant: { id: PARTNER_TENANT }, team: { id: helpdeskChannel(e) }, channel: { id: helpdeskChannel(e) } } : { tenant: { id: PARTNER_TENANT } },
      locale: 'en-US',
      ...fields,
    };
  }

  async post(activity: Record<string, unknown>): Promise<{ status: number; body: any }> {
    const { status, text } = await postJson(`${this.botUrl}/api/messages`, JSON.stringify(activity), `Bearer ${this.bearer}`);
    return { status, body: text ? JSON.parse(text) : undefined };
  }

  say(e: Engineer, text: string) {
    return this.post(this.activity(e, { type: 'message', text }));
  }

  execute(e: Engineer, verb: string, data: Record<string, unknown>, cardId: string, channel = false) {
    return this.post(this.activity(e, { type: 'invoke', name: 'adaptiveCard/action', replyToId: cardId, value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } }, trigger: 'manual' } }, channel));
  }

  async signIn(e: Engineer): Promise<void> {
    const res = await this.post(this.activity(e, { type: 'invoke', name: 'signin/tokenExchange', value: { id: randomUUID(), connectionName: 'sso', token: await this.ssoToken(e.upn) } }));
    if (res.status !== 200) throw new Error(`token exchange for ${e.upn} answered ${res.status}`);
  }
}

export function form(userName: string): Record<string, string> {
  return { customerId: FABRIKAM, firstName: 'Bench', lastName: 'User', userName, domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true' };
}

/** The card of an `adaptiveCard/action` answer, or an error naming what came back instead. */
export function cardOfAnswer(res: { status: number; body: any }, step: string): any {
  if (res.status !== 200 || res.body?.statusCode !== 200 || res.body?.type !== 'application/vnd.microsoft.card.adaptive') {
    throw new Error(`${step}: answered ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  }
  return res.body.value;
}

export function createButtonRequestId(card: any): string | undefined {
  return (card?.actions as Array<{ verb?: string; data?: { requestId?: string } }> | undefined)?.find((a) => a.verb === 'create')?.data?.requestId;
}

let unique = 0;
export const userName = (prefix: string) => `${prefix}.${Date.now().toString(36)}.${(unique++).toString(36)}`;

/** What one whole request took, step by step (ms), and the bot's CPU per step when measured one at a time. */
export interface RequestTiming {
  message: number;
  pickCustomer: number;
  submitForm: number;
  create: number;
  creation: number;
  total: number;
  /** Which of an engineer's requests this was, in the working load (0 = each engineer's first of the phase). */
  wave?: number;
}

export const STEPS = ['message', 'pickCustomer', 'submitForm', 'create'] as const;
export type Step = (typeof STEPS)[number];

/**
 * One whole request in a personal chat, as a person clicks it: `new user` (customer picker, sent as a message),
 * pick the customer (form), review (pre-flight + confirmation), create (invoke answered "Creating…"), then the
 * background creation until the result card replaces the confirmation card. `between` runs after each step (the
 * CPU sampler of the one-at-a-time phase).
 */
export async function wholeRequest(d: Driver, e: Engineer, between?: (step: Step | 'creation') => void | Promise<void>): Promise<RequestTiming> {
  const t0 = performance.now();
  let last = t0;
  const lap = () => {
    const now = performance.now();
    const ms = now - last;
    last = now;
    return ms;
  };
  /**
   * With `between` (the one-at-a-time figures), a card action's step ends when its card has also been written
   * into the 1:1 message (see writtenIntoMessage). The wait is not in the step's wall time, which is the answer's.
   */
  const mirrored = async (cardId: string) => {
    if (!between) return;
    await writtenIntoMessage(d, cardId);
    last = performance.now();
  };
  const said = await d.say(e, 'new user');
  if (said.status !== 200) throw new Error(`new user: answered ${said.status}`);
  const message = lap();
  await between?.('message');
  const pickerId = `picker-${randomUUID()}`;
  cardOfAnswer(await d.execute(e, 'pickCustomer', { customerId: FABRIKAM }, pickerId), 'pickCustomer');
  const pickCustomer = lap();
  await mirrored(pickerId);
  await between?.('pickCustomer');
  const formId = `form-${randomUUID()}`;
  const confirm = cardOfAnswer(await d.execute(e, 'submitForm', form(userName('bench')), formId), 'submitForm');
  const submitForm = lap();
  await mirrored(formId);
  await between?.('submitForm');
  const requestId = createButtonRequestId(confirm);
  if (!requestId) throw new Error(`no Create button on the confirmation card: ${JSON.stringify(confirm).slice(0, 400)}`);
  const cardId = `confirm-${randomUUID()}`;
  cardOfAnswer(await d.execute(e, 'create', { requestId }, cardId), 'create');
  const create = lap();
  await between?.('create');
  await d.results.wait(cardId, 60_000).catch(() => {
    throw new Error(`request ${requestId}: no result card after 60 s: ${JSON.stringify(d.connector.updates(cardId).map((u) => u.body)).slice(0, 600)}`);
  });
  const creation = lap();
  await between?.('creation');
  return { message, pickCustomer, submitForm, create, creation, total: performance.now() - t0 };
}

/**
 * Waits until a card action's card has been written into its 1:1 message: that update is the step's own work, done
 * after the answer (personal-mirror.ts), and without the wait it was counted in the next step (the form's, the
 * largest card, in the review). Polled every millisecond, not with the connector's own waitFor (every 20 ms): each
 * idle millisecond of the bot before the reading is billed to the step. An update that never comes is a failure,
 * as a missing result card is, not a figure with two seconds of idling in it.
 */
export async function writtenIntoMessage(d: Driver, cardId: string): Promise<void> {
  const deadline = performance.now() + 2_000;
  while (d.connector.updates(cardId).length === 0) {
    if (performance.now() > deadline) throw new Error(`card ${cardId}: not written into its message within 2 s of the answer`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/**
 * Waits for the card update that shows a request's outcome (the created card) on a card id. One scan of the
 * connector's new calls every 10 ms for all waiters, so 200 waiting flows cost the benchmark process little.
 */
export class ResultCards {
  private seen = 0;
  private done = new Set<string>();
  private waiters = new Map<string, () => void>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly connector: RecordingConnector) {}

  wait(cardId: string, timeoutMs: number): Promise<void> {
    this.scan();
    if (this.done.has(cardId)) return Promise.resolve();
    this.timer ??= setInterval(() => this.scan(), 10);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiters.delete(cardId);
        reject(new Error('timeout'));
      }, timeoutMs);
      this.waiters.set(cardId, () => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  private scan(): void {
    const calls = this.connector.calls;
    for (; this.seen < calls.length; this.seen++) {
      const c = calls[this.seen];
      if (c.method !== 'PUT' || c.status >= 400 || !c.activityId) continue;
      if (!/User created in/.test(JSON.stringify(c.body))) continue;
      this.done.add(c.activityId);
      this.waiters.get(c.activityId)?.();
      this.waiters.delete(c.activityId);
    }
    if (this.waiters.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
