import { expiresAtOf, passwordRevealUntilOf } from '../../../../src/core/approval/user-request';
import { dueKeys } from '../../../../src/core/approval/due-work';
import { dueWorkHandlers } from '../../../../src/core/approval/due-work-handlers';
import { DueWorkRunner } from '../../../../src/core/approval/due-work-runner';
import type { Actor } from '../../../../src/core/approval/request-state';
import { Creation } from '../../../../src/core/creation/creation';
import { AppError } from '../../../../src/core/errors';
import { approve, expireIfDue, reject } from '../../../../src/core/use-cases/approval';
import { updateRequest } from '../../../../src/core/use-cases/request-access';
import { FABRIKAM } from '../../../support/use-case-world';
import { ben, cleo, credOf, creationWorld } from './creation-world';

const policy = { allowSelfApproval: false, expireAfterMs: 86_400_000 };
const dan: Actor = { oid: 'oid-dan', name: 'Dan', teamsId: '29:dan' };

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return e instanceof AppError ? e.code : `not an AppError: ${String(e)}`;
  }
}

describe('approve', () => {
  it('runs the uncached pre-flight once, under the approver\'s identity, and the creation uses it as its final check', async () => {
    const w = creationWorld();
    const r = await w.request('approval');
    const outcome = await approve(w.deps, credOf(cleo), cleo, r.id, policy);
    expect(outcome.changed && outcome.checked?.checks.map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    await new Creation(w.deps, w.presenter, { passwordToApprover: false }).run(credOf(cleo), r.id, { checked: outcome.changed ? outcome.checked : undefined });
    expect((await w.stored(r.id)).state.kind).toBe('created');
    expect(w.preflights()).toBe(1); // one pre-flight for the approval and the creation together
  });

  it('without the approval\'s result (a personal create, a finish after a crash) the final check runs itself', async () => {
    const w = creationWorld();
    const r = await w.request('approval');
    const outcome = await approve(w.deps, credOf(cleo), cleo, r.id, policy);
    expect(outcome.changed).toBe(true);
    await new Creation(w.deps, w.presenter, { passwordToApprover: false }).finish(r.id);
    expect((await w.stored(r.id)).state.kind).toBe('created');
    expect(w.preflights()).toBe(2);
  });

  it('a user name taken by the time of the approval: approved, then failed UPN_TAKEN without calling Partner Center to create', async () => {
    const w = creationWorld();
    const r = await w.request('approval');
    w.world.users[FABRIKAM].push({ id: 'someone', userPrincipalName: 'grace.hopper@fabrikam.example', displayName: 'Someone else', state: 'active' });
    const outcome = await approve(w.deps, credOf(cleo), cleo, r.id, policy);
    await new Creation(w.deps, w.presenter, { passwordToApprover: false }).run(credOf(cleo), r.id, { checked: outcome.changed ? outcome.checked : undefined });
    const req = await w.stored(r.id);
    expect(req.state.kind === 'failed' && req.state.failure.code).toBe('UPN_TAKEN');
    expect(w.up.creates).toHaveLength(0);
  });

  it('refuses with a code and changes nothing: not in the approver group, own request, no GDAP role, no MFA', async () => {
    const w = creationWorld();
    const r = await w.request('approval');
    w.world.groupsOf[dan.oid] = ['grp-user-admins'];
    expect(await codeOf(approve(w.deps, credOf(dan), dan, r.id, { ...policy, approverGroupId: 'grp-approvers' }))).toBe('NOT_APPROVER');
    expect(await codeOf(approve(w.deps, credOf(ben), ben, r.id, policy))).toBe('SELF_APPROVAL_REFUSED');
    w.world.groupsOf[dan.oid] = [];
    expect(await codeOf(approve(w.deps, credOf(dan), dan, r.id, policy))).toBe('GDAP_ROLE_MISSING');
    w.world.withoutMfa.add(cleo.oid);
    expect(await codeOf(approve(w.deps, credOf(cleo), cleo, r.id, policy))).toBe('MFA_REQUIRED');
    const req = await w.stored(r.id);
    expect(req.state.kind).toBe('pending-approval');
    expect(req.steps).toBeUndefined();
    expect(await w.credentials.get(r.id)).toBeUndefined();
  });

  it('two approvers at once: one claims the creation, the other sees its state', async () => {
    const w = creationWorld();
    const r = await w.request('approval');
    w.world.groupsOf[dan.oid] = ['grp-user-admins'];
    const [a, b] = await Promise.all([approve(w.deps, credOf(cleo), cleo, r.id, policy), approve(w.deps, credOf(dan), dan, r.id, policy)]);
    expect([a.changed, b.changed].sort()).toEqual([false, true]);
    const req = await w.stored(r.id);
    expect(req.state.kind).toBe('creating');
    expect(req.steps?.map((s) => [s.name, s.status])).toEqual([
      ['create-user', 'pending'],
      ['temporary-access-pass', 'pending'],
      ['present-outcome', 'pending'],
    ]);
    expect(w.due().some((i) => i.key === dueKeys.expire(r.id))).toBe(false);
  });

  it('reject needs a reason (VALIDATION_FAILED), then erases the password', async () => {
    const w = creationWorld();
    const r = await w.request('approval');
    expect(await codeOf(reject(w.deps, credOf(cleo), cleo, r.id, '  ', policy))).toBe('VALIDATION_FAILED');
    const outcome = await reject(w.deps, credOf(cleo), cleo, r.id, 'not this one', policy);
    expect(outcome.changed && outcome.request.state.kind).toBe('rejected');
    expect(await w.vault.get(r.id)).toBeUndefined();
  });
});

describe('due work decided in the core', () => {
  function runner(w: ReturnType<typeof creationWorld>) {
    const creation = new Creation(w.deps, w.presenter, { passwordToApprover: false });
    return new DueWorkRunner(w.dueWork, dueWorkHandlers(w.deps, creation, w.presenter), { owner: 'me', pollMs: 1e9, leaseMs: 60_000, clock: w.clock, logger: w.logger });
  }

  it('an undecided request expires at its time: password erased, the outcome shown', async () => {
    const w = creationWorld();
    const r = await w.request('approval');
    await w.deps.dueWork.schedule({ key: dueKeys.expire(r.id), kind: 'expire-request', requestId: r.id, dueAt: expiresAtOf(await w.stored(r.id))! });
    w.advance(86_400_000);
    await runner(w).runDue();
    expect((await w.stored(r.id)).state.kind).toBe('expired');
    expect(await w.vault.get(r.id)).toBeUndefined();
    expect(w.presenter.events.map((e) => [e.kind, e.state])).toEqual([['outcome', 'expired']]);
  });

  it('an expiry that moved: the item comes back at the new time, nothing expires early', async () => {
    const w = creationWorld();
    const r = await w.request('approval');
    const first = expiresAtOf(await w.stored(r.id))!;
    await w.deps.dueWork.schedule({ key: dueKeys.expire(r.id), kind: 'expire-request', requestId: r.id, dueAt: first });
    const later = new Date(Date.parse(first) + 3_600_000).toISOString();
    await updateRequest(w.deps, r.id, (c) => (c.state.kind === 'pending-approval' ? { ...c, state: { ...c.state, expiresAt: later } } : undefined));
    w.advance(86_400_000);
    await runner(w).runDue();
    expect((await w.stored(r.id)).state.kind).toBe('pending-approval');
    expect(w.due().find((i) => i.key === dueKeys.expire(r.id))?.dueAt).toBe(later);
    expect((await expireIfDue(w.deps, r.id, later)).changed).toBe(false);
  });

  it('hide-password: the message keeps the result without the password, and the request forgets the reveal time', async () => {
    const w = creationWorld();
    const r = await w.request('approval');
    const outcome = await approve(w.deps, credOf(cleo), cleo, r.id, policy);
    const creation = new Creation(w.deps, w.presenter, { passwordToApprover: false });
    await creation.run(credOf(cleo), r.id, { checked: outcome.changed ? outcome.checked : undefined });
    const shownAt = w.presenter.events.find((e) => e.kind === 'password-to')!.location;
    w.advance(10 * 60_000);
    await runner(w).runDue();
    expect(w.presenter.events.filter((e) => e.kind === 'hide').map((e) => e.location)).toEqual([shownAt]);
    expect(passwordRevealUntilOf(await w.stored(r.id))).toBeUndefined();
    expect((await w.stored(r.id)).state.kind).toBe('created');
  });
});
