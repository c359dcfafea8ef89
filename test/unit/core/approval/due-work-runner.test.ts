import { DueWorkRunner, type DueWorkHandlers } from '../../../../src/core/approval/due-work-runner';
import type { DueItem } from '../../../../src/core/approval/due-work';
import { MemoryDueWorkStore } from '../../../../src/storage/memory-due-work-store';

const silent = { debug() {}, info() {}, warn() {}, error() {}, child() { return silent; } } as never;

function setup(handlers: Partial<DueWorkHandlers>, owner = 'me') {
  let now = new Date('2026-11-29T10:00:00Z');
  const clock = { now: () => now };
  const store = new MemoryDueWorkStore();
  const ran: DueItem[] = [];
  const all: DueWorkHandlers = {
    'expire-request': async (i) => void ran.push(i),
    'hide-password': async (i) => void ran.push(i),
    'finish-request': async (i) => void ran.push(i),
    'erase-password': async (i) => void ran.push(i),
    'request-ready': async (i) => void ran.push(i),
    'request-reminder': async (i) => void ran.push(i),
    'run-batch': async (i) => void ran.push(i),
    'hide-batch-passwords': async (i) => void ran.push(i),
    'expire-batch': async (i) => void ran.push(i),
    ...handlers,
  };
  const runner = new DueWorkRunner(store, all, { owner, pollMs: 1_000_000, leaseMs: 60_000, maxAttempts: 3, clock, logger: silent });
  return { store, runner, ran, advance: (ms: number) => (now = new Date(now.getTime() + ms)), clock };
}

describe('DueWorkRunner', () => {
  it('runs what is due, not what is not, and removes what ran', async () => {
    const { store, runner, ran, advance } = setup({});
    await store.schedule({ key: 'expire:a', kind: 'expire-request', requestId: 'a', dueAt: '2026-11-29T09:59:59Z' });
    await store.schedule({ key: 'hide:b:x', kind: 'hide-password', requestId: 'b', dueAt: '2026-11-29T10:05:00Z' });
    expect(await runner.runDue()).toBe(1);
    expect(ran.map((i) => i.key)).toEqual(['expire:a']);
    expect(await runner.runDue()).toBe(0); // completed: not run twice
    advance(5 * 60_000);
    expect(await runner.runDue()).toBe(1);
    expect(ran.map((i) => i.key)).toEqual(['expire:a', 'hide:b:x']);
  });

  it('a failing handler gets its item back later with a growing delay, then it is dropped', async () => {
    let calls = 0;
    const { store, runner, advance } = setup({ 'finish-request': async () => void (calls++, (() => { throw new Error('Teams is down'); })()) });
    await store.schedule({ key: 'finish:r', kind: 'finish-request', requestId: 'r', dueAt: '2026-11-29T10:00:00Z' });
    await runner.runDue();
    expect(calls).toBe(1);
    expect(await runner.runDue()).toBe(0); // not again at once
    advance(2_000);
    await runner.runDue();
    expect(calls).toBe(2);
    advance(3_000);
    expect(await runner.runDue()).toBe(0); // the second delay is longer (4 s)
    advance(1_000);
    await runner.runDue();
    expect(calls).toBe(3);
    advance(10 * 60_000);
    expect(await runner.runDue()).toBe(0); // three attempts: dropped
  });

  it('idle() resolves only once the running round has removed its item', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const { store, runner } = setup({ 'hide-password': () => held });
    await store.schedule({ key: 'hide:b:x', kind: 'hide-password', requestId: 'b', dueAt: '2026-11-29T09:59:00Z' });
    runner.poke();
    let idle = false;
    const waiting = runner.idle().then(() => (idle = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(idle).toBe(false); // the handler still runs
    release();
    await waiting;
    expect(await store.claimDue(new Date('2026-11-29T11:00:00Z'), 'probe', 1000, 10)).toEqual([]);
    await runner.idle(); // nothing running: at once
  });

  it('two runners on one store: each item runs once', async () => {
    const store = new MemoryDueWorkStore();
    const ran: string[] = [];
    const handlers = (name: string): DueWorkHandlers => ({
      'expire-request': async (i) => void ran.push(`${name}:${i.key}`),
      'hide-password': async (i) => void ran.push(`${name}:${i.key}`),
      'request-ready': async (i) => void ran.push(`${name}:${i.key}`),
      'request-reminder': async (i) => void ran.push(`${name}:${i.key}`),
      'run-batch': async (i) => void ran.push(`${name}:${i.key}`),
      'hide-batch-passwords': async (i) => void ran.push(`${name}:${i.key}`),
      'expire-batch': async (i) => void ran.push(`${name}:${i.key}`),
      'erase-password': async (i) => void ran.push(`${name}:${i.key}`),
      'finish-request': async (i) => void ran.push(`${name}:${i.key}`),
    });
    const clock = { now: () => new Date('2026-11-29T10:00:00Z') };
    const a = new DueWorkRunner(store, handlers('a'), { owner: 'a', pollMs: 1e6, leaseMs: 60_000, clock, logger: silent });
    const b = new DueWorkRunner(store, handlers('b'), { owner: 'b', pollMs: 1e6, leaseMs: 60_000, clock, logger: silent });
    for (let i = 0; i < 30; i++) await store.schedule({ key: `expire:${i}`, kind: 'expire-request', requestId: String(i), dueAt: '2026-11-29T09:00:00Z' });
    await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
    expect(ran).toHaveLength(30);
    expect(new Set(ran.map((r) => r.split(':').slice(1).join(':'))).size).toBe(30);
  });

  it('a handler that reschedules its own item keeps it (the completion only removes what this claim holds)', async () => {
    const { store, runner, advance } = setup({
      'expire-request': async (i) => store.schedule({ key: i.key, kind: i.kind, requestId: i.requestId, dueAt: '2026-11-29T11:00:00Z' }),
    });
    await store.schedule({ key: 'expire:x', kind: 'expire-request', requestId: 'x', dueAt: '2026-11-29T10:00:00Z' });
    expect(await runner.runDue()).toBe(1);
    advance(60 * 60_000);
    expect(await runner.runDue()).toBe(1);
  });

  it('stop waits for the round in progress and polls no more', async () => {
    let release!: () => void;
    const { store, runner } = setup({ 'hide-password': () => new Promise<void>((r) => (release = r)) });
    await store.schedule({ key: 'hide:a:b', kind: 'hide-password', requestId: 'a', dueAt: '2026-11-29T09:00:00Z' });
    runner.start();
    await new Promise((r) => setImmediate(r));
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(stopped).toBe(true);
  });
});
