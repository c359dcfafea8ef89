import { dueKeys } from '../../../../src/core/approval/due-work';
import { dueWorkHandlers } from '../../../../src/core/approval/due-work-handlers';
import { DueWorkRunner } from '../../../../src/core/approval/due-work-runner';
import { Creation } from '../../../../src/core/creation/creation';
import { startCreate } from '../../../../src/core/use-cases/create-user';
import { updateRequest } from '../../../../src/core/use-cases/request-access';
import { DEFAULT_SCHEDULE_LEAD_MS, STALE_AFTER_START_MS } from '../../../../src/core/use-cases/schedule';
import { ben, credOf, creationWorld } from './creation-world';

const DAY = 86_400_000;

/** A start date: the request waits as scheduled (no secret kept), becomes ready at start minus the lead time, once. */
describe('a request with a first day', () => {
  async function scheduledWorld(settings: { scheduleLeadMs?: number; startReminderMs?: number } = {}) {
    const w = creationWorld({ settings });
    const creation = new Creation(w.deps, w.presenter, { passwordToApprover: false });
    const r = await w.request('personal');
    const startAt = new Date(w.clock.now().getTime() + 3 * DAY);
    await updateRequest(w.deps, r.id, (current) => ({ ...current, startAt: startAt.toISOString() }));
    const runner = (owner: string) => new DueWorkRunner(w.dueWork, dueWorkHandlers(w.deps, creation, w.presenter), { owner, pollMs: 60_000, leaseMs: 60_000, clock: w.clock, logger: w.logger });
    return { w, r, startAt, runner };
  }

  it('Create on a draft whose first day is days ahead schedules it: nothing created, no password kept, a ready item at start minus the lead', async () => {
    const { w, r, startAt } = await scheduledWorld();
    const claim = await startCreate(w.deps, ben, r.id, 'create', credOf(ben));
    expect(claim.started).toBe(false);
    const req = await w.stored(r.id);
    expect(req.state).toMatchObject({ kind: 'scheduled', startAt: startAt.toISOString(), readyAt: new Date(startAt.getTime() - DEFAULT_SCHEDULE_LEAD_MS).toISOString() });
    expect(req.history.map((h) => h.event)).toContain('scheduled');
    expect(await w.vault.get(r.id)).toBeUndefined();
    expect(w.due().map((i) => [i.key, i.dueAt])).toEqual([[dueKeys.ready(r.id), new Date(startAt.getTime() - DEFAULT_SCHEDULE_LEAD_MS).toISOString()]]);
    expect(w.up.creates).toHaveLength(0);
  });

  it('at the ready time (clock moved) it becomes a draft again with a fresh password, its ready card sent once across two instances and a restart', async () => {
    const { w, r, startAt, runner } = await scheduledWorld();
    await startCreate(w.deps, ben, r.id, 'create', credOf(ben));
    // Before its time: nothing.
    w.advance(2 * DAY);
    expect(await runner('a').runDue()).toBe(0);
    // Past the ready time: two instances poll at once; one moves it.
    w.advance(startAt.getTime() - DEFAULT_SCHEDULE_LEAD_MS - w.clock.now().getTime() + 1000);
    const [a, b] = await Promise.all([runner('a').runDue(), runner('b').runDue()]);
    expect(a + b).toBe(1);
    const req = await w.stored(r.id);
    expect(req.state.kind).toBe('draft');
    expect(req.history.filter((h) => h.event === 'ready')).toHaveLength(1);
    // The ready card goes out as a new message to the requester, and the old card points to it.
    expect(w.presenter.events.filter((e) => e.kind === 'ready')).toEqual([expect.objectContaining({ requestId: r.id, state: 'draft', to: ben.teamsId })]);
    expect(w.presenter.events.filter((e) => e.kind === 'retire')).toHaveLength(1);
    expect((await w.stored(r.id)).card?.activityId).toBe(w.presenter.events.find((e) => e.kind === 'ready')?.location?.activityId);
    expect(await w.vault.get(r.id)).toMatch(/.{16}/);
    // A restarted instance finds nothing left to do.
    expect(await runner('c').runDue()).toBe(0);
    // Now inside the lead time: one click creates, under the clicker's identity.
    const claim = await startCreate(w.deps, ben, r.id, 'create', credOf(ben));
    expect(claim.started).toBe(true);
  });

  it('the lead time comes from the settings (START_LEAD_MINUTES): a one-day lead schedules a start three days ahead two days out, and a start within it is created now', async () => {
    const lead = DAY;
    const { w, r, startAt, runner } = await scheduledWorld({ scheduleLeadMs: lead });
    await startCreate(w.deps, ben, r.id, 'create', credOf(ben));
    const readyAt = new Date(startAt.getTime() - lead).toISOString();
    expect((await w.stored(r.id)).state).toMatchObject({ kind: 'scheduled', readyAt });
    expect(w.due().map((i) => [i.key, i.dueAt])).toEqual([[dueKeys.ready(r.id), readyAt]]);
    // The default one-hour lead would still wait here; the configured one-day lead makes it ready.
    w.advance(2 * DAY + 1000);
    expect(await runner('a').runDue()).toBe(1);
    expect((await w.stored(r.id)).state.kind).toBe('draft');
    // A second request starting 20 hours from now is inside the one-day lead: Create creates at once.
    const near = await w.request('personal');
    await updateRequest(w.deps, near.id, (current) => ({ ...current, startAt: new Date(w.clock.now().getTime() + 20 * 3_600_000).toISOString() }));
    expect((await startCreate(w.deps, ben, near.id, 'create', credOf(ben))).started).toBe(true);
  });

  it('a ready request nobody creates expires a week after its first day: once across two instances and a restart, password erased, card redrawn', async () => {
    // Reminders off here: this test counts the items that run.
    const { w, r, startAt, runner } = await scheduledWorld({ startReminderMs: 0 });
    await startCreate(w.deps, ben, r.id, 'create', credOf(ben));
    w.advance(startAt.getTime() - DEFAULT_SCHEDULE_LEAD_MS - w.clock.now().getTime() + 1000);
    expect(await runner('a').runDue()).toBe(1);
    // Its expiry is already stored when it becomes ready.
    expect(w.due().map((i) => [i.key, i.dueAt])).toContainEqual([dueKeys.expire(r.id), new Date(startAt.getTime() + STALE_AFTER_START_MS).toISOString()]);
    // Six days after the start: still a draft that one click creates (only the password's retention has run out).
    w.advance(startAt.getTime() + 6 * DAY - w.clock.now().getTime());
    await runner('a').runDue();
    expect((await w.stored(r.id)).state.kind).toBe('draft');
    // Past the week: two instances at once, one expiry.
    w.advance(DAY + 1000);
    const [a, b] = await Promise.all([runner('a').runDue(), runner('b').runDue()]);
    expect(a + b).toBe(1);
    expect(w.due().map((i) => i.key)).not.toContain(dueKeys.expire(r.id));
    const req = await w.stored(r.id);
    expect(req.state.kind).toBe('expired');
    expect(req.history.filter((h) => h.event === 'expired')).toHaveLength(1);
    expect(w.presenter.events.filter((e) => e.kind === 'outcome' && e.state === 'expired')).toHaveLength(1);
    expect(await w.vault.get(r.id)).toBeUndefined();
    expect(await runner('c').runDue()).toBe(0);
    // Its Create is refused now: nothing is created.
    expect((await startCreate(w.deps, ben, r.id, 'create', credOf(ben))).started).toBe(false);
    expect(w.up.creates).toHaveLength(0);
  });

  it('a ready request created in time is left alone by its expiry item', async () => {
    const { w, r, startAt, runner } = await scheduledWorld();
    await startCreate(w.deps, ben, r.id, 'create', credOf(ben));
    w.advance(startAt.getTime() - DEFAULT_SCHEDULE_LEAD_MS - w.clock.now().getTime() + 1000);
    await runner('a').runDue();
    expect((await startCreate(w.deps, ben, r.id, 'create', credOf(ben))).started).toBe(true);
    w.advance(STALE_AFTER_START_MS + DAY);
    await runner('a').runDue();
    expect((await w.stored(r.id)).state.kind).toBe('created');
    expect((await w.stored(r.id)).history.filter((h) => h.event === 'expired')).toHaveLength(0);
  });

  it('a scheduled approval request becomes pending at its ready time and, undecided, expires a week after its first day', async () => {
    const w = creationWorld();
    const creation = new Creation(w.deps, w.presenter, { passwordToApprover: false });
    const runner = (owner: string) => new DueWorkRunner(w.dueWork, dueWorkHandlers(w.deps, creation, w.presenter), { owner, pollMs: 60_000, leaseMs: 60_000, clock: w.clock, logger: w.logger });
    const r = await w.request('approval');
    const startAt = new Date(w.clock.now().getTime() + 3 * DAY);
    const readyAt = new Date(startAt.getTime() - DEFAULT_SCHEDULE_LEAD_MS);
    await updateRequest(w.deps, r.id, (current) => ({ ...current, startAt: startAt.toISOString(), state: { kind: 'scheduled', startAt: startAt.toISOString(), readyAt: readyAt.toISOString(), scheduledAt: w.clock.now().toISOString() } }));
    // As a scheduled request is stored: only its ready item (not the expiry of the pending request it was made from).
    await w.dueWork.cancel(dueKeys.expire(r.id));
    await w.dueWork.schedule({ key: dueKeys.ready(r.id), kind: 'request-ready', requestId: r.id, dueAt: readyAt.toISOString() });
    w.advance(readyAt.getTime() - w.clock.now().getTime() + 1000);
    await Promise.all([runner('a').runDue(), runner('b').runDue()]);
    expect((await w.stored(r.id)).history.filter((h) => h.event === 'ready')).toHaveLength(1);
    // Its ready card: a new approval card in the approvers' conversation.
    expect(w.presenter.events.filter((e) => e.kind === 'ready')).toEqual([expect.objectContaining({ state: 'pending-approval', to: 'channel' })]);
    const expiresAt = new Date(startAt.getTime() + STALE_AFTER_START_MS).toISOString();
    expect((await w.stored(r.id)).state).toMatchObject({ kind: 'pending-approval', expiresAt });
    expect(w.due().map((i) => [i.key, i.dueAt])).toContainEqual([dueKeys.expire(r.id), expiresAt]);
    // On its first day the approvers can still decide; a week later it expires, once.
    w.advance(startAt.getTime() + DAY - w.clock.now().getTime());
    await runner('a').runDue();
    expect((await w.stored(r.id)).state.kind).toBe('pending-approval');
    w.advance(STALE_AFTER_START_MS);
    await Promise.all([runner('c').runDue(), runner('d').runDue()]);
    expect((await w.stored(r.id)).state.kind).toBe('expired');
    expect((await w.stored(r.id)).history.filter((h) => h.event === 'expired')).toHaveLength(1);
    expect(w.presenter.events.filter((e) => e.kind === 'outcome' && e.state === 'expired')).toHaveLength(1);
  });
});
