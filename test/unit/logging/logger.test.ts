import { createLogger } from '../../../src/logging/logger';
import { CENSOR, MAX_DEPTH, redactSecrets } from '../../../src/logging/redact-secrets';

/** A logger whose lines are parsed as they are written. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const texts: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (t: string) => void (texts.push(t), lines.push(JSON.parse(t) as Record<string, unknown>)) } });
  return { logger, lines, texts };
}

describe('the logger redacts secrets', () => {
  it('censors every secret key at the top, in any case', () => {
    const { logger, lines } = capture();
    logger.info({ password: 'p1', Token: 't1', AUTHORIZATION: 'Bearer x', accessToken: 'a', assertion: 'jwt', clientSecret: 'c', client_secret: 'c2', refresh_token: 'r', access_token: 'a2', id_token: 'i', passwordProfile: { password: 'p2' }, kept: 'visible' }, 'line');
    expect(lines[0]).toEqual(
      expect.objectContaining({ password: CENSOR, Token: CENSOR, AUTHORIZATION: CENSOR, accessToken: CENSOR, assertion: CENSOR, clientSecret: CENSOR, client_secret: CENSOR, refresh_token: CENSOR, access_token: CENSOR, id_token: CENSOR, passwordProfile: CENSOR, kept: 'visible', msg: 'line' }),
    );
  });

  it(`censors them nested in objects and arrays down to depth ${MAX_DEPTH}`, () => {
    const { logger, texts, lines } = capture();
    logger.info({ a: { password: 'd1' }, b: { c: { headers: { authorization: 'Bearer d3' } } }, list: [{ token: 'in-array' }], d: { e: { f: { g: { password: 'd4' } } } } });
    expect(texts[0]).not.toMatch(/d1|d3|in-array|d4/);
    expect(lines[0]).toEqual(expect.objectContaining({ a: { password: CENSOR }, b: { c: { headers: { authorization: CENSOR } } }, list: [{ token: CENSOR }] }));
  });

  it('leaves the caller’s object as it was', () => {
    const { logger } = capture();
    const nested = { password: 'secret', other: 1 };
    const obj = { user: nested, list: [nested] };
    logger.info(obj);
    expect(obj).toEqual({ user: { password: 'secret', other: 1 }, list: [{ password: 'secret', other: 1 }] });
    expect(obj.user).toBe(nested);
  });

  it('returns the same object when there is nothing to hide', () => {
    const obj = { correlationId: 'c', nested: { a: [1, { b: 'x' }] }, n: 3 };
    expect(redactSecrets(obj)).toBe(obj);
  });

  it('censors a child logger’s bindings', () => {
    const { logger, texts, lines } = capture();
    const child = logger.child({ component: 'x', token: 'bound-secret' });
    child.info({ step: 1 }, 'child line');
    child.child({ inner: { password: 'grandchild-secret' } }).info({ step: 2 }, 'grandchild line');
    expect(texts.join('')).not.toMatch(/bound-secret|grandchild-secret/);
    expect(lines[0]).toEqual(expect.objectContaining({ component: 'x', token: CENSOR, step: 1 }));
    expect(lines[1]).toEqual(expect.objectContaining({ component: 'x', token: CENSOR, inner: { password: CENSOR }, step: 2 }));
  });

  it('keeps an error readable while censoring a secret on it', () => {
    const { logger, texts, lines } = capture();
    const err = Object.assign(new TypeError('went wrong'), { code: 'E1', accessToken: 'on-the-error' });
    logger.error({ err }, 'failed');
    expect(texts[0]).not.toContain('on-the-error');
    expect(lines[0].err).toEqual(expect.objectContaining({ type: 'TypeError', message: 'went wrong', code: 'E1', accessToken: CENSOR, stack: expect.stringContaining('went wrong') }));
    expect(err.accessToken).toBe('on-the-error');
  });

  it('does not walk bytes and stops on a cycle', () => {
    const { logger, lines } = capture();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(redactSecrets(cyclic)).toBe(cyclic);
    const bytes = Buffer.alloc(100_000);
    expect(redactSecrets({ bytes })).toEqual({ bytes });
    logger.info({ small: Buffer.from('ab') });
    expect(lines).toHaveLength(1);
  });
});
