import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { SANDBOX_IDENTITY } from '../../../src/config';
import { BotHarness, cardText, invokeCard, PARTNER_TENANT, type TeamsUser } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';
import { errorCodeOf } from '../../support/card-error-code';

const BOT = SANDBOX_IDENTITY.botId;
const ISSUER = `https://login.sandbox.test/${PARTNER_TENANT}/v2.0`;
const OTHER_TENANT = '99999999-9999-4999-8999-999999999999';
const tokenRequests = (state: { requests: Array<{ path: string }> }) => state.requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token')).length;

/** A signing key the test holds, installed as the sandbox's (kept in DATA_DIR), so the test can sign any token. */
async function sandboxKey(dataDir: string): Promise<{ sign: (claims: Record<string, unknown>, opts?: { alg?: string; key?: KeyLike; kid?: string }) => Promise<string> }> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  writeFileSync(join(dataDir, 'sandbox-signing-key.json'), JSON.stringify({ ...(await exportJWK(privateKey)), kid }));
  return {
    sign: (claims, opts = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: opts.alg ?? 'RS256', typ: 'JWT', kid: opts.kid ?? kid })
        .sign(opts.key ?? privateKey),
  };
}

/**
 * Issue 12, point 2: the SSO token is verified (signature, issuer, audience, expiry, tenant) before any exchange.
 * Every forged or misdirected token is refused with 412 and not one request reaches the identity provider.
 */
describe('the SSO token is verified before any on-behalf-of exchange', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sign-in-verify-'));
  const h = new BotHarness({ dataDir });
  let key: Awaited<ReturnType<typeof sandboxKey>>;
  let ada: TeamsUser;

  beforeAll(async () => {
    key = await sandboxKey(dataDir);
    await h.start();
    ada = await h.teamsUser('ada@contoso-partner.example');
  }, 60_000);
  afterAll(() => h.stop());

  const claims = (over: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return { aud: `api://botid-${BOT}`, iss: ISSUER, tid: PARTNER_TENANT, oid: ada.aadObjectId, sub: ada.aadObjectId, upn: ada.upn, preferred_username: ada.upn, name: 'Ada Lovelace', scp: 'access_as_user', ver: '2.0', iat: now, nbf: now - 5, exp: now + 3600, ...over };
  };

  it('a token signed with the sandbox key and the right claims is exchanged (the control case)', async () => {
    const res = await h.invoke(ada, 'signin/tokenExchange', { id: randomUUID(), connectionName: 'sso', token: await key.sign(claims()) });
    expect(res.status).toBe(200);
  });

  it.each([
    ['a forged signature', async () => key.sign(claims(), { key: (await generateKeyPair('RS256')).privateKey })],
    ['an unknown key id', async () => key.sign(claims(), { key: (await generateKeyPair('RS256')).privateKey, kid: 'not-published' })],
    ['alg none', async () => `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`],
    ['another issuer', async () => key.sign(claims({ iss: 'https://login.sandbox.test/11111111-2222-4333-8444-555555555555/v2.0' }))],
    ['a v1 issuer', async () => key.sign(claims({ iss: `https://sts.windows.net/${PARTNER_TENANT}/` }))],
    ['another audience', async () => key.sign(claims({ aud: 'api://botid-someone-else' }))],
    ['an expired token', async () => key.sign(claims({ exp: Math.floor(Date.now() / 1000) - 600, iat: Math.floor(Date.now() / 1000) - 4000 }))],
    ['another tenant', async () => key.sign(claims({ tid: OTHER_TENANT, iss: `https://login.sandbox.test/${OTHER_TENANT}/v2.0` }))],
    ['the partner issuer but another tid', async () => key.sign(claims({ tid: OTHER_TENANT }))],
    ['not a JWT at all', async () => 'eyJhbGciOi.not-a-token'],
  ])('refuses %s with 412 before any request reaches the identity provider', async (_what, make) => {
    const token = await make();
    const before = tokenRequests(await h.sandboxState());
    const chat = await h.invoke(ada, 'signin/tokenExchange', { id: randomUUID(), connectionName: 'sso', token });
    expect(chat.status).toBe(412);
    const action = await h.execute(ada, 'openForm', {}, 'verify-card', { authentication: { token } });
    expect(action.body).toEqual(expect.objectContaining({ statusCode: 412, type: 'application/vnd.microsoft.error.preconditionFailed' }));
    expect(tokenRequests(await h.sandboxState())).toBe(before);
    expect(h.logs.text()).not.toContain(token);
  });
});

/**
 * Issue 11: a kept SSO session whose assertion the identity platform refuses for good (here: the sandbox's signing
 * key changed under it, as after a restart before the key was kept) is dropped; the person is asked to sign in
 * again the normal way, and the very action then completes.
 */
describe('a stale session (assertion refused) is dropped and a fresh sign-in completes the action', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sign-in-stale-'));
  const dataEncryptionKey = Buffer.alloc(32, 7);
  let h = new BotHarness({ dataDir, dataEncryptionKey, storage: 'sqlite' });
  let ada: TeamsUser;

  beforeAll(async () => {
    await h.start();
    ada = await h.teamsUser('ada@contoso-partner.example');
    await h.signIn(ada);
    expect(cardText(invokeCard(await h.execute(ada, 'openForm', {})))).toContain('choose the customer');
    // The identity provider's key changes (what a restart did before the key was kept): the kept session's
    // assertion is now refused with AADSTS50013.
    await h.stop();
    rmSync(join(dataDir, 'sandbox-signing-key.json'));
    h = new BotHarness({ dataDir, dataEncryptionKey, storage: 'sqlite' });
    await h.start();
  }, 90_000);
  afterAll(() => h.stop());

  it('Action.Execute: 401 loginRequest instead of the error card, then the action completes with the fresh token', async () => {
    const first = await h.execute(ada, 'openForm', {});
    expect(first.body).toEqual(expect.objectContaining({ statusCode: 401, type: 'application/vnd.microsoft.activity.loginRequest' }));
    expect(first.body.value.tokenExchangeResource.uri).toBe(`api://botid-${BOT}`);
    expect(h.logs.parsed().some((l) => l.msg === 'kept SSO session refused by the identity platform; dropped, signing in again' && l.upstreamCode === 'AADSTS50013')).toBe(true);

    const again = await h.execute(ada, 'openForm', {}, 'act-card', { authentication: { token: await h.ssoToken(ada.upn) } });
    expect(cardText(invokeCard(again))).toContain('choose the customer');
    // And the next click needs no sign-in.
    expect(cardText(invokeCard(await h.execute(ada, 'openForm', {})))).toContain('choose the customer');
  });

  it('in chat: the error card is not shown; the OAuth card asks for silent SSO and the request resumes after it', async () => {
    const ben = await h.teamsUser('ben@contoso-partner.example');
    // Ben's session is made with the new key, then refused too: the identity provider changes key once more.
    await h.signIn(ben);
    await h.stop();
    rmSync(join(dataDir, 'sandbox-signing-key.json'));
    h = new BotHarness({ dataDir, dataEncryptionKey, storage: 'sqlite' });
    await h.start();

    await h.say(ben, 'new user');
    const oauth = await h.connector.waitFor(() => h.connector.sent().find((c) => JSON.stringify(c.body).includes('application/vnd.microsoft.card.oauth')));
    const content = (oauth.body as { attachments: Array<{ content: { tokenExchangeResource: { uri: string } } }> }).attachments[0].content;
    expect(content.tokenExchangeResource.uri).toBe(`api://botid-${BOT}`);
    expect(h.connector.sent().map((c) => errorCodeOf(cardOf(c))).filter((c) => c !== undefined)).toEqual([]);

    await h.signIn(ben);
    await h.connector.waitFor(() => h.connector.sent().find((c) => cardText(cardOf(c)).includes('choose the customer')));
  });
});

/**
 * Issue 12 points 1 and 12, issue 17 point 5: who may reach the bot at all, whose session an activity can name,
 * repeated token exchanges, and malformed sign-in invokes.
 */
describe('channels, identities and the sign-in invokes', () => {
  const h = new BotHarness();
  let ada: TeamsUser;
  let ben: TeamsUser;

  beforeAll(async () => {
    await h.start();
    [ada, ben] = await Promise.all([h.teamsUser('ada@contoso-partner.example'), h.teamsUser('ben@contoso-partner.example')]);
  }, 60_000);
  afterAll(() => h.stop());

  it.each(['webchat', 'directline', 'emulator', '', undefined])('an activity from channel %p is refused with 403 before any turn runs', async (channelId) => {
    const before = h.connector.calls.length;
    const upstreamBefore = (await h.sandboxState()).requests.length;
    const message = await h.post({ ...h.activity(ada, { type: 'message', text: 'new user' }), channelId });
    expect(message.status).toBe(403);
    const invoke = await h.post({ ...h.activity(ada, { type: 'invoke', name: 'signin/tokenExchange', value: { id: randomUUID(), token: await h.ssoToken(ada.upn) } }), channelId });
    expect(invoke.status).toBe(403);
    expect(h.connector.calls.length).toBe(before);
    // Nothing ran: no answer to Teams, no token exchange, no upstream call.
    expect((await h.sandboxState()).requests.length).toBe(upstreamBefore);
    expect(h.logs.parsed().some((l) => l.msg === 'activity from a channel other than msteams refused')).toBe(true);
  });

  it("an activity without aadObjectId gets no session and no sign-in, even with the from.id of a signed-in person", async () => {
    await h.signIn(ada);
    expect(cardText(invokeCard(await h.execute(ada, 'openForm', {})))).toContain('choose the customer');
    const noOid = { ...ada, aadObjectId: undefined as unknown as string };
    const click = await h.post(h.activity(ada, { from: { id: ada.teamsId, name: ada.name }, type: 'invoke', name: 'adaptiveCard/action', replyToId: 'c', value: { action: { type: 'Action.Execute', verb: 'openForm', data: { verb: 'openForm' } } } }));
    expect(JSON.stringify(click.body)).not.toContain('choose the customer');
    const exchange = await h.post(h.activity(noOid, { from: { id: ada.teamsId, name: ada.name }, type: 'invoke', name: 'signin/tokenExchange', value: { id: randomUUID(), connectionName: 'sso', token: await h.ssoToken(ada.upn) } }));
    expect(exchange.status).toBe(412);
    // Another person's token cannot sign Ada's Teams identity in either.
    const crossed = await h.invoke(ada, 'signin/tokenExchange', { id: randomUUID(), connectionName: 'sso', token: await h.ssoToken(ben.upn) });
    expect(crossed.status).toBe(412);
  });

  it('the same token exchange from several Teams clients resumes the pending request once', async () => {
    await h.app.teams.signIn.forget(`aad:${PARTNER_TENANT}:${ben.aadObjectId}`);
    await h.say(ben, 'new user');
    await h.connector.waitFor(() => h.connector.sent().find((c) => JSON.stringify(c.body).includes('application/vnd.microsoft.card.oauth')));
    const before = h.connector.sent().length;
    const value = { id: randomUUID(), connectionName: 'sso', token: await h.ssoToken(ben.upn) };
    const answers = await Promise.all([1, 2, 3].map(() => h.invoke(ben, 'signin/tokenExchange', value)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await h.connector.waitFor(() => h.connector.sent().slice(before).find((c) => cardText(cardOf(c)).includes('choose the customer')));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(h.connector.sent().slice(before).filter((c) => cardText(cardOf(c)).includes('choose the customer'))).toHaveLength(1);
  });

  const malformed: Array<[string, unknown]> = [
    ['signin/tokenExchange', undefined],
    ['signin/tokenExchange', null],
    ['signin/tokenExchange', 'token'],
    ['signin/tokenExchange', { id: randomUUID(), token: '' }],
    ['signin/tokenExchange', { id: randomUUID(), token: 42 }],
    ['signin/tokenExchange', { id: randomUUID(), token: { nested: true } }],
    ['signin/tokenExchange', { token: 'a.b.c' }],
    ['signin/tokenExchange', { id: 7, token: 'a.b.c' }],
    ['signin/verifyState', undefined],
    ['signin/verifyState', { state: '' }],
    ['signin/verifyState', { state: 12345 }],
    ['signin/verifyState', { state: 'line\nbreak' }],
    ['signin/verifyState', { state: 'x'.repeat(5000) }],
    ['signin/failure', 'oops'],
    ['signin/failure', { code: 42 }],
    ['signin/failure', [1, 2]],
  ];
  it.each(malformed)('%s with %p answers 400, within 5 s, with at most a warn line', async (name, value) => {
    const started = Date.now();
    const res = await h.invoke(ada, name, value);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.status).toBe(400);
    expect(h.logs.parsed().filter((l) => (l.level as number) >= 50)).toEqual([]);
  });

  it('signin/verifyState with a code the token service cannot redeem: 404 (OAuthPrompt’s answer) within 5 s', async () => {
    const started = Date.now();
    const res = await h.invoke(ada, 'signin/verifyState', { state: '123456' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.status).toBe(404);
  });

  it('signin/failure: 200, and the card repeats only a plain code', async () => {
    const before = h.connector.sent().length;
    expect((await h.invoke(ada, 'signin/failure', { code: 'resourcematchfailed', message: 'x' })).status).toBe(200);
    expect((await h.invoke(ada, 'signin/failure', { code: '[click](https://evil.example)' })).status).toBe(200);
    expect((await h.invoke(ada, 'signin/failure', undefined)).status).toBe(200);
    const cards = await h.connector.waitFor(() => {
      const sent = h.connector.sent().slice(before);
      return sent.length >= 3 ? sent : undefined;
    });
    expect(cardText(cardOf(cards[0]))).toContain('webApplicationInfo.resource');
    expect(h.connector.transcript()).not.toContain('evil.example');
  });
});
