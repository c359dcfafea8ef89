import { AppCredentials, AuthenticationConstants } from 'botframework-connector';
import { loadConfig } from '../../../src/config';
import { BotHarness, cardText, invokeCard, PARTNER_TENANT, type TeamsUser } from '../../support/bot-harness';
import { BotFrameworkIssuer } from '../../support/bot-framework-issuer';
import { BotTokenService } from '../../support/bot-token-service';
import { errorCodeOf } from '../../support/card-error-code';
import { cardOf } from '../../support/recording-connector';

/**
 * Sign-in through the Bot Framework token service when silent SSO fails (issue 17 point 1, issue 12 point 15), with
 * BOT_ID set and inbound authentication on (a local issuer signs the activities), and `BOT_OAUTH_URL` pointing the
 * bot at a local stand-in for the token service (test/support/bot-token-service.ts).
 *
 * The bot's own app token for the Bot Framework (client credentials against login.microsoftonline.com) cannot be
 * fetched here (no network, and nothing may reach Microsoft): it is put in botbuilder's credential cache, where a
 * real fetch would put it, and the stand-in refuses any call that does not carry it.
 */
/**
 * In production the bot's app and the Entra app behind SSO are one registration (docs/deploy.md), so the SSO token
 * the token service hands back names `api://botid-<bot id>`: the sandbox's Entra app id is used as the bot id.
 */
const BOT_ID = loadConfig({ PLAYGROUND: 'false' }).aad.clientId!;
const APP_TOKEN = 'bot-app-token-for-the-token-service';

describe('sign-in through the Bot Framework token service (BOT_ID set)', () => {
  const issuer = new BotFrameworkIssuer();
  const tokenService = new BotTokenService(APP_TOKEN, `api://botid-${BOT_ID}`);
  let bot: BotHarness;
  let ada: TeamsUser;
  const issued: string[] = [];

  beforeAll(async () => {
    await issuer.start();
    await tokenService.start();
    const cacheKey = `${BOT_ID}${AuthenticationConstants.ToChannelFromBotOAuthScope}-cache`;
    (AppCredentials as unknown as { cache: Map<string, unknown> }).cache.set(cacheKey, { accessToken: APP_TOKEN, expiresOn: new Date(Date.now() + 3_600_000) });
    bot = new BotHarness({ bot: { id: BOT_ID, password: 'bot-secret', tenantId: PARTNER_TENANT, openIdMetadataUrl: issuer.metadataUrl, oauthUrl: tokenService.url } });
    await bot.start();
    ada = await bot.teamsUser('ada@contoso-partner.example');
  });
  afterAll(async () => {
    await bot.stop();
    await tokenService.stop();
    await issuer.stop();
  });

  /** Posts an activity the way the Bot Connector does: with its signed bearer token. */
  async function post(activity: Record<string, unknown>): Promise<{ status: number; body: any }> {
    const res = await fetch(`${bot.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await issuer.token(BOT_ID, bot.connector.url)}` },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  const execute = (user: TeamsUser, verb: string, extra: Record<string, unknown> = {}) =>
    post(bot.activity(user, { type: 'invoke', name: 'adaptiveCard/action', replyToId: 'act-card', value: { action: { type: 'Action.Execute', verb, data: { verb } }, trigger: 'manual', ...extra } }));
  const magicCodeFor = async (user: TeamsUser) => {
    const token = await bot.ssoToken(user.upn);
    issued.push(token);
    return tokenService.issueCode(token);
  };

  it('Action.Execute without a session: the loginRequest carries the token service’s sign-in link and exchange resource', async () => {
    const res = await execute(ada, 'openForm');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 401, type: 'application/vnd.microsoft.activity.loginRequest' });
    const card = res.body.value;
    expect(card.buttons).toHaveLength(1);
    expect(card.buttons[0]).toMatchObject({ type: 'signin' });
    expect(card.buttons[0].value.startsWith(`${tokenService.signInLinkBase}?signin=`)).toBe(true);
    expect(card.tokenExchangeResource.uri).toBe(`api://botid-${BOT_ID}`);
    const hit = tokenService.hits.filter((h) => h.path === '/api/botsignin/GetSignInResource').at(-1)!;
    expect(card.tokenExchangeResource.id).toBeTruthy();
    expect(hit.authorized).toBe(true);
    expect(hit.state).toMatchObject({ connectionName: 'sso', msAppId: BOT_ID });
  });

  it('chat: the OAuth card’s button is the token service’s sign-in link, not the service’s home page', async () => {
    const ben = await bot.teamsUser('ben@contoso-partner.example');
    expect((await post(bot.activity(ben, { type: 'message', text: 'new user' }))).status).toBe(200);
    const sent = await bot.connector.waitFor(() => bot.connector.sent().find((c) => JSON.stringify(c.body).includes('application/vnd.microsoft.card.oauth')));
    const content = (sent.body as { attachments: Array<{ content: { buttons: Array<{ value: string }> } }> }).attachments[0].content;
    expect(content.buttons).toHaveLength(1);
    expect(content.buttons[0].value.startsWith(`${tokenService.signInLinkBase}?signin=`)).toBe(true);
    expect(JSON.stringify(content)).not.toContain('https://token.botframework.com/');
  });

  it('Action.Execute repeated with a valid magic code in value.state: the action completes, with no second login request', async () => {
    const code = await magicCodeFor(ada);
    const res = await execute(ada, 'openForm', { state: code });
    expect(cardText(invokeCard(res))).toContain('choose the customer');
    const redeem = tokenService.hits.filter((h) => h.path === '/api/usertoken/GetToken').at(-1)!;
    expect(redeem).toMatchObject({ authorized: true, query: expect.objectContaining({ code, connectionName: 'sso', channelId: 'msteams', userId: ada.teamsId }) });
    // The session is kept like an SSO sign-in: the next click needs nothing.
    expect(cardText(invokeCard(await execute(ada, 'openForm')))).toContain('choose the customer');
  });

  it('a wrong, or an already redeemed, magic code: 200 with invalidAuthCode, not another login request', async () => {
    const expected = { statusCode: 401, type: 'application/vnd.microsoft.error.invalidAuthCode', value: { code: expect.any(String), message: expect.any(String) } };
    const dan = await bot.teamsUser('dan@contoso-partner.example');
    const wrong = await execute(dan, 'openForm', { state: '999999' });
    expect(wrong.status).toBe(200);
    expect(wrong.body).toEqual(expected);

    // Cleo redeems her code; replayed by Erin (no session of her own), it yields nothing.
    const cleo = await bot.teamsUser('cleo@contoso-partner.example');
    const erin = await bot.teamsUser('erin@contoso-partner.example');
    const code = await magicCodeFor(cleo);
    expect(cardText(invokeCard(await execute(cleo, 'openForm', { state: code })))).toContain('choose the customer');
    const replay = await execute(erin, 'openForm', { state: code });
    expect(replay.body).toEqual(expected);
    // Erin still has no session: her next plain click asks her to sign in.
    expect((await execute(erin, 'openForm')).body).toMatchObject({ type: 'application/vnd.microsoft.activity.loginRequest' });
  });

  it('a valid code that names someone else than the person clicking: refused like a foreign SSO token (412), no session', async () => {
    const fay = await bot.teamsUser('fay@contoso-partner.example');
    const grace = await bot.teamsUser('grace@contoso-partner.example');
    const res = await execute(grace, 'openForm', { state: await magicCodeFor(fay) });
    expect(res.body).toMatchObject({ statusCode: 412 });
    expect(bot.logs.parsed().some((l) => l.msg === 'SSO token exchange failed on a card action' && l.code === 'TOKEN_EXCHANGE_FAILED')).toBe(true);
    expect((await execute(grace, 'openForm')).body).toMatchObject({ type: 'application/vnd.microsoft.activity.loginRequest' });
  });

  it('chat: signin/verifyState redeems the code through the same token service (200), a wrong one is 404', async () => {
    const ben = await bot.teamsUser('ben@contoso-partner.example');
    const invoke = (state: string) => post(bot.activity(ben, { type: 'invoke', name: 'signin/verifyState', value: { state } }));
    expect((await invoke('424242')).status).toBe(404);
    expect((await invoke(await magicCodeFor(ben))).status).toBe(200);
    expect(cardText(invokeCard(await execute(ben, 'openForm')))).toContain('choose the customer');
  });

  it('chat: signin/verifyState with a code naming someone else: 412, then an error card whose correlation id is the logged one', async () => {
    const hana = await bot.teamsUser('hana@contoso-partner.example');
    const before = bot.connector.sent().length;
    const res = await post(bot.activity(hana, { type: 'invoke', name: 'signin/verifyState', value: { state: await magicCodeFor(ada) } }));
    expect(res.status).toBe(412);
    const card = cardOf(await bot.connector.waitFor(() => bot.connector.sent().slice(before).find((c) => errorCodeOf(cardOf(c)) !== undefined)));
    expect(errorCodeOf(card)).toBe('TOKEN_EXCHANGE_FAILED');
    const logged = bot.logs.parsed().filter((l) => l.msg === 'sign-in verification failed').pop();
    expect(typeof logged?.correlationId).toBe('string');
    expect(cardText(card)).toContain(`correlation id ${logged!.correlationId as string}`);
  });

  it('the token service down: the loginRequest has no button rather than a dead one', async () => {
    const erin = await bot.teamsUser('erin@contoso-partner.example');
    tokenService.mode = 'down';
    try {
      const res = await execute(erin, 'openForm');
      expect(res.body).toMatchObject({ statusCode: 401, type: 'application/vnd.microsoft.activity.loginRequest' });
      expect(res.body.value.buttons).toEqual([]);
      expect(res.body.value.tokenExchangeResource.uri).toBe(`api://botid-${BOT_ID}`);
    } finally {
      tokenService.mode = 'up';
    }
  });

  it('no token, app token or magic code in the logs', () => {
    const logs = bot.logs.text();
    expect(issued.length).toBeGreaterThan(0);
    for (const t of issued) expect(logs).not.toContain(t.split('.')[2]);
    expect(logs).not.toContain(APP_TOKEN);
    expect(logs).not.toMatch(/eyJ[\w-]{10,}\.eyJ/);
  });
});
