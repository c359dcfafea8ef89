import { dueKeys } from '../../../../src/core/approval/due-work';
import { dueWorkHandlers } from '../../../../src/core/approval/due-work-handlers';
import { DueWorkRunner } from '../../../../src/core/approval/due-work-runner';
import { Creation } from '../../../../src/core/creation/creation';
import { submitForApproval } from '../../../../src/core/use-cases/approval';
import { startCreate } from '../../../../src/core/use-cases/create-user';
import { READY_CARD_SENT, REMINDED } from '../../../../src/core/use-cases/ready-notice';
import { updateRequest } from '../../../../src/core/use-cases/request-access';
import { DEFAULT_SCHEDULE_LEAD_MS, DEFAULT_START_REMINDER_MS, STALE_AFTER_START_MS } from '../../../../src/core/use-cases/schedule';
import { ben, credOf, creationWorld } from './creation-world';

const DAY = 86_400_000;

/**
 * The ready card of a request with a first day: sent as a new message once, even when the send fails after the
 * state changed (the item runs again), across instances and restarts; reminders by their time, none twice; an
 * approval request with a first day waits as scheduled instead of going to the approvers days early.
 */
describe('a ready request: its ready card and reminders', () => {
  async function world(settings: { startReminderMs?: number } = {}) {
    const w = creationWorld({ settings });
    const creation = new Creation(w.deps, w.presenter, { passwordToApprover: false });
    const r = await w.request('personal');
    const startAt = new Date(w.clock.now().getTime() + 3 * DAY);
    await updateRequest(w.deps, r.id, (current) => ({ ...current, startAt: startAt.toISOString() }));
    const runner = (owner: string) => new DueWorkRunner(w.dueWork, dueWorkHandlers(w.deps, creation, w.presenter), { owner, pollMs: 60_000, leaseMs: 60_000, clock: w.clock, logger: w.logger });
    await startCreate(w.deps, ben, r.id, 'create', credOf(ben));
    const toReady = () => w.advance(startAt.getTime() - DEFAULT_SCHEDULE_LEAD_MS - w.clock.now().getTime() + 1000);
    return { w, r, startAt, runner, toReady };
  }

  it('a send that fails after the state changed is sent when the item runs again: exactly one ready card, recorded in the history', async () => {
    const { w, r, runner, toReady } = await world();
    toReady();
    w.presenter.failNext.add('sendReady');
    await runner('a').runDue();
    expect((await w.stored(r.id)).state.kind).toBe('draft');
    expect(w.presenter.events.filter((e) => e.kind === 'ready')).toHaveLength(0);
    // The runner put the item back with a delay (a chat outage); later, another instance sends it.
    w.advance(60_000);
    await Promise.all([runner('b').runDue(), runner('c').runDue()]);
    expect(w.presenter.events.filter((e) => e.kind === 'ready')).toHaveLength(1);
    expect((await w.stored(r.id)).history.filter((h) => h.event === READY_CARD_SENT)).toHaveLength(1);
    // Nothing left to send: runs later add nothing.
    w.advance(60_000);
    await runner('d').runDue();
    expect(w.presenter.events.filter((e) => e.kind === 'ready')).toHaveLength(1);
  });

  it('reminders: one at the start, then one a day, each once across two instances; they stop when the user is created', async () => {
    const { w, r, startAt, runner, toReady } = await world();
    toReady();
    await runner('a').runDue();
    expect(w.due().map((i) => [i.key, i.dueAt])).toContainEqual([dueKeys.remind(r.id), startAt.toISOString()]);
    // At the start: one reminder, whichever instance runs it.
    w.advance(startAt.getTime() - w.clock.now().getTime());
    await Promise.all([runner('a').runDue(), runner('b').runDue()]);
    expect(w.presenter.events.filter((e) => e.kind === 'reminder')).toHaveLength(1);
    expect(w.due().map((i) => [i.key, i.dueAt])).toContainEqual([dueKeys.remind(r.id), new Date(startAt.getTime() + DEFAULT_START_REMINDER_MS).toISOString()]);
    // A day later, the second.
    w.advance(DAY);
    await Promise.all([runner('a').runDue(), runner('b').runDue()]);
    expect(w.presenter.events.filter((e) => e.kind === 'reminder')).toHaveLength(2);
    expect((await w.stored(r.id)).history.filter((h) => h.event === REMINDED).map((h) => h.detail)).toEqual([startAt.toISOString(), new Date(startAt.getTime() + DAY).toISOString()]);
    // Created: the next reminder finds nothing to remind of, and schedules none.
    expect((await startCreate(w.deps, ben, r.id, 'create', credOf(ben))).started).toBe(true);
    w.advance(DAY);
    await runner('a').runDue();
    expect(w.presenter.events.filter((e) => e.kind === 'reminder')).toHaveLength(2);
    expect(w.due().map((i) => i.key)).not.toContain(dueKeys.remind(r.id));
  });

  it('nobody acts: the reminders end before the expiry, which redraws the ready card as expired and erases the password', async () => {
    const { w, r, startAt, runner, toReady } = await world();
    toReady();
    await runner('a').runDue();
    const readyCard = (await w.stored(r.id)).card;
    for (let day = 0; day <= 8; day++) {
      w.advance(startAt.getTime() + day * DAY - w.clock.now().getTime() + 1000);
      while ((await runner('a').runDue()) > 0);
    }
    // Reminders at the start and on days 1 to 6; the seventh day is the expiry itself.
    expect(w.presenter.events.filter((e) => e.kind === 'reminder')).toHaveLength(7);
    const req = await w.stored(r.id);
    expect(req.state.kind).toBe('expired');
    expect(new Date(req.state.kind === 'expired' ? req.state.at : 0).getTime()).toBeGreaterThanOrEqual(startAt.getTime() + STALE_AFTER_START_MS);
    // The expiry redraws the request's card, which is the ready card now.
    expect(req.card).toEqual(readyCard);
    expect(w.presenter.events.filter((e) => e.kind === 'outcome' && e.state === 'expired')).toHaveLength(1);
    expect(await w.vault.get(r.id)).toBeUndefined();
    expect(w.due().map((i) => i.key).filter((k) => k.endsWith(r.id))).toEqual([]);
  });

  it('a ready request moved to a later first day (edited, Create again) is scheduled anew and gets a new ready card then', async () => {
    const { w, r, runner, toReady } = await world();
    toReady();
    await runner('a').runDue();
    expect(w.presenter.events.filter((e) => e.kind === 'ready')).toHaveLength(1);
    const later = new Date(w.clock.now().getTime() + 5 * DAY);
    await updateRequest(w.deps, r.id, (current) => ({ ...current, startAt: later.toISOString() }));
    await startCreate(w.deps, ben, r.id, 'create', credOf(ben));
    expect((await w.stored(r.id)).state.kind).toBe('scheduled');
    w.advance(later.getTime() - DEFAULT_SCHEDULE_LEAD_MS - w.clock.now().getTime() + 1000);
    await Promise.all([runner('a').runDue(), runner('b').runDue()]);
    expect(w.presenter.events.filter((e) => e.kind === 'ready')).toHaveLength(2);
    expect((await w.stored(r.id)).history.filter((h) => h.event === READY_CARD_SENT)).toHaveLength(2);
  });

  it('START_REMINDER_HOURS 0: no reminder item at all', async () => {
    const { w, r, runner, toReady } = await world({ startReminderMs: 0 });
    toReady();
    await runner('a').runDue();
    expect(w.due().map((i) => i.key)).not.toContain(dueKeys.remind(r.id));
  });

  it('an approval request with a first day days ahead waits as scheduled (nobody can approve it early) and goes to the approvers when ready', async () => {
    const w = creationWorld();
    const creation = new Creation(w.deps, w.presenter, { passwordToApprover: false });
    const r = await w.request('personal');
    const startAt = new Date(w.clock.now().getTime() + 3 * DAY);
    await updateRequest(w.deps, r.id, (current) => ({ ...current, startAt: startAt.toISOString() }));
    const sent = await submitForApproval(w.deps, ben, r.id, { allowSelfApproval: false, expireAfterMs: DAY });
    expect(sent.mode).toBe('approval');
    expect(sent.state).toMatchObject({ kind: 'scheduled', startAt: startAt.toISOString() });
    expect(w.due().map((i) => i.key)).toEqual([dueKeys.ready(r.id)]);
    expect(await w.vault.get(r.id)).toBeUndefined();
    w.advance(startAt.getTime() - DEFAULT_SCHEDULE_LEAD_MS - w.clock.now().getTime() + 1000);
    const runner = new DueWorkRunner(w.dueWork, dueWorkHandlers(w.deps, creation, w.presenter), { owner: 'a', pollMs: 60_000, leaseMs: 60_000, clock: w.clock, logger: w.logger });
    await runner.runDue();
    expect((await w.stored(r.id)).state.kind).toBe('pending-approval');
    expect(w.presenter.events.filter((e) => e.kind === 'ready')).toEqual([expect.objectContaining({ state: 'pending-approval', to: 'channel' })]);
    expect(await w.vault.get(r.id)).toMatch(/.{16}/);
  });
});
