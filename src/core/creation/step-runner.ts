import type { UserRequest } from '../approval/user-request';
import type { UseCaseDeps } from '../use-cases/deps';
import { loadRequest, updateRequest } from '../use-cases/request-access';
import { stepStatus, withStep, type CreationStep, type StepContext, type StepOutcome } from './steps';

/**
 * Runs the steps of one request in order, from the first one not done: each step's outcome is stored in the
 * request before the next starts, so a run cut short (a crash, an outage) resumes where it stopped. A step that
 * does not apply to the request as it now stands is passed over. A thrown error stops the run with the step still
 * pending (the caller does not settle, and the finish job comes back to it).
 */
export async function runSteps(deps: UseCaseDeps, steps: readonly CreationStep[], requestId: string, ctx: Omit<StepContext, 'request'>): Promise<UserRequest> {
  let request = (await loadRequest(deps, requestId)).value;
  for (const step of steps) {
    const stored = stepStatus(request, step.name);
    if (stored === 'done') continue;
    if (!step.isApplicable(request)) {
      if (stored === 'pending' && request.steps?.some((s) => s.name === step.name)) request = await record(deps, request.id, step.name, 'skipped');
      continue;
    }
    const outcome = await step.run({ ...ctx, request });
    request = outcome.request;
    // A step may store its own progress together with its effect (one write); otherwise it is stored here.
    if (stepStatus(request, step.name) !== outcome.status) request = await record(deps, request.id, step.name, outcome.status, outcome.code);
  }
  return request;
}

async function record(deps: UseCaseDeps, requestId: string, name: string, status: 'done' | 'failed' | 'skipped', code?: StepOutcome['code']): Promise<UserRequest> {
  const at = deps.clock.now().toISOString();
  return (await updateRequest(deps, requestId, (current) => ({ ...current, steps: withStep(current.steps, { name, status, code, at }) }))).request;
}
