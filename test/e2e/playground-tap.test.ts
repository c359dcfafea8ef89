import { createServer, type Server } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FABRIKAM, NORTHWIND, cardText } from '../support/bot-harness';
import { errorCodeOf } from '../support/card-error-code';
import { DevEnvironment } from '../support/dev-environment';
import { listenOnLoopback } from '../support/free-port';
import { PlaygroundDriver, type PlaygroundMessage } from '../support/playground-driver';

/**
 * Issue #19 ("a passwordless first day") through what `npm start` runs, driven via the Agents Playground's own
 * HTTP and WebSocket API: a Fabrikam user created with a Temporary Access Pass, the pass shown once in the
 * engineer's 1:1 chat and nowhere else (no other conversation, no log line, no audit, history or CSV export), its
 * validity on the card equal to what the sandbox's Graph stored, then removed from the message on time; and
 * Northwind, whose tenant has the pass disabled, caught on the checklist.
 *
 * The reveal time is 0.05 minutes (3 s) so the removal can be watched; the due-work poll is 200 ms.
 */
interface SandboxTap {
  id: string;
  createdDateTime: string;
  startDateTime: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
}
interface World {
  customers: Array<{ id: string; tapPolicy: { state: string }; temporaryAccessPasses: Record<string, SandboxTap> }>;
  users: Record<string, Array<{ id: string; userPrincipalName: string }>>;
  requests: Array<{ method: string; path: string; status?: number; body: unknown; auth: { upn?: string; tid?: string } | null }>;
}

const DATA = 'test-output/e2e-tap-data';
const REVEAL_MINUTES = 0.05;
const CARD = 'application/vnd.microsoft.card.adaptive';
/** Ada, the Playground's user (src/sandbox/seed-data.json). */
const ADA_OID = '55555555-0000-4000-8000-00000000000a';
const TAP_POST = /\/authentication\/temporaryAccessPassMethods$/;

describe('Agents Playground: a Temporary Access Pass as the first credential, end to end', () => {
  const env = new DevEnvironment(DATA, { PASSWORD_REVEAL_MINUTES: String(REVEAL_MINUTES), DUE_WORK_POLL_MS: '200', LOG_LEVEL: 'debug' });
  let driver: PlaygroundDriver;
  let chat: string;
  let me: string;

  const world = async () => (await env.sandboxState()) as unknown as World;
  const cardOf = (m: PlaygroundMessage | undefined) => m?.attachments?.find((a) => a.contentType === CARD)?.content;

  beforeAll(async () => {
    await env.start();
    driver = new PlaygroundDriver(env.playground.url);
    await driver.connect();
    const cfg = await driver.config();
    chat = cfg.personalChat.id as string;
    me = cfg.currentUser.id as string;
  }, 90_000);

  afterAll(async () => {
    driver?.close();
    await env.stop();
  });

  /** The form values of a new Fabrikam/Northwind user with a one-time pass for 8 hours. */
  const tapForm = (form: unknown, customerId: string, user: { firstName: string; lastName: string; userName: string; domain: string }, credential: 'tap' | 'password' = 'tap') => ({
    ...PlaygroundDriver.formValues(form),
    customerId,
    ...user,
    displayName: '',
    usageLocation: 'US',
    immutableId: '',
    passwordMode: 'generate',
    password: '',
    forceChangePassword: 'true',
    licences: '',
    groups: '',
    manager: '',
    ticket: 'E2E-19',
    firstCredential: credential,
    tapUsage: 'once',
    tapLifetime: '480',
  });

  describe('Fabrikam (policy enabled)', () => {
    let requestId: string;
    let pickerId: string;
    let pass: string;
    let userId: string;

    it('the pass is shown once, only on the 1:1 result card, with its validity as Graph stored it; one pass in the tenant; never logged, audited or exported', async () => {
      const opened = await driver.openNewUserForm(chat, me, FABRIKAM);
      pickerId = opened.pickerId;
      const confirm = await driver.card(chat, me, pickerId, 'submitForm', tapForm(opened.form, FABRIKAM, { firstName: 'Grace', lastName: 'Hopper', userName: 'grace.hopper', domain: 'fabrikam.example' }));
      expect(PlaygroundDriver.checkCode(confirm, 'first-credential')).toBe('ok.');
      const create = confirm.actions.find((a: any) => a.verb === 'create');
      expect(create).toBeDefined();
      requestId = create.data.requestId as string;

      const shownAt = Date.now();
      const creating = await driver.card(chat, me, pickerId, 'create', { requestId });
      expect(cardText(creating)).toContain('Creating');
      // The first version of the result card: it carries the pass (CodeBlock) and its validity.
      const withPass = await driver.waitFor(() => driver.events.map((e) => cardOf(e.message)).find((c) => c && cardText(c).includes('User created') && codeSnippet(c)), 30_000);
      pass = codeSnippet(withPass)!;
      expect(pass).toHaveLength(12); // Fabrikam's policy: passes of 12 characters
      expect(hasElementId(withPass, 'credential.removed')).toBe(false);

      // The sandbox's Graph holds exactly one pass for the user, made once, with Ada's token.
      const w = await world();
      const users = w.users[FABRIKAM].filter((u) => u.userPrincipalName === 'grace.hopper@fabrikam.example');
      expect(users).toHaveLength(1);
      userId = users[0].id;
      const passes = w.customers.find((c) => c.id === FABRIKAM)!.temporaryAccessPasses;
      const stored = passes[userId];
      expect(stored).toMatchObject({ lifetimeInMinutes: 480, isUsableOnce: true });
      const posts = w.requests.filter((r) => r.method === 'POST' && TAP_POST.test(r.path) && r.path.includes(userId));
      expect(posts.map((r) => [r.status, r.auth?.upn])).toEqual([[201, 'ada@contoso-partner.example']]);
      // Nothing the sandbox keeps (its request log, its state) holds the secret: Graph shows it once, in its answer.
      expect(JSON.stringify(w)).not.toContain(pass);

      // "Valid from" and "Expires" on the card are the stored pass's start and start + lifetime (minutes, UTC).
      const start = new Date(stored.startDateTime);
      const minute = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      expect(factValue(withPass, 'Valid from')).toBe(minute(start));
      expect(factValue(withPass, 'Expires')).toBe(minute(new Date(start.getTime() + stored.lifetimeInMinutes * 60_000)));
      expect(factValue(withPass, 'Temporary Access Pass')).toBe('one-time');
      expect(cardText(withPass)).toContain('Temporary Access Pass (only in this chat; removed from this message at');
      // No pass was asked to start later: valid from about now.
      expect(Math.abs(start.getTime() - shownAt)).toBeLessThan(60_000);

      // Once: a single message ever carried the pass, the 1:1 picker message, and only in the personal chat.
      const carrying = driver.events.filter((e) => JSON.stringify(e.message).includes(pass));
      expect(carrying.length).toBeGreaterThanOrEqual(1);
      expect([...new Set(carrying.map((e) => e.message.id))]).toEqual([pickerId]);
      expect([...new Set(carrying.map((e) => e.message.conversation?.id))]).toEqual([chat]);
      // The Playground's own log of every activity the bot sent, in any conversation (group chat, channel, others'
      // 1:1 chats): the pass only ever went to the personal chat.
      const playgroundLog = readFileSync(join(DATA, 'playground/devTools/m365agentsplayground.log'), 'utf8').split('\n');
      const logged = playgroundLog.filter((l) => l.includes(pass));
      expect(logged.length).toBeGreaterThanOrEqual(1);
      for (const line of logged) {
        const ids = conversationIdsIn(line);
        expect(ids.length).toBeGreaterThan(0);
        expect([...new Set(ids)]).toEqual([chat]);
      }

      // Never logged by the bot (debug level), never in its stored records (the vault keeps it encrypted).
      expect(env.logs.text()).not.toContain(pass);
      expect(env.logs.text()).toContain('temporary access pass made');
      const stored2 = await env.app.useCases.requests.get(requestId);
      expect(stored2?.value.temporaryAccessPass).toMatchObject({ validFrom: start.toISOString(), lifetimeInMinutes: 480, isUsableOnce: true });
      expect(JSON.stringify(stored2)).not.toContain(pass);
      expect(filesContaining(DATA, pass, ['playground'])).toEqual([]);

      // history (the card) and the CSV export (uploaded through the file-consent flow) list the request without it.
      const history = await ask('history', (c) => cardText(c).includes('grace.hopper@'));
      expect(JSON.stringify(history)).not.toContain(pass);
      const csv = await exportCsv();
      expect(csv).toContain(requestId);
      expect(csv).toContain('temporary-access-pass');
      expect(csv).not.toContain(pass);
    }, 180_000);

    it('the pass leaves the message on time, the stored copy is gone, and a stale Create or Retry answers with the card without it', async () => {
      const created = (await env.app.useCases.requests.get(requestId))!.value;
      expect(created.state.kind).toBe('created');
      const until = Date.parse((created.state as { passwordRevealUntil?: string }).passwordRevealUntil ?? '');
      expect(until).toBeGreaterThan(0);

      const removed = await driver.waitFor(() => {
        const card = cardOf(driver.messages.get(pickerId));
        return card && cardText(card).includes('User created') && !codeSnippet(card) ? card : undefined;
      }, 30_000);
      const removedAt = Date.now();
      // On time: not before its reveal time, and within a few polls after it.
      expect(removedAt).toBeGreaterThanOrEqual(until);
      expect(removedAt - until).toBeLessThan(5_000);
      expect(JSON.stringify(removed)).not.toContain(pass);
      expect(hasElementId(removed, 'credential.removed')).toBe(true);
      // The validity stays on the card: the person still needs to know until when the pass works.
      expect(factValue(removed, 'Expires')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);

      // The stored (encrypted) copy is gone, and nothing is left to hide. The message is updated first and the
      // request settled right after it (the pass leaves what people see before the record says so), so the store
      // is polled briefly rather than read at the very moment the message changed (a CI run caught that moment).
      let after = (await env.app.useCases.requests.get(requestId))!.value;
      for (const deadline = Date.now() + 5_000; (after.state as { passwordRevealUntil?: string }).passwordRevealUntil && Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 100));
        after = (await env.app.useCases.requests.get(requestId))!.value;
      }
      expect((after.state as { passwordRevealUntil?: string }).passwordRevealUntil).toBeUndefined();
      expect(await env.app.useCases.vault.get(requestId)).toBeUndefined();

      // Stale clicks on the old confirmation card: Create again, and Try again. Both answer with the request's
      // current card (marked credential.removed), never the pass; the sandbox made no second pass.
      for (const verb of ['create', 'retry']) {
        const stale = await driver.card(chat, me, pickerId, verb, { requestId });
        expect(`${verb}: ${cardText(stale).includes('User created')}`).toBe(`${verb}: true`);
        expect(hasElementId(stale, 'credential.removed')).toBe(true);
        expect(JSON.stringify(stale)).not.toContain(pass);
      }
      const w = await world();
      expect(w.requests.filter((r) => r.method === 'POST' && TAP_POST.test(r.path) && r.path.includes(userId))).toHaveLength(1);
      expect(w.users[FABRIKAM].filter((u) => u.userPrincipalName === 'grace.hopper@fabrikam.example')).toHaveLength(1);
      expect(env.logs.text()).not.toContain(pass);
    }, 60_000);
  });

  it('Northwind (policy disabled): caught on the checklist with TAP_POLICY_DISABLED, no Create, nothing sent; a password is the way out', async () => {
    const before = await world();
    expect(before.customers.find((c) => c.id === NORTHWIND)!.tapPolicy.state).toBe('disabled');
    const { pickerId, form } = await driver.openNewUserForm(chat, me, NORTHWIND);
    const user = { firstName: 'Alan', lastName: 'Turing', userName: 'alan.turing', domain: 'northwindtraders.onmicrosoft.com' };
    const confirm = await driver.card(chat, me, pickerId, 'submitForm', tapForm(form, NORTHWIND, user));
    expect(PlaygroundDriver.checkCode(confirm, 'first-credential')).toBe('blocked.TAP_POLICY_DISABLED');
    const verbs = (confirm.actions as Array<{ verb?: string }>).map((a) => a.verb);
    expect(verbs).not.toContain('create');
    expect(verbs).toContain('edit');
    const requestId = (confirm.actions as Array<{ verb?: string; data?: { requestId?: string } }>).find((a) => a.verb === 'edit')!.data!.requestId!;

    let w = await world();
    expect(w.users[NORTHWIND].some((u) => u.userPrincipalName.startsWith('alan.turing@'))).toBe(false);
    // Nothing was sent to make a pass or a user: no Graph pass call in Northwind's tenant, no Partner Center create.
    const sent = () => w.requests.filter((r) => r.method === 'POST' && ((TAP_POST.test(r.path) && r.auth?.tid === NORTHWIND) || JSON.stringify(r.body ?? '').includes('alan.turing@')));
    expect(sent()).toEqual([]);
    // A forged Create on the blocked request is refused too: the server runs the checks, not the card.
    // A forged Create on the blocked request (the button is not on the card): the creation's final check runs the
    // checklist again, uncached, with Ada's identity, and stops it with the same code before Partner Center.
    await driver.card(chat, me, pickerId, 'create', { requestId });
    const failed = await driver.waitFor(() => {
      const card = cardOf(driver.messages.get(pickerId));
      return card && errorCodeOf(card) ? card : undefined;
    }, 30_000);
    expect(errorCodeOf(failed)).toBe('TAP_POLICY_DISABLED');
    expect((await env.app.useCases.requests.get(requestId))!.value.state).toMatchObject({ kind: 'failed', failure: { code: 'TAP_POLICY_DISABLED' } });
    w = await world();
    expect(w.users[NORTHWIND].some((u) => u.userPrincipalName.startsWith('alan.turing@'))).toBe(false);
    expect(sent()).toEqual([]);

    // The way out the checklist names: Edit, choose a password, review again; the password check passes.
    const edit = await driver.card(chat, me, pickerId, 'edit', { requestId });
    const again = await driver.card(chat, me, pickerId, 'submitForm', { ...tapForm(edit, NORTHWIND, user, 'password'), requestId });
    expect(PlaygroundDriver.formValues(edit)).toMatchObject({ firstName: 'Alan', userName: 'alan.turing', firstCredential: 'tap' });
    // A password needs no Temporary Access Pass line; nothing on the checklist blocks.
    expect(PlaygroundDriver.checkCode(again, 'first-credential')).toBeUndefined();
    expect(JSON.stringify(again)).not.toMatch(/"check\.[a-z-]+\.blocked\./);
    expect((again.actions as Array<{ verb?: string }>).map((a) => a.verb)).toContain('create');
    // Reviewing creates nothing: the sandbox still has no such user.
    expect((await world()).users[NORTHWIND].some((u) => u.userPrincipalName.startsWith('alan.turing@'))).toBe(false);
  }, 120_000);

  /** Sends a command in the 1:1 chat; resolves with the first new card that `match` accepts. */
  async function ask(text: string, match: (card: any) => boolean): Promise<any> {
    const seen = new Set(driver.cards().map((c) => c.id));
    await driver.say(chat, me, text);
    return (await driver.waitFor(() => driver.cards().find((c) => !seen.has(c.id) && match(c.card)))).card;
  }

  /**
   * `history csv` as a person in the Playground does it: the file offer arrives in the 1:1 chat, the person accepts
   * (the `fileConsent/invoke` Teams sends, with an upload session on a loopback stand-in for OneDrive), and the bot
   * PUTs the file there. Resolves with the bytes uploaded.
   */
  async function exportCsv(): Promise<string> {
    const uploads: string[] = [];
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        uploads.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
      });
    });
    const port = await listenOnLoopback(server);
    try {
      const seen = new Set(driver.messages.keys());
      await driver.say(chat, me, 'history csv');
      const offer = await driver.waitFor(() => [...driver.messages.values()].find((m) => !seen.has(m.id) && m.attachments?.some((a) => a.contentType === 'application/vnd.microsoft.teams.card.file.consent')));
      const consent = offer.attachments!.find((a) => a.contentType === 'application/vnd.microsoft.teams.card.file.consent')!;
      // The Playground forwards only card and message-extension invokes, so the answer Teams sends on "Allow" goes
      // to the bot's endpoint directly, shaped like the Playground's own activities (same chat, user, service URL).
      const res = await fetch(`${env.app.botUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'invoke',
          name: 'fileConsent/invoke',
          id: `e2e-${Date.now()}`,
          channelId: 'msteams',
          serviceUrl: `${env.playground.url.replace('127.0.0.1', 'localhost')}/_connector`,
          from: { id: me, name: 'Ada Lovelace', aadObjectId: ADA_OID },
          recipient: offer.from,
          conversation: { id: chat, conversationType: 'personal', tenantId: env.app.config.aad.tenantId },
          channelData: { tenant: { id: env.app.config.aad.tenantId } },
          replyToId: offer.id,
          value: {
            type: 'fileUpload',
            action: 'accept',
            context: consent.content.acceptContext,
            uploadInfo: { name: (consent as { name?: string }).name ?? 'history.csv', uploadUrl: `http://127.0.0.1:${port}/upload`, contentUrl: `http://127.0.0.1:${port}/file`, uniqueId: 'e2e', fileType: 'csv' },
          },
        }),
      });
      expect(res.status).toBe(200);
      return await driver.waitFor(() => uploads[0], 20_000);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
});

function walk(node: unknown, visit: (el: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) return node.forEach((n) => walk(n, visit));
  if (!node || typeof node !== 'object') return;
  visit(node as Record<string, unknown>);
  Object.values(node).forEach((n) => walk(n, visit));
}

/** The secret on a result card (its CodeBlock), or undefined once removed. */
function codeSnippet(card: unknown): string | undefined {
  let found: string | undefined;
  walk(card, (el) => {
    if (el.type === 'CodeBlock' && typeof el.codeSnippet === 'string' && el.codeSnippet) found ??= el.codeSnippet;
  });
  return found;
}

function factValue(card: unknown, title: string): string | undefined {
  let found: string | undefined;
  walk(card, (el) => {
    if (el.type === 'FactSet') for (const f of (el.facts as Array<{ title: string; value: string }>) ?? []) if (f.title === title) found ??= f.value;
  });
  return found;
}

function hasElementId(card: unknown, id: string): boolean {
  let found = false;
  walk(card, (el) => {
    if (el.id === id) found = true;
  });
  return found;
}

/** Every conversation id a Playground log line names (the entry's `conversationId`, its activity's `conversation.id`). */
function conversationIdsIn(line: string): string[] {
  const text = line.replace(/\\"/g, '"');
  return [...text.matchAll(/"conversationId":"([^"]+)"/g), ...text.matchAll(/"conversation":\{[^{}]*?"id":"([^"]+)"/g)].map((m) => m[1]);
}

/** Files under `dir` (but not under the skipped sub-folders) whose bytes contain `text`. */
function filesContaining(dir: string, text: string, skip: string[]): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (!skip.includes(name)) out.push(...filesContaining(path, text, []));
    } else if (readFileSync(path).includes(text)) out.push(path);
  }
  return out;
}
