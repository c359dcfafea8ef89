import { BoundedMap } from '../../../src/core/bounded-map';

describe('BoundedMap', () => {
  it('keeps at most max entries, dropping the least recently used', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1).set('b', 2);
    expect(m.get('a')).toBe(1); // a is now the most recent
    m.set('c', 3);
    expect(m.get('b')).toBeUndefined();
    expect(m.get('a')).toBe(1);
    expect(m.get('c')).toBe(3);
    expect(m.size).toBe(2);
  });

  it('stays bounded under many distinct keys', () => {
    const m = new BoundedMap<number, number>(100);
    for (let i = 0; i < 10_000; i++) m.set(i, i);
    expect(m.size).toBe(100);
    expect(m.get(9_999)).toBe(9_999);
    expect(m.get(0)).toBeUndefined();
  });

  it('refuses a size that is not a positive whole number', () => {
    expect(() => new BoundedMap(0)).toThrow();
  });
});
