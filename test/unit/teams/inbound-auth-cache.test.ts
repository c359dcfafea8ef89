import type { Activity, CloudAdapter } from 'botbuilder';
import { ClaimsIdentity, type BotFrameworkAuthentication } from 'botframework-connector';
import { cacheInboundAuthentication } from '../../../src/teams/inbound-auth-cache';

/**
 * The verified-token cache in front of botbuilder's inbound check. botbuilder's BotFrameworkAuthentication is the
 * boundary here: a stand-in that verifies by a table and counts how often it was asked. (The real check, with
 * signed tokens and every kind of refusal, runs in test/integration/bot/inbound-auth.test.ts through the cache.)
 */
const BOT = 'bot-app-id';
const ISSUER = 'https://api.botframework.com';
const SERVICE = 'https://smba.trafficmanager.net/emea/';

function setUp(claimsOf: (header: string) => Record<string, unknown> | undefined) {
  let clock = 1_000_000_000_000;
  const calls: string[] = [];
  let built = 0;
  const auth = {
    async authenticateRequest(activity: Partial<Activity>, header: string) {
      calls.push(`${header} ${activity.serviceUrl}`);
      const claims = claimsOf(header);
      if (!claims) throw Object.assign(new Error('refused'), { statusCode: 401 });
      return {
        claimsIdentity: new ClaimsIdentity(Object.entries(claims).map(([type, value]) => ({ type, value: value as string })), true),
        audience: 'https://api.botframework.com',
        callerId: 'urn:botframework:azure',
        connectorFactory: { create: async () => ({ client: ++built }) },
      };
    },
    createConnectorFactory: () => ({ create: async () => ({ client: ++built }) }),
    createUserTokenClient: async () => ({ tokenClient: ++built }),
  };
  const adapter = { botFrameworkAuthentication: auth } as unknown as CloudAdapter;
  cacheInboundAuthentication(adapter, { botId: BOT, channelIssuer: ISSUER, now: () => clock });
  const activity = (serviceUrl = SERVICE) => ({ channelId: 'msteams', serviceUrl }) as Activity;
  return { auth: auth as unknown as BotFrameworkAuthentication, calls, activity, advance: (ms: number) => (clock += ms), nowSeconds: () => Math.floor(clock / 1000), built: () => built };
}

const valid = (nowSeconds: number, extra: Record<string, unknown> = {}) => ({ iss: ISSUER, aud: BOT, serviceurl: SERVICE, exp: nowSeconds + 3600, ...extra });

describe('inbound authentication cache', () => {
  it('verifies a token once, then accepts it again without the full check', async () => {
    const t = setUp(() => valid(Math.floor(1_000_000_000_000 / 1000)));
    const first = await t.auth.authenticateRequest(t.activity(), 'Bearer a');
    const second = await t.auth.authenticateRequest(t.activity(), 'Bearer a');
    expect(t.calls).toHaveLength(1);
    expect(second.claimsIdentity).toBe(first.claimsIdentity);
  });

  it('checks the full way again once exp has passed, and after five minutes at most', async () => {
    const start = Math.floor(1_000_000_000_000 / 1000);
    const t = setUp((h) => (h === 'Bearer short' ? valid(start, { exp: start + 60 }) : valid(start)));
    await t.auth.authenticateRequest(t.activity(), 'Bearer short');
    t.advance(59_000);
    await t.auth.authenticateRequest(t.activity(), 'Bearer short');
    expect(t.calls).toHaveLength(1);
    t.advance(1_000); // exp reached: no tolerance in the cache
    await t.auth.authenticateRequest(t.activity(), 'Bearer short');
    expect(t.calls).toHaveLength(2);

    await t.auth.authenticateRequest(t.activity(), 'Bearer long');
    t.advance(5 * 60_000);
    await t.auth.authenticateRequest(t.activity(), 'Bearer long');
    expect(t.calls.filter((c) => c.startsWith('Bearer long'))).toHaveLength(2);
  });

  it('the same token with another service URL, or another token, goes through the full check (and its refusal)', async () => {
    const start = Math.floor(1_000_000_000_000 / 1000);
    const t = setUp((h) => (h === 'Bearer a' ? valid(start) : undefined));
    await t.auth.authenticateRequest(t.activity(), 'Bearer a');
    await expect(t.auth.authenticateRequest(t.activity('https://smba.attacker.example/'), 'Bearer a')).resolves.toBeDefined();
    expect(t.calls).toEqual([`Bearer a ${SERVICE}`, 'Bearer a https://smba.attacker.example/']);
    await expect(t.auth.authenticateRequest(t.activity(), 'Bearer b')).rejects.toThrow('refused');
    await expect(t.auth.authenticateRequest(t.activity(), 'Bearer b')).rejects.toThrow('refused');
    expect(t.calls).toHaveLength(4);
  });

  it('remembers nothing but Bot Connector tokens for this bot', async () => {
    const start = Math.floor(1_000_000_000_000 / 1000);
    const claims: Record<string, Record<string, unknown>> = {
      'Bearer other-audience': valid(start, { aud: 'another-bot' }),
      'Bearer other-issuer': valid(start, { iss: 'https://login.microsoftonline.com/x/v2.0' }),
      'Bearer no-exp': valid(start, { exp: undefined }),
    };
    const t = setUp((h) => claims[h]);
    for (const header of Object.keys(claims)) {
      await t.auth.authenticateRequest(t.activity(), header);
      await t.auth.authenticateRequest(t.activity(), header);
    }
    expect(t.calls).toHaveLength(6);
  });

  it('builds one connector client per service URL and audience, and one user-token client, for all turns', async () => {
    const start = Math.floor(1_000_000_000_000 / 1000);
    const t = setUp((h) => valid(start, { h }));
    const a = await t.auth.authenticateRequest(t.activity(), 'Bearer a');
    const b = await t.auth.authenticateRequest(t.activity(), 'Bearer b');
    const c1 = await a.connectorFactory!.create(SERVICE, 'aud');
    const c2 = await b.connectorFactory!.create(SERVICE, 'aud');
    const proactive = await t.auth.createConnectorFactory(a.claimsIdentity).create(SERVICE, 'aud');
    expect(c2).toBe(c1);
    expect(proactive).toBe(c1);
    expect(await a.connectorFactory!.create('https://smba.trafficmanager.net/amer/', 'aud')).not.toBe(c1);
    const u1 = await t.auth.createUserTokenClient(a.claimsIdentity);
    expect(await t.auth.createUserTokenClient(b.claimsIdentity)).toBe(u1);
    expect(t.built()).toBe(3);
  });
});
