import { CardFactory, ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter';
import { AppCredentials, AuthenticationConstants } from 'botframework-connector';
import { CardUpdater } from '../../../src/teams/card-updater';
import { callConnector } from '../../../src/teams/connector-http';
import { DEFAULT_RETRY, retryAfterMs, type RetryOptions } from '../../../src/teams/connector-retry';
import { botFrameworkAuthConfig } from '../../../src/teams/inbound-activity';
import { cacheInboundAuthentication } from '../../../src/teams/inbound-auth-cache';
import { isPrivateChatRefused } from '../../../src/teams/password-handover';
import { freePort } from '../../support/free-port';
import { RecordingConnector, type ConnectorCall } from '../../support/recording-connector';
import { RecordingLogger } from '../../support/recording-logger';

/**
 * The bot's outbound calls to the Bot Connector without botbuilder's azure pipeline (src/teams/fast-conversations.ts,
 * issue 16): what reaches Teams must be what botbuilder sent. Two adapters side by side against one recording
 * connector: botbuilder's own (the reference) and the bot's (cacheInboundAuthentication, which installs the fast
 * client), both with the same app id and the bot's app token in botbuilder's credential cache, where MSAL puts it.
 */
const BOT_ID = '6b7e2c31-0c55-4b8e-9d7c-0d6f1f0e6a11';
const APP_TOKEN = 'bot-app-token-for-the-connector';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('the Bot Connector client (botbuilder pipeline replaced)', () => {
  const connector = new RecordingConnector();
  const logger = new RecordingLogger();
  const noWait: RetryOptions = { ...DEFAULT_RETRY, sleep: async () => undefined };
  let reference: CardUpdater;
  let fast: CardUpdater;
  let plainAdapter: TeamsAdapter;
  let channel: Record<string, unknown>;

  const adapter = (withFastClient: boolean) => {
    const a = new TeamsAdapter(
      botFrameworkAuthConfig('http://127.0.0.1:9/unused-openid-metadata'),
      new ConfigurationServiceClientCredentialFactory({ MicrosoftAppId: BOT_ID, MicrosoftAppPassword: 'bot-secret', MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: 'partner-tenant' }),
    );
    if (withFastClient) cacheInboundAuthentication(a, { botId: BOT_ID, channelIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer });
    return a;
  };

  beforeAll(async () => {
    await connector.start();
    const cacheKey = `${BOT_ID}${AuthenticationConstants.ToChannelFromBotOAuthScope}-cache`;
    (AppCredentials as unknown as { cache: Map<string, unknown> }).cache.set(cacheKey, { accessToken: APP_TOKEN, expiresOn: new Date(Date.now() + 3_600_000) });
    plainAdapter = adapter(false);
    reference = new CardUpdater(plainAdapter, BOT_ID, logger, noWait);
    fast = new CardUpdater(adapter(true), BOT_ID, logger, noWait);
    channel = {
      channelId: 'msteams',
      serviceUrl: connector.url,
      locale: 'en-US',
      conversation: { id: '19:general ü@thread.tacv2;messageid=1', isGroup: true, conversationType: 'channel', tenantId: 'customer-tenant', name: null },
      bot: { id: `28:${BOT_ID}`, name: 'Partner User Desk' },
      user: { id: '29:ada', name: 'Ada', aadObjectId: 'oid-ada' },
      activityId: 'act-root',
    };
  });
  afterAll(() => connector.stop());

  /** A card with what real ones carry: nested arrays, unicode, nulls, an undefined that must not be sent. */
  const card = (n: number) => ({
    type: 'AdaptiveCard' as const,
    version: '1.5',
    refresh: { action: { type: 'Action.Execute', verb: 'refresh', data: { requestId: `r-${n}` } }, userIds: ['29:ada', '29:ben'] },
    body: [
      { type: 'TextBlock', text: `Créé ✓ — ${'x'.repeat(n)} "quoted" \u2028 line`, wrap: true, color: null, extra: undefined },
      { type: 'FactSet', facts: [{ title: 'UPN', value: 'barbara@fabrikam.example' }] },
    ],
    actions: [{ type: 'Action.Execute', title: 'Approve', verb: 'approve', data: { verb: 'approve', requestId: `r-${n}`, n } }],
  });

  /** Runs one step through each updater and returns the two calls it made (botbuilder's, then the fast one). */
  async function both(step: (u: CardUpdater, tag: string) => Promise<unknown>): Promise<[ConnectorCall, ConnectorCall]> {
    const before = connector.calls.length;
    await step(reference, 'ref');
    const mid = connector.calls.length;
    await step(fast, 'fast');
    const a = connector.calls.slice(before, mid);
    const b = connector.calls.slice(mid);
    expect(b.map((c) => c.method)).toEqual(a.map((c) => c.method));
    return [a[a.length - 1], b[b.length - 1]];
  }

  /** The wire as Teams sees it; the random parts (the continuation's activity id, a client request id) set aside. */
  function expectSameWire(a: ConnectorCall, b: ConnectorCall, random: { replyToId?: boolean } = {}) {
    expect(b.method).toBe(a.method);
    const bodyA = JSON.parse(a.wire!.text) as Record<string, unknown>;
    const bodyB = JSON.parse(b.wire!.text) as Record<string, unknown>;
    if (random.replyToId) {
      expect(bodyA.replyToId).toMatch(UUID);
      expect(bodyB.replyToId).toMatch(UUID);
      bodyA.replyToId = bodyB.replyToId = '<continuation id>';
    }
    // Same JSON, key order included.
    expect(JSON.stringify(bodyB)).toBe(JSON.stringify(bodyA));
    for (const h of ['content-type', 'accept', 'authorization', 'x-ms-conversation-id']) expect([h, b.wire!.headers[h]]).toEqual([h, a.wire!.headers[h]]);
    expect(b.wire!.headers.authorization).toBe(`Bearer ${APP_TOKEN}`);
    expect(b.wire!.headers['x-ms-client-request-id']).toMatch(UUID);
    expect(String(b.wire!.headers['user-agent'])).toContain('botframework-connector/4.0.0 Microsoft-BotFramework/3.1');
  }

  it('a card update: the same PUT path, body and headers as botbuilder', async () => {
    // The reference is botbuilder's own way: updateActivity in a proactive turn (the updater writes without one).
    const [a, b] = await both((u, tag) =>
      u === reference
        ? plainAdapter.continueConversationAsync(BOT_ID, channel, async (ctx) => {
            await ctx.updateActivity({ type: 'message', id: `act:card;${tag}`, attachments: [CardFactory.adaptiveCard(card(3))] });
          })
        : u.update({ conversation: channel, activityId: `act:card;${tag}` }, card(3)),
    );
    // The ids percent-encoded the way botbuilder encodes them.
    expect(a.wire!.url).toBe(`/v3/conversations/${encodeURIComponent('19:general ü@thread.tacv2;messageid=1')}/activities/act%3Acard%3Bref`);
    expect(b.wire!.url).toBe(a.wire!.url.replace('%3Bref', '%3Bfast'));
    expect(b.wire!.text).toContain('"id":"act:card;fast"');
    const bodyA = JSON.parse(a.wire!.text) as Record<string, unknown>;
    bodyA.id = 'act:card;fast';
    expectSameWire({ ...a, wire: { ...a.wire!, text: JSON.stringify(bodyA) } }, b, { replyToId: true });
  });

  it('a new card in a channel: the same POST (a reply to the continuation, as botbuilder sends it)', async () => {
    const [a, b] = await both((u) => u.post(channel, card(5)));
    expect(a.wire!.url).toMatch(/\/activities\/[0-9a-f-]{36}$/);
    expect(b.wire!.url.replace(/[0-9a-f-]{36}$/, '')).toBe(a.wire!.url.replace(/[0-9a-f-]{36}$/, ''));
    expectSameWire(a, b, { replyToId: true });
    // (node writes the header's UTF-8 bytes; the recording connector reads them as latin1)
    expect(Buffer.from(String(b.wire!.headers['x-ms-conversation-id']), 'latin1').toString('utf8')).toBe((channel.conversation as { id: string }).id);
  });

  it('a private card: the same createConversation and the same message into the 1:1 chat', async () => {
    const before = connector.calls.length;
    await both((u) => u.sendPrivate('29:ben', channel, card(7)));
    const calls = connector.calls.slice(before);
    const creates = calls.filter((c) => c.path === '/v3/conversations');
    expect(creates).toHaveLength(2);
    expectSameWire(creates[0], creates[1]);
    const sends = calls.filter((c) => c.path !== '/v3/conversations');
    expect(sends).toHaveLength(2);
    expect(sends[1].wire!.url).toBe(sends[0].wire!.url);
    expectSameWire(sends[0], sends[1]);
  });

  it('a private card to someone who has not installed the app: the 403 is final and reads as refused, as before', async () => {
    for (const u of [reference, fast]) {
      const before = connector.calls.length;
      connector.failNext((c) => c.path === '/v3/conversations', { status: 403, code: 'BotNotInConversationRoster' });
      const error = await u.sendPrivate('29:cleo', channel, card(1)).then(() => undefined, (e: unknown) => e);
      expect(isPrivateChatRefused(error)).toBe(true);
      expect(error).toMatchObject({ statusCode: 403, code: 'BotNotInConversationRoster' });
      expect(connector.calls.slice(before)).toHaveLength(1);
    }
  });

  it.each([
    ['429 with Retry-After', { status: 429 as const, retryAfterSeconds: 0 }, 3],
    ['503 with Retry-After', { status: 503 as const, retryAfterSeconds: 0 }, 3],
    ['412 (retried by the bot, not the SDK)', { status: 412 as const }, 3],
    ['404', { status: 404 as const }, 1],
    ['413', { status: 413 as const }, 1],
  ])('an update answered %s twice: the same attempts as botbuilder, then the card lands', async (_name, failure, attempts) => {
    for (const [u, tag] of [[reference, 'ref'], [fast, 'fast']] as const) {
      const id = `act-fault-${failure.status}-${tag}`;
      connector.failNext((c) => c.activityId === id, failure, failure);
      const result = await u.update({ conversation: channel, activityId: id }, card(2)).then(() => 'ok', (e: unknown) => e);
      const tried = connector.attempts((c) => c.activityId === id);
      expect([tag, tried.length]).toEqual([tag, attempts]);
      if (attempts === 1) expect(result).toMatchObject({ statusCode: failure.status, code: expect.any(String) });
      else expect(result).toBe('ok');
    }
  });

  it('a 502 twice: retried with the SDK’s backoff (0.5–1 s, then 1–2 s) and delivered once', async () => {
    const gaps: number[][] = [];
    for (const [u, tag] of [[reference, 'ref'], [fast, 'fast']] as const) {
      const id = `act-502-${tag}`;
      connector.failNext((c) => c.activityId === id, { status: 502 }, { status: 502 });
      await u.update({ conversation: channel, activityId: id }, card(2));
      const tried = connector.attempts((c) => c.activityId === id);
      expect(tried.map((c) => c.status)).toEqual([502, 502, 200]);
      gaps.push([tried[1].at - tried[0].at, tried[2].at - tried[1].at]);
    }
    for (const [first, second] of gaps) {
      expect(first).toBeGreaterThanOrEqual(450);
      expect(second).toBeGreaterThanOrEqual(950);
    }
  }, 30_000);

  it('a 429 with Retry-After: 1 waits the second the connector asked for', async () => {
    const id = 'act-429-wait';
    connector.failNext((c) => c.activityId === id, { status: 429, retryAfterSeconds: 1 });
    await fast.update({ conversation: channel, activityId: id }, card(2));
    const tried = connector.attempts((c) => c.activityId === id);
    expect(tried.map((c) => c.status)).toEqual([429, 200]);
    expect(tried[1].at - tried[0].at).toBeGreaterThanOrEqual(950);
  });

  describe('the retry rules, with the waits recorded instead of slept', () => {
    const waits: number[] = [];
    const opts = { sleep: async (ms: number) => void waits.push(ms), randomInt: (min: number, max: number) => max, now: () => Date.parse('2026-11-30T12:00:00Z') };
    const put = (url: string) => callConnector({ method: 'PUT', url, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"type":"message"}' }, opts);
    beforeEach(() => void waits.splice(0));

    it('a 5xx that never clears: 3 retries after 1, 2 and 4 s at most, then the last error with its status and code', async () => {
      const id = 'act-500-always';
      connector.failNext((c) => c.activityId === id, ...Array.from({ length: 4 }, () => ({ status: 500 as const })));
      const error = await put(`${connector.url}v3/conversations/c/activities/${id}`).then(() => undefined, (e: unknown) => e);
      expect(error).toMatchObject({ name: 'RestError', statusCode: 500, code: 'ServiceError', response: { status: 500 } });
      expect(connector.attempts((c) => c.activityId === id)).toHaveLength(4);
      expect(waits).toEqual([1000, 2000, 4000]);
    });

    it('a 429 with Retry-After as an HTTP date waits until then; a 429 without Retry-After is final here (the bot’s own retry takes over)', async () => {
      connector.failNext((c) => c.activityId === 'act-429-date', { status: 429, retryAfter: 'Mon, 30 Nov 2026 12:00:03 GMT' });
      await put(`${connector.url}v3/conversations/c/activities/act-429-date`);
      expect(waits).toEqual([3000]);
      waits.splice(0);
      connector.failNext((c) => c.activityId === 'act-429-none', { status: 429 });
      const refused = await put(`${connector.url}v3/conversations/c/activities/act-429-none`).then(() => undefined, (e: unknown) => e);
      expect(refused).toMatchObject({ statusCode: 429, code: 'Throttled' });
      expect(waits).toEqual([]);
    });

    it('a 429 asking for more than 30 s is not waited here: thrown at once with its Retry-After, for the bot’s own bounded retry', async () => {
      connector.failNext((c) => c.activityId === 'act-429-long', { status: 429, retryAfterSeconds: 120 });
      const refused = await put(`${connector.url}v3/conversations/c/activities/act-429-long`).then(() => undefined, (e: unknown) => e);
      expect(refused).toMatchObject({ statusCode: 429 });
      expect(retryAfterMs(refused)).toBe(120_000);
      expect(connector.attempts((c) => c.activityId === 'act-429-long')).toHaveLength(1);
      expect(waits).toEqual([]);
      // At the bound it is still waited, as the SDK did.
      connector.failNext((c) => c.activityId === 'act-429-30', { status: 429, retryAfterSeconds: 30 });
      await put(`${connector.url}v3/conversations/c/activities/act-429-30`);
      expect(waits).toEqual([30_000]);
    });

    it('many calls in flight at once: each answered once', async () => {
      await Promise.all(Array.from({ length: 40 }, (_, i) => put(`${connector.url}v3/conversations/many-${i}/activities/act-${i}`)));
      const answered = connector.attempts((c) => c.conversationId.startsWith('many-'));
      expect(answered.map((c) => c.status)).toEqual(Array.from({ length: 40 }, () => 200));
      expect(new Set(answered.map((c) => c.conversationId)).size).toBe(40);
    });

    it('a refused connection is retried like the SDK did, then thrown with its code and no status', async () => {
      const closed = await freePort();
      const error = await put(`http://127.0.0.1:${closed}/v3/conversations/c/activities/a`).then(() => undefined, (e: unknown) => e);
      expect(error).toMatchObject({ name: 'RestError', code: 'ECONNREFUSED', statusCode: undefined });
      expect(waits).toEqual([1000, 2000, 4000]);
    });
  });
});
