import type { UserRequest } from '../approval/user-request';
import type { UseCaseDeps } from '../use-cases/deps';
import { loadRequest, updateRequest } from '../use-cases/request-access';
import { stepStatus, withStep, type CreationStep, type StepContext, type StepOutcome } from './steps';

type Mark = { name: string; status: 'done' | 'failed' | 'skipped'; code?: StepOutcome['code']; at: string };

/**
 * Runs the steps of one request in order, from the first one not done: each step's outcome is stored in the
 * request before the next starts, so a run cut short (a crash, an outage) resumes where it stopped. A step that
 * does not apply to the request as it now stands is passed over. A thrown error stops the run with the step still
 * pending (the caller does not settle, and the finish job comes back to it).
 *
 * A step passed over is marked `skipped` in the next write this runner makes (a plain creation: with the
 * outcome's `done`), not in a write of its own (issue 16: one read, one write and one WAL sync less per
 * creation). Until then the request the later steps see carries the mark already; a step that throws stores the
 * marks before the run stops. Nothing relies on a stored `skipped`: a process that dies before that write only
 * leaves the step pending, and the next run passes it over again (the runner skips only `done`).
 */
export async function runSteps(deps: UseCaseDeps, steps: readonly CreationStep[], requestId: string, ctx: Omit<StepContext, 'request'>): Promise<UserRequest> {
  let request = (await loadRequest(deps, requestId)).value;
  let skipped: Mark[] = [];
  for (const step of steps) {
    const stored = stepStatus(request, step.name);
    if (stored === 'done') continue;
    if (!step.isApplicable(request)) {
      if (stored === 'pending' && request.steps?.some((s) => s.name === step.name)) {
        skipped.push({ name: step.name, status: 'skipped', at: deps.clock.now().toISOString() });
        request = withMarks(request, skipped);
      }
      continue;
    }
    // Each step is a burst of work (upstream calls, a write, a card): one waiting turn goes first.
    await deps.turnsFirst?.();
    let outcome: StepOutcome;
    try {
      outcome = await step.run({ ...ctx, request: withMarks(request, skipped) });
    } catch (e) {
      // The run stops here: what it passed over is stored as it always was (best effort: the store may be what failed).
      if (skipped.length) await record(deps, request.id, skipped).catch(() => undefined);
      throw e;
    }
    // A step that stored its own progress with its effect read the stored request: the unstored marks again.
    request = withMarks(outcome.request, skipped);
    // A step may store its own progress together with its effect (one write); otherwise it is stored here.
    if (stepStatus(request, step.name) !== outcome.status) {
      request = await record(deps, request.id, [...skipped, { name: step.name, status: outcome.status, code: outcome.code, at: deps.clock.now().toISOString() }]);
      skipped = [];
    }
  }
  if (skipped.length) request = await record(deps, request.id, skipped);
  return request;
}

function withMarks(request: UserRequest, marks: readonly Mark[]): UserRequest {
  return marks.length ? { ...request, steps: marks.reduce((steps, m) => withStep(steps, m), request.steps) } : request;
}

async function record(deps: UseCaseDeps, requestId: string, marks: readonly Mark[]): Promise<UserRequest> {
  return (await updateRequest(deps, requestId, (current) => withMarks(current, marks))).request;
}
