import type { UserCredential } from '../ports';
import type { CreationPresenter } from './presenter';
import type { Checklist } from '../preflight/checks';
import type { UseCaseDeps } from '../use-cases/deps';
import { creationSettled, holdCreationLease, scheduleFinish } from './in-flight';
import type { DeliverySettings } from './password-delivery';
import { creationSteps } from './sequence';
import { runSteps } from './step-runner';
import type { CreationStep } from './steps';

/**
 * The creation of a claimed request, create → (onboarding steps) → present, then settled: its identity erased and
 * its finish item removed, only once every step has run. If the process dies before that, the request's finish
 * item comes due and `finish` resumes the sequence at its first step not done, with the same MS-RequestId.
 */
export class Creation {
  /** Requests whose sequence runs in this process right now. */
  private readonly running = new Set<string>();
  private readonly steps: readonly CreationStep[];

  constructor(
    private readonly deps: UseCaseDeps,
    presenter: CreationPresenter,
    settings: DeliverySettings,
    steps?: readonly CreationStep[],
  ) {
    this.steps = steps ?? creationSteps(deps, presenter, settings);
  }

  /**
   * Runs a just-claimed creation (after its invoke was answered) with the clicker's identity. `checked`: the
   * uncached pre-flight the approval ran moments ago under this identity, used as the final check.
   */
  async run(cred: UserCredential, requestId: string, opts: { checked?: Checklist } = {}): Promise<void> {
    const ran = await this.exclusively(requestId, () => this.sequence(requestId, false, async () => cred, opts.checked));
    if (ran) await creationSettled(this.deps, requestId);
  }

  /**
   * `finish-request` due work: a creation whose process stopped (or whose outcome never reached people) is
   * finished with the identity kept for it. A creation this process is still running is left alone: its lease is
   * pushed on instead, so there is never a second creation beside the live one.
   */
  async finish(requestId: string): Promise<void> {
    if (this.running.has(requestId)) {
      await scheduleFinish(this.deps, requestId, new Date(this.deps.clock.now().getTime() + this.deps.settings.creationLeaseMs));
      return;
    }
    const ran = await this.exclusively(requestId, async () => {
      // The create step says so itself for a creation cut short; a user that exists with steps left says so here.
      const found = await this.deps.requests.get(requestId);
      const pending = found?.value.state.kind === 'created' ? (found.value.steps ?? []).filter((s) => s.status === 'pending').map((s) => s.name) : [];
      if (pending.length) this.deps.logger.warn({ requestId, correlationId: found?.value.correlationId, pending }, 'resuming the steps of a created user whose process stopped');
      await this.sequence(requestId, true, () => this.deps.credentials.get(requestId));
    });
    if (ran) await creationSettled(this.deps, requestId);
  }

  private async sequence(requestId: string, resumed: boolean, credential: () => Promise<UserCredential | undefined>, checked?: Checklist): Promise<void> {
    await runSteps(this.deps, this.steps, requestId, { resumed, credential, memo: { checked } });
  }

  /** Runs one request's sequence with its lease held, never two at once in this process. */
  private async exclusively(requestId: string, work: () => Promise<void>): Promise<boolean> {
    if (this.running.has(requestId)) return false;
    this.running.add(requestId);
    const lease = holdCreationLease(this.deps, requestId);
    try {
      await work();
      return true;
    } finally {
      await lease.release();
      this.running.delete(requestId);
    }
  }
}
