import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { BotHarness, PARTNER_TENANT, type TeamsUser } from '../../support/bot-harness';
import { BotFrameworkIssuer } from '../../support/bot-framework-issuer';
import { OPENID_FETCH_TIMEOUT_MS } from '../../../src/teams/openid-metadata';

const BOT_ID = '5c3e2a10-7b4d-4e6f-8a9b-0c1d2e3f4a5b';

/**
 * The Bot Framework OpenID metadata endpoint accepts the connection and never answers (a hung identity endpoint,
 * a black-holing proxy). botframework-connector fetches it without a timeout, which would hang every turn; the
 * bot's own fetch (src/teams/openid-metadata.ts) gives up after 5 s, answers 503 like any other key outage, logs
 * one line with the code OPENID_METADATA_TIMEOUT and nothing of the token, and refuses the next activities at once
 * for a while instead of making each of them wait again.
 */
describe('inbound authentication when the OpenID metadata endpoint never answers', () => {
  let hung: Server;
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  let bot: BotHarness;
  let ada: TeamsUser;
  let token: string;

  beforeAll(async () => {
    hung = createServer((req) => {
      requests.push(req.url ?? ''); // and no answer, ever
    });
    hung.on('connection', (s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', () => resolve()));
    const port = (hung.address() as { port: number }).port;
    bot = new BotHarness({ bot: { id: BOT_ID, password: 'bot-secret', tenantId: PARTNER_TENANT, openIdMetadataUrl: `http://127.0.0.1:${port}/v1/.well-known/openidconfiguration` } });
    await bot.start();
    ada = await bot.teamsUser('ada@contoso-partner.example');
    // A token as the Bot Connector signs it (its keys are what the bot cannot fetch).
    const issuer = await new BotFrameworkIssuer().start();
    token = await issuer.token(BOT_ID, bot.connector.url);
    await issuer.stop();
  });
  afterAll(async () => {
    await bot.stop();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => hung.close(() => resolve()));
  });

  const turnsRun = () => bot.logs.parsed().filter((l) => l.msg === 'unknown card action').length;

  async function post(): Promise<{ status: number; text: string; ms: number }> {
    const started = Date.now();
    const res = await fetch(`${bot.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(bot.activity(ada, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'noSuchVerb', data: {} } } })),
    });
    return { status: res.status, text: await res.text(), ms: Date.now() - started };
  }

  it('three activities at once: each answered 503 once the 5 s fetch deadline passes, one fetch for all, no turn, one log line with the code', async () => {
    const logsBefore = bot.logs.lines.length;
    const answers = await Promise.all([post(), post(), post()]);
    for (const a of answers) {
      expect(a.status).toBe(503);
      expect(JSON.parse(a.text)).toEqual({ error: 'authentication temporarily unavailable' });
      expect(a.ms).toBeGreaterThanOrEqual(OPENID_FETCH_TIMEOUT_MS - 250);
      expect(a.ms).toBeLessThan(OPENID_FETCH_TIMEOUT_MS + 3_000);
    }
    // One fetch of the metadata served all three (they waited for the same one), and it was given up.
    expect(requests).toEqual(['/v1/.well-known/openidconfiguration']);
    expect(turnsRun()).toBe(0);

    const lines = bot.logs.lines.slice(logsBefore);
    const keyLines = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => String(l.msg).includes('signing keys'));
    expect(keyLines).toHaveLength(3);
    for (const l of keyLines) expect(l).toMatchObject({ level: 50, err: 'OpenIdMetadataUnavailable', code: 'OPENID_METADATA_TIMEOUT' });
    // Nothing of the token in the logs: not the whole, not its signature.
    const text = lines.join('\n');
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('.')[2]);
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  }, 20_000);

  it('right after: refused at once (no second wait of 5 s), and no new fetch while the failure is fresh', async () => {
    const a = await post();
    expect(a.status).toBe(503);
    expect(a.ms).toBeLessThan(1_000);
    expect(requests).toHaveLength(1);
    expect(turnsRun()).toBe(0);
  });
});
