import { connect } from 'node:net';
import { REQUEST_DEADLINE_MS } from '../../../src/teams/http-server';
import { BotHarness, PARTNER_TENANT, type TeamsUser } from '../../support/bot-harness';
import { BotFrameworkIssuer } from '../../support/bot-framework-issuer';

/**
 * An outside-in pass over `/api/messages` as an attacker without a Bot Connector token sees it (BOT_ID set). What
 * the other inbound tests already cover (every kind of bad token, other channels, other tenants, body limits) is
 * not repeated; this file holds what that pass found.
 */
const BOT_ID = '5c3e2a10-7b4d-4e6f-8a9b-0c1d2e3f4a5b';

describe('hostile inbound activities (BOT_ID set)', () => {
  const issuer = new BotFrameworkIssuer();
  let bot: BotHarness;
  let ada: TeamsUser;

  beforeAll(async () => {
    await issuer.start();
    bot = new BotHarness({ bot: { id: BOT_ID, password: 'bot-secret', tenantId: PARTNER_TENANT, openIdMetadataUrl: issuer.metadataUrl } });
    await bot.start();
    ada = await bot.teamsUser('ada@contoso-partner.example');
  });
  afterAll(async () => {
    await bot.stop();
    await issuer.stop();
  });

  async function post(body: Record<string, unknown>): Promise<number> {
    const res = await fetch(`${bot.botUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await res.text();
    return res.status;
  }

  const big = (c: string) => c.repeat(200_000);
  const invoke = () => bot.activity(ada, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'noSuchVerb', data: {} } } });
  const cases: Array<[string, number, () => Record<string, unknown>]> = [
    ['a 200 KB invoke name, no token', 401, () => ({ ...invoke(), name: big('N') })],
    ['a 200 KB activity type, no token', 401, () => ({ ...invoke(), type: big('T') })],
    ['a 200 KB conversation type, no token', 401, () => ({ ...invoke(), conversation: { id: 'a:x', conversationType: big('C'), tenantId: PARTNER_TENANT } })],
    ['a 200 KB tenant id', 403, () => ({ ...invoke(), channelData: { tenant: { id: big('X') } } })],
    ['a tenant id that is an object', 403, () => ({ ...invoke(), channelData: { tenant: { id: { nested: big('Y') } } } })],
  ];

  it.each(cases)('%s → %d, and every log line for it stays under 1 KB with the value clipped', async (_name, status, make) => {
    const before = bot.logs.lines.length;
    expect(await post(make())).toBe(status);
    const lines = bot.logs.lines.slice(before);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.length).toBeLessThan(1024);
    expect(lines.join('\n')).not.toMatch(/(NNNN|TTTT|CCCC|XXXX|YYYY){20}/);
  });

  const turnsRun = () => bot.logs.parsed().filter((l) => l.msg === 'unknown card action').length;
  const signed = async (body: Record<string, unknown>) => {
    const res = await fetch(`${bot.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await issuer.token(BOT_ID, bot.connector.url)}` },
      body: JSON.stringify(body),
    });
    await res.text();
    return res.status;
  };

  it('channelData naming our tenant but the conversation another (the sign-in key reads the latter) → 403, no turn, even with a valid token', async () => {
    const before = turnsRun();
    expect(await signed(invoke())).toBe(200);
    expect(turnsRun()).toBe(before + 1);
    const other = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
    const a = invoke();
    expect(await signed({ ...a, conversation: { ...(a.conversation as object), tenantId: other } })).toBe(403);
    // The same id in another case is the same tenant.
    expect(await signed({ ...a, conversation: { ...(a.conversation as object), tenantId: PARTNER_TENANT.toUpperCase() } })).toBe(200);
    expect(turnsRun()).toBe(before + 2);
  });
});

describe('a client that trickles its request (BOT_ID set, no token needed)', () => {
  const issuer = new BotFrameworkIssuer();
  let bot: BotHarness;

  beforeAll(async () => {
    await issuer.start();
    bot = new BotHarness({ bot: { id: BOT_ID, password: 'bot-secret', tenantId: PARTNER_TENANT, openIdMetadataUrl: issuer.metadataUrl } });
    await bot.start();
  });
  afterAll(async () => {
    await bot.stop();
    await issuer.stop();
  });

  it(`a body that never completes is answered 408 and the connection closed after ${REQUEST_DEADLINE_MS / 1000} s, not held for Node's 300 s`, async () => {
    const { hostname, port } = new URL(bot.botUrl);
    const started = Date.now();
    const answer = await new Promise<{ text: string; ms: number }>((resolve, reject) => {
      let text = '';
      const socket = connect(Number(port), hostname, () => {
        socket.write(`POST /api/messages HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"type":"mess`);
      });
      socket.on('data', (d) => (text += d.toString('utf8')));
      socket.on('close', () => resolve({ text, ms: Date.now() - started }));
      socket.on('error', reject);
      setTimeout(() => socket.destroy(new Error('still open after 40 s')), 40_000).unref();
    });
    expect(answer.text).toMatch(/^HTTP\/1\.1 408/);
    expect(answer.ms).toBeGreaterThanOrEqual(REQUEST_DEADLINE_MS - 1_000);
    expect(answer.ms).toBeLessThan(REQUEST_DEADLINE_MS + 5_000);
    // The server still serves the next request.
    expect((await fetch(`${bot.botUrl}/healthz`)).status).toBe(200);
  }, 60_000);
});
