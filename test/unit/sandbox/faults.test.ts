import { faultSchema, Faults } from '../../../src/sandbox/faults';

const spec = (o: object) => faultSchema.parse(o);

describe('Faults', () => {
  it('matches method and path, `*` being one segment, case-insensitively on the path', () => {
    const f = new Faults();
    f.add(spec({ method: 'post', path: '/v1/customers/*/users', kind: 'drop', count: 3 }));
    expect(f.take('GET', '/v1/customers/abc/users')).toBeUndefined();
    expect(f.take('POST', '/v1/customers/abc/users/def')).toBeUndefined();
    expect(f.take('POST', '/v1/customers/users')).toBeUndefined();
    expect(f.take('POST', '/v1/customers/abc/users')?.kind).toBe('drop');
    expect(f.take('POST', '/V1/Customers/abc/users/')?.kind).toBe('drop');
  });

  it('is used up after count, first added first served', () => {
    const f = new Faults();
    f.add(spec({ path: '/x', kind: 'status', status: 429, count: 1 }));
    f.add(spec({ path: '/x', kind: 'status', status: 503, count: 2 }));
    expect([f.take('GET', '/x')?.status, f.take('GET', '/x')?.status, f.take('GET', '/x')?.status, f.take('GET', '/x')]).toEqual([429, 503, 503, undefined]);
    expect(f.list()).toEqual([]);
  });

  it('treats regex characters in the path literally', () => {
    const f = new Faults();
    f.add(spec({ path: '/v1.0/users/a+b', kind: 'hang' }));
    expect(f.take('GET', '/v1x0/users/a+b')).toBeUndefined();
    expect(f.take('GET', '/v1.0/users/aab')).toBeUndefined();
    expect(f.take('GET', '/v1.0/users/a+b')?.kind).toBe('hang');
  });

  it('defaults to GET, count 1, before', () => {
    expect(spec({ path: '/x', kind: 'latency' })).toEqual(expect.objectContaining({ method: 'GET', count: 1, when: 'before' }));
  });

  it.each([
    [{ path: 'x', kind: 'drop' }],
    [{ path: '/x', kind: 'status' }],
    [{ path: '/x', kind: 'status', status: 404 }],
    [{ path: '/x', kind: 'drop', count: 0 }],
    [{ path: '/x', kind: 'drop', typo: true }],
    [{ path: '/x', kind: 'drop', when: 'during' }],
  ])('refuses %p', (bad) => expect(faultSchema.safeParse(bad).success).toBe(false));
});
