import { generateKeyPair, SignJWT } from 'jose';
import { BotHarness, PARTNER_TENANT, type TeamsUser } from '../../support/bot-harness';
import { BotFrameworkIssuer, unsignedToken } from '../../support/bot-framework-issuer';
import { freePort } from '../../support/free-port';

/**
 * Inbound authentication with BOT_ID set (issue 12, point 3): the real adapter validates each activity's bearer
 * token against a local stand-in for the Bot Framework OpenID metadata and signing keys. Every kind of bad token
 * is refused with 401 before any code of ours runs for it; a valid one gets through; keys that cannot be fetched
 * give 503 and one JSON log line.
 */
const BOT_ID = '5c3e2a10-7b4d-4e6f-8a9b-0c1d2e3f4a5b';

describe('inbound authentication (BOT_ID set)', () => {
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

  /** An Action.Execute with an unknown verb: answered inline (no outbound call), so a 200 proves the turn ran. */
  const activity = () => bot.activity(ada, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'noSuchVerb', data: {} } } });

  async function post(body: Record<string, unknown>, authorization?: string): Promise<{ status: number; text: string }> {
    const res = await fetch(`${bot.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, text: await res.text() };
  }

  const turnsRun = () => bot.logs.parsed().filter((l) => l.msg === 'unknown card action').length;

  it('a valid Bot Connector token → 200, and the turn runs', async () => {
    const before = turnsRun();
    const res = await post(activity(), `Bearer ${await issuer.token(BOT_ID, bot.connector.url)}`);
    expect(res.status).toBe(200);
    expect(turnsRun()).toBe(before + 1);
  });

  it('a token accepted before is refused on an activity for another service URL (the verified-token cache keys on it)', async () => {
    const token = `Bearer ${await issuer.token(BOT_ID, bot.connector.url)}`;
    expect((await post(activity(), token)).status).toBe(200);
    expect((await post(activity(), token)).status).toBe(200);
    const before = turnsRun();
    const res = await post({ ...activity(), serviceUrl: 'https://smba.attacker.example/amer/' }, token);
    expect(res.status).toBe(401);
    expect(turnsRun()).toBe(before);
  });

  const refused: Array<[string, () => Promise<string | undefined>]> = [
    ['no Authorization header (unsigned request)', async () => undefined],
    ['a token that is not a JWT', async () => 'Bearer not-a-token'],
    ['a forged signature (right kid, another key)', async () => issuer.token(BOT_ID, bot.connector.url, { key: (await generateKeyPair('RS256')).privateKey })],
    [
      'alg: none',
      async () => {
        const now = Math.floor(Date.now() / 1000);
        return `Bearer ${unsignedToken({ kid: issuer.kid }, { iss: BotFrameworkIssuer.ISSUER, aud: BOT_ID, serviceurl: bot.connector.url, nbf: now - 60, exp: now + 3600 })}`;
      },
    ],
    [
      'HS256 signed with the public key as the secret (key confusion)',
      async () => {
        const now = Math.floor(Date.now() / 1000);
        const secret = new TextEncoder().encode(await issuer.publicPem());
        return `Bearer ${await new SignJWT({ iss: BotFrameworkIssuer.ISSUER, aud: BOT_ID, serviceurl: bot.connector.url, nbf: now - 60, exp: now + 3600 }).setProtectedHeader({ alg: 'HS256', kid: issuer.kid }).sign(secret)}`;
      },
    ],
    ['expired (beyond the 5 minutes of clock tolerance)', async () => issuer.token(BOT_ID, bot.connector.url, { expiresInSeconds: -600 })],
    ['the wrong audience (another bot)', async () => issuer.token(BOT_ID, bot.connector.url, { claims: { aud: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a' } })],
    ['the wrong issuer', async () => issuer.token(BOT_ID, bot.connector.url, { claims: { iss: 'https://attacker.example' } })],
    ['a serviceurl claim that is not the activity’s service URL', async () => issuer.token(BOT_ID, 'https://smba.attacker.example/amer/')],
    ['an unknown key id', async () => issuer.token(BOT_ID, bot.connector.url, { header: { kid: 'unknown-kid' } })],
  ];

  it.each(refused)('%s → 401, and no turn runs', async (_name, makeToken) => {
    const token = await makeToken();
    const before = turnsRun();
    const sentBefore = bot.connector.calls.length;
    const res = await post(activity(), token && (token.startsWith('Bearer ') ? token : `Bearer ${token}`));
    expect(res.status).toBe(401);
    expect(res.text).not.toMatch(/at .*\.js|stack|jsonwebtoken/i);
    expect(turnsRun()).toBe(before);
    expect(bot.connector.calls.length).toBe(sentBefore);
  });

  it('a body that is not an activity → 400, not 500', async () => {
    expect((await post({ text: 'no type', channelId: 'msteams', channelData: { tenant: { id: PARTNER_TENANT } } }, `Bearer ${await issuer.token(BOT_ID, bot.connector.url)}`)).status).toBe(400);
  });
});

describe('inbound authentication when the signing keys cannot be fetched', () => {
  let bot: BotHarness;
  let ada: TeamsUser;
  const stdout: string[] = [];
  let restore: () => void;

  beforeAll(async () => {
    // Nothing listens on this port: the metadata fetch fails the way it does offline.
    const unreachable = `http://127.0.0.1:${await freePort()}/v1/.well-known/openidconfiguration`;
    bot = new BotHarness({ bot: { id: BOT_ID, password: 'bot-secret', tenantId: PARTNER_TENANT, openIdMetadataUrl: unreachable } });
    await bot.start();
    ada = await bot.teamsUser('ada@contoso-partner.example');
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      stdout.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    restore = () => (process.stdout.write = write);
  });
  afterAll(async () => {
    restore();
    await bot.stop();
  });

  it('answers 503 and logs exactly one JSON line, with no stack trace on stdout', async () => {
    const issuer = new BotFrameworkIssuer();
    await issuer.start();
    const token = await issuer.token(BOT_ID, bot.connector.url);
    await issuer.stop();
    const before = bot.logs.lines.length;
    const res = await fetch(`${bot.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(bot.activity(ada, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'noSuchVerb', data: {} } } })),
    });
    expect(res.status).toBe(503);
    const lines = bot.logs.lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    const keyLines = lines.filter((l) => String(l.msg).includes('signing keys'));
    expect(keyLines).toHaveLength(1);
    expect(keyLines[0].level).toBe(50);
    expect(lines.filter((l) => l.msg === 'turn crashed')).toHaveLength(0);
    expect(stdout.join('')).not.toMatch(/\n\s+at /);
  });
});
