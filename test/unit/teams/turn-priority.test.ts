import { BackgroundWork } from '../../../src/teams/background';
import { TurnPriority } from '../../../src/teams/turn-priority';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, child: () => quiet } as never;
const tick = () => new Promise((r) => setImmediate(r));

describe('TurnPriority: inbound turns before background work', () => {
  it('lets background work through at once while no turn runs', async () => {
    const p = new TurnPriority(10_000);
    let passed = false;
    void p.turnsFirst().then(() => (passed = true));
    await tick();
    expect(passed).toBe(true);
  });

  it('holds background work while a turn runs and releases it when the last turn answers', async () => {
    const p = new TurnPriority(10_000);
    p.turnStarted();
    p.turnStarted();
    let passed = false;
    void p.turnsFirst().then(() => (passed = true));
    await tick();
    expect(passed).toBe(false);
    p.turnEnded();
    await tick();
    expect(passed).toBe(false);
    p.turnEnded();
    await tick();
    expect(passed).toBe(true);
    expect(p.turns).toBe(0);
  });

  it('never starves background work: a steady stream of turns delays it by at most the bound', async () => {
    const p = new TurnPriority(30);
    p.turnStarted(); // never ends
    const t0 = Date.now();
    await p.turnsFirst();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it('starts background tasks in the order they were queued, each only once the turns let it', async () => {
    const priority = new TurnPriority(10_000);
    const background = new BackgroundWork(quiet, priority);
    const started: string[] = [];
    priority.turnStarted();
    background.run('creation', {}, async () => void started.push('creation'));
    background.run('mirror', {}, async () => void started.push('mirror'));
    await tick();
    expect(started).toEqual([]);
    priority.turnEnded();
    await background.drain();
    expect(started).toEqual(['creation', 'mirror']);
  });
});
