import { Creation } from '../../../../src/core/creation/creation';
import { createUserStep } from '../../../../src/core/creation/create-step';
import { presentOutcomeStep } from '../../../../src/core/creation/present-step';
import { CREATION_SEQUENCE, creationSteps } from '../../../../src/core/creation/sequence';
import { stepStatus, withStep, type CreationStep } from '../../../../src/core/creation/steps';
import { updateRequest } from '../../../../src/core/use-cases/request-access';
import { AppError } from '../../../../src/core/errors';
import { startCreate } from '../../../../src/core/use-cases/create-user';
import { ben, credOf, creationWorld } from './creation-world';

/**
 * A step of the kind issue #18 adds (a licence after the user exists), written against the interface only: it
 * marks its effect on the request, so running it twice does it once.
 */
function licenceStep(w: ReturnType<typeof creationWorld>, behaviour: { throwOnce?: boolean; refuse?: boolean }): CreationStep & { effects: number } {
  const step = {
    name: 'assign-licence',
    effects: 0,
    isApplicable: (r: { state: { kind: string } }) => r.state.kind === 'created',
    async run(ctx: Parameters<CreationStep['run']>[0]) {
      if (behaviour.throwOnce) {
        behaviour.throwOnce = false;
        throw new AppError('PARTNER_CENTER_UNAVAILABLE', 'down', { retryable: true });
      }
      if (behaviour.refuse) return { status: 'failed' as const, code: 'ACTION_NOT_ALLOWED' as const, request: ctx.request };
      if (ctx.request.history.some((h) => h.event === 'licence-assigned')) return { status: 'done' as const, request: ctx.request };
      step.effects++;
      const { request } = await updateRequest(w.deps, ctx.request.id, (c) => ({ ...c, history: [...c.history, { at: w.clock.now().toISOString(), event: 'licence-assigned' }] }));
      return { status: 'done' as const, request };
    },
  };
  return step;
}

async function claimed(w: ReturnType<typeof creationWorld>) {
  const r = await w.request('personal');
  await startCreate(w.deps, ben, r.id, 'create', credOf(ben));
  return r;
}

describe('the step runner', () => {
  it('the default sequence is create-user, the Temporary Access Pass (when asked for), the onboarding steps (issue #18), then present-outcome', () => {
    const w = creationWorld();
    expect(creationSteps(w.deps, w.presenter, { passwordToApprover: false }).map((s) => s.name)).toEqual([...CREATION_SEQUENCE]);
    expect(CREATION_SEQUENCE).toEqual(['create-user', 'temporary-access-pass', 'assign-licences', 'add-to-groups', 'set-manager', 'update-profile', 'present-outcome']);
  });

  it('a new step plugs in between creating and presenting; its progress is stored', async () => {
    const w = creationWorld();
    const licence = licenceStep(w, {});
    const creation = new Creation(w.deps, w.presenter, { passwordToApprover: false }, [createUserStep(w.deps), licence, presentOutcomeStep(w.deps, w.presenter, { passwordToApprover: false })]);
    const r = await claimed(w);
    await creation.run(credOf(ben), r.id);
    const req = await w.stored(r.id);
    expect(req.steps?.map((s) => [s.name, s.status])).toEqual([
      ['create-user', 'done'],
      // Not in this run's list of steps: stays as the claim stored it.
      ['temporary-access-pass', 'pending'],
      ['present-outcome', 'done'],
      ['assign-licence', 'done'],
    ]);
    expect(licence.effects).toBe(1);
    expect(await w.credentials.get(r.id)).toBeUndefined(); // settled
  });

  it('a step that throws stops the run unsettled; the finish job resumes at the first step not done', async () => {
    const w = creationWorld();
    const licence = licenceStep(w, { throwOnce: true });
    const creation = new Creation(w.deps, w.presenter, { passwordToApprover: false }, [createUserStep(w.deps), licence, presentOutcomeStep(w.deps, w.presenter, { passwordToApprover: false })]);
    const r = await claimed(w);
    expect((await creation.run(credOf(ben), r.id).catch((e: AppError) => e))?.code).toBe('PARTNER_CENTER_UNAVAILABLE');
    let req = await w.stored(r.id);
    expect(['create-user', 'assign-licence', 'present-outcome'].map((n) => stepStatus(req, n))).toEqual(['done', 'pending', 'pending']);
    expect(w.presenter.events).toEqual([]); // nothing shown before the steps before it are done
    expect(await w.credentials.get(r.id)).toBeDefined();

    await creation.finish(r.id);
    req = await w.stored(r.id);
    expect(['create-user', 'assign-licence', 'present-outcome'].map((n) => stepStatus(req, n))).toEqual(['done', 'done', 'done']);
    expect(w.up.creates).toHaveLength(1);
    expect(licence.effects).toBe(1);
    expect(w.presenter.passwords()).toEqual([{ to: ben.teamsId, password: r.password }]);
    expect(await w.credentials.get(r.id)).toBeUndefined();
  });

  it('a step run twice (its progress lost in a crash) does its effect once', async () => {
    const w = creationWorld();
    const licence = licenceStep(w, {});
    const creation = new Creation(w.deps, w.presenter, { passwordToApprover: false }, [createUserStep(w.deps), licence, presentOutcomeStep(w.deps, w.presenter, { passwordToApprover: false })]);
    const r = await claimed(w);
    await creation.run(credOf(ben), r.id);
    await updateRequest(w.deps, r.id, (c) => ({ ...c, steps: (c.steps ?? []).map((s) => ({ name: s.name, status: 'pending' as const })) }));
    await creation.finish(r.id);
    expect(licence.effects).toBe(1);
    expect(w.up.creates).toHaveLength(1);
    expect(w.presenter.passwords()).toHaveLength(1);
  });

  it('a step that fails with a code: stored with its code, the outcome still presented, the request settled', async () => {
    const w = creationWorld();
    const creation = new Creation(w.deps, w.presenter, { passwordToApprover: false }, [createUserStep(w.deps), licenceStep(w, { refuse: true }), presentOutcomeStep(w.deps, w.presenter, { passwordToApprover: false })]);
    const r = await claimed(w);
    await creation.run(credOf(ben), r.id);
    const req = await w.stored(r.id);
    expect(req.steps?.find((s) => s.name === 'assign-licence')).toMatchObject({ status: 'failed', code: 'ACTION_NOT_ALLOWED' });
    expect(stepStatus(req, 'present-outcome')).toBe('done');
    expect(await w.credentials.get(r.id)).toBeUndefined();
  });

  it('a step that does not apply is passed over (a licence when the creation failed), marked skipped when listed', async () => {
    const w = creationWorld();
    const licence = licenceStep(w, {});
    const creation = new Creation(w.deps, w.presenter, { passwordToApprover: false }, [createUserStep(w.deps), licence, presentOutcomeStep(w.deps, w.presenter, { passwordToApprover: false })]);
    const r = await claimed(w);
    await updateRequest(w.deps, r.id, (c) => ({ ...c, steps: withStep(c.steps, { name: 'assign-licence', status: 'pending' }) }));
    w.up.createError = new AppError('UPN_TAKEN', 'taken', { httpStatus: 409 });
    await creation.run(credOf(ben), r.id);
    const req = await w.stored(r.id);
    expect(stepStatus(req, 'assign-licence')).toBe('skipped');
    expect(licence.effects).toBe(0);
    expect(w.presenter.events.map((e) => [e.kind, e.state])).toEqual([['outcome', 'failed']]);
  });
});
