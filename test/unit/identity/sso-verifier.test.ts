import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { AppError } from '../../../src/core/errors';
import { isRefusedAssertion } from '../../../src/identity/msal-errors';
import { createSsoVerifier } from '../../../src/identity/sso-verifier';
import { FakeUpstream } from '../http/fake-upstream';

const HOST = 'login.idp.test';
const PARTNER = '11111111-1111-4111-8111-111111111111';
const BOT = '00000000-0000-4000-8000-00000000b07d';
const NOW = new Date('2026-06-01T12:00:00Z');
const now = Math.floor(NOW.getTime() / 1000);

let idp: FakeUpstream;
let key: { privateKey: KeyLike; kid: string; jwk: object };

async function newKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { privateKey, kid, jwk: { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' } };
}

const claims = (over: Record<string, unknown> = {}) => ({ aud: `api://botid-${BOT}`, iss: `https://${HOST}/${PARTNER}/v2.0`, tid: PARTNER, oid: 'oid-ada', upn: 'ada@contoso-partner.example', name: 'Ada', ver: '2.0', iat: now - 60, nbf: now - 60, exp: now + 3600, ...over });
const sign = (c: Record<string, unknown>, k = key) => new SignJWT(c).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: k.kid }).sign(k.privateKey);
let clock = NOW;
const verifier = () => createSsoVerifier({ authorityHost: `https://${HOST}`, partnerTenantId: PARTNER, botId: BOT, clientId: BOT, clock: { now: () => clock }, loopbackRewrite: { host: HOST, baseUrl: idp.url }, fetchTimeoutMs: 500 });
const keyRequests = () => idp.requests.filter((r) => r.url === `/${PARTNER}/discovery/v2.0/keys`).length;

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  idp = await FakeUpstream.start();
  key = await newKey('k1');
});
afterAll(() => idp.close());
beforeEach(() => {
  idp.reset();
  clock = NOW;
  idp.route = (req) => (req.url === `/${PARTNER}/discovery/v2.0/keys` ? { status: 200, json: { keys: [key.jwk] } } : undefined);
});

describe('SSO token verification (jose, against the authority keys)', () => {
  it('accepts a token of the partner tenant for the bot, and reads who it names; keys fetched once', async () => {
    const verify = verifier();
    expect(await verify(await sign(claims()))).toEqual(expect.objectContaining({ oid: 'oid-ada', tenantId: PARTNER, upn: 'ada@contoso-partner.example', aud: `api://botid-${BOT}` }));
    await verify(await sign(claims({ aud: BOT })));
    expect(keyRequests()).toBe(1);
  });

  it.each([
    ['expired', claims({ exp: now - 60 }), 'SSO_TOKEN_EXPIRED'],
    ['wrong issuer', claims({ iss: `https://${HOST}/${PARTNER}/` }), 'SSO_TOKEN_BAD_ISS'],
    ['wrong audience', claims({ aud: 'api://botid-other' }), 'SSO_TOKEN_BAD_AUD'],
    ['other tenant', claims({ tid: '99999999-9999-4999-8999-999999999999' }), 'SSO_TOKEN_OTHER_TENANT'],
    ['not yet valid', claims({ nbf: now + 600 }), 'SSO_TOKEN_BAD_NBF'],
  ])('refuses %s as a refused assertion (TOKEN_EXCHANGE_FAILED, %s)', async (_what, c, upstream) => {
    const e = await refusal(verifier()(await sign(c)));
    expect(e.code).toBe('TOKEN_EXCHANGE_FAILED');
    expect(e.upstreamCode).toBe(upstream);
    expect(isRefusedAssertion(e)).toBe(true);
  });

  it('refuses a forged signature and HS256', async () => {
    const forged = await sign(claims(), { ...(await newKey('k1')) });
    expect((await refusal(verifier()(forged))).upstreamCode).toBe('SSO_TOKEN_INVALID');
    const hs = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(new TextEncoder().encode('x'.repeat(32)));
    expect((await refusal(verifier()(hs))).upstreamCode).toBe('SSO_TOKEN_INVALID');
  });

  it('fetches the keys again for an unknown kid (a rolled key), at most every 30 s', async () => {
    const verify = verifier();
    await verify(await sign(claims()));
    const rolled = await newKey('k2');
    const old = key;
    key = rolled;
    try {
      clock = new Date(NOW.getTime() + 31_000);
      await verify(await sign(claims(), rolled));
      expect(keyRequests()).toBe(2);
      // An unknown kid right after a fetch does not fetch again.
      const stranger = await newKey('k3');
      expect((await refusal(verify(await sign(claims(), stranger)))).code).toBe('TOKEN_EXCHANGE_FAILED');
      expect(keyRequests()).toBe(2);
    } finally {
      key = old;
    }
  });

  it('keys that cannot be fetched: IDENTITY_UNAVAILABLE (retryable), never a refusal of the person', async () => {
    idp.route = () => ({ status: 503, json: {} });
    const e = await refusal(verifier()(await sign(claims())));
    expect(e.code).toBe('IDENTITY_UNAVAILABLE');
    expect(e.retryable).toBe(true);
    expect(isRefusedAssertion(e)).toBe(false);
  });

  it('refuses what is not a JWT without fetching anything', async () => {
    for (const t of ['', 'abc', 'a.b.c', 42 as unknown as string]) expect((await refusal(verifier()(t))).code).toBe('TOKEN_EXCHANGE_FAILED');
  });
});

describe('isRefusedAssertion', () => {
  it('knows the AADSTS codes of an assertion that is no use, and nothing else', () => {
    for (const c of ['AADSTS50013', 'AADSTS500133', 'AADSTS50173', 'AADSTS70043']) expect(isRefusedAssertion(new AppError('TOKEN_EXCHANGE_FAILED', 'x', { upstreamCode: c }))).toBe(true);
    expect(isRefusedAssertion(new AppError('TOKEN_EXCHANGE_FAILED', 'x', { upstreamCode: 'AADSTS7000215' }))).toBe(false);
    expect(isRefusedAssertion(new AppError('CONSENT_REQUIRED', 'x', { upstreamCode: 'AADSTS65001' }))).toBe(false);
    expect(isRefusedAssertion(new AppError('IDENTITY_UNAVAILABLE', 'x', { upstreamCode: 'AADSTS50013' }))).toBe(false);
    expect(isRefusedAssertion(new Error('AADSTS50013'))).toBe(false);
  });
});
