import { backoffMs, isNetworkFailure, isRetryableStatus, parseRetryAfterMs } from '../../../src/http/retry-policy';

describe('retry policy', () => {
  it('retries throttling and transient server failures only', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([200, 201, 204, 400, 401, 403, 404, 409, 501].some(isRetryableStatus)).toBe(false);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs('57', now)).toBe(57_000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
    expect(parseRetryAfterMs('1.5', now)).toBe(1_500);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
    expect(parseRetryAfterMs('', now)).toBeUndefined();
  });

  it('grows the backoff exponentially, jittered within [step/2, step], capped', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 250, () => 1))).toEqual([250, 500, 1000, 2000]);
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 250, () => 0))).toEqual([125, 250, 500, 1000]);
    expect(backoffMs(30, 250, () => 1, 5_000)).toBe(5_000);
  });

  it('tells broken connections from programming errors', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(isNetworkFailure(new TypeError('fetch failed', { cause: reset }))).toBe(true);
    expect(isNetworkFailure(new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }))).toBe(true);
    expect(isNetworkFailure(new TypeError('terminated'))).toBe(true);
    expect(isNetworkFailure(new Error('socket hang up'))).toBe(true);
    expect(isNetworkFailure(new TypeError('Failed to parse URL from nope'))).toBe(false);
    expect(isNetworkFailure('fetch failed')).toBe(false);
  });
});
