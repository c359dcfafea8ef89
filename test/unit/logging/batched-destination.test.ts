import pino from 'pino';
import { BatchedDestination } from '../../../src/logging/batched-destination';

/** A sink that records each write it is given, as SonicBoom would receive them. */
function recordingSink() {
  const writes: string[] = [];
  return { writes, write: (t: string) => writes.push(t) };
}

describe('BatchedDestination (log lines of a few milliseconds in one write)', () => {
  afterEach(() => jest.useRealTimers());

  it('writes the lines logged within the window once, in order, when the window ends', () => {
    jest.useFakeTimers();
    const sink = recordingSink();
    const d = new BatchedDestination(sink, { windowMs: 20 });
    d.write('a\n');
    d.write('b\n');
    d.write('c\n');
    expect(sink.writes).toEqual([]);
    jest.advanceTimersByTime(19);
    expect(sink.writes).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(sink.writes).toEqual(['a\nb\nc\n']);
    d.write('d\n');
    jest.advanceTimersByTime(20);
    expect(sink.writes).toEqual(['a\nb\nc\n', 'd\n']);
  });

  it('keeps no timer while nothing waits, so an idle bot is not woken', () => {
    jest.useFakeTimers();
    const sink = recordingSink();
    const d = new BatchedDestination(sink, { windowMs: 20 });
    expect(jest.getTimerCount()).toBe(0);
    d.write('a\n');
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(20);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('writes at once when the waiting text reaches maxChars, without waiting for the window', () => {
    jest.useFakeTimers();
    const sink = recordingSink();
    const d = new BatchedDestination(sink, { windowMs: 20, maxChars: 10 });
    d.write('12345\n');
    expect(sink.writes).toEqual([]);
    d.write('67890\n');
    expect(sink.writes).toEqual(['12345\n67890\n']);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('flushSync writes what the sink holds first, then what waits here, synchronously', () => {
    jest.useFakeTimers();
    const order: string[] = [];
    const sink = { write: (t: string) => order.push(`async:${t}`), flushSync: () => void order.push('sink flushed') };
    const d = new BatchedDestination(sink, { windowMs: 20, writeSync: (t) => void order.push(`sync:${t}`) });
    d.write('a\n');
    d.write('b\n');
    d.flushSync();
    expect(order).toEqual(['sink flushed', 'sync:a\nb\n']);
    jest.advanceTimersByTime(100);
    expect(order).toHaveLength(2);
    d.flushSync();
    expect(order).toEqual(['sink flushed', 'sync:a\nb\n', 'sink flushed']);
  });

  it('as pino’s destination: each line is whole JSON, and a redacted field stays redacted', () => {
    jest.useFakeTimers();
    const sink = recordingSink();
    const logger = pino({ base: undefined, redact: ['password'] }, new BatchedDestination(sink));
    logger.info({ password: 'P@ssw0rd!' }, 'one');
    logger.info('two');
    jest.advanceTimersByTime(20);
    expect(sink.writes).toHaveLength(1);
    const lines = sink.writes[0].trimEnd().split('\n').map((l) => JSON.parse(l) as { msg: string; password?: string });
    expect(lines.map((l) => l.msg)).toEqual(['one', 'two']);
    expect(lines[0].password).toBe('[Redacted]');
    expect(sink.writes[0]).not.toContain('P@ssw0rd!');
  });
});
