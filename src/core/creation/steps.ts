import type { StepProgress, UserRequest } from '../approval/user-request';
import type { ErrorCode } from '../errors';
import type { UserCredential } from '../ports';
import type { Checklist } from '../preflight/checks';

/**
 * One step of the creation sequence (create the user, present the outcome; later: licences, groups, manager).
 * Adding a step is one file that exports a `CreationStep` and one line in sequence.ts.
 *
 * The contract every step keeps, because the runner may run it again:
 * - `run` is idempotent on retry: a process can die after the step's effect and before its progress is stored,
 *   and the finish job then runs it once more over the request as stored. It must look at what is already there
 *   (the state, its own stored marks) and not do its effect a second time.
 * - An outcome the request has to carry (Partner Center said no, a licence is not available) is `failed` with a
 *   code; the sequence goes on and later steps decide by `isApplicable`. Anything that may pass by itself (a store
 *   or a chat outage) is thrown: the step stays pending, nothing is settled, and the finish job resumes here.
 */
export interface CreationStep {
  /** Stable: stored in the request's progress. */
  readonly name: string;
  /** Whether the step has anything to do for the request as it now stands (a licence step: only once the user exists). */
  isApplicable(request: UserRequest): boolean;
  run(ctx: StepContext): Promise<StepOutcome>;
}

export interface StepOutcome {
  status: 'done' | 'failed';
  code?: ErrorCode;
  /** The request as stored after the step. */
  request: UserRequest;
}

/** What one run of the sequence knows besides the stored request. Held in memory for that run only. */
export interface StepContext {
  /** The request as stored when the step starts. */
  request: UserRequest;
  /** True when finishing a creation whose process stopped (the finish job), false right after the click. */
  resumed: boolean;
  /** The creator's identity: the clicker's in this run, or the one kept encrypted for whoever finishes it. */
  credential(): Promise<UserCredential | undefined>;
  /** Shared between the steps of this run. */
  memo: RunMemo;
}

export interface RunMemo {
  /** The pre-flight that the approval itself ran under the approver's identity, uncached, moments ago. */
  checked?: Checklist;
  /** The created user's password, already read from the vault by the create step. */
  password?: string;
  /** The user was created in this run (its password's visible time starts now, not later). */
  createdHere?: boolean;
}

/** The stored status of a step; a step not in the list (or a request from before steps) is pending. */
export function stepStatus(request: UserRequest, name: string): StepProgress['status'] {
  return request.steps?.find((s) => s.name === name)?.status ?? 'pending';
}

/** The progress with one step's status set (the others kept, in order; a new step appended). */
export function withStep(steps: StepProgress[] | undefined, entry: StepProgress): StepProgress[] {
  const list = steps ?? [];
  const clean = Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined)) as unknown as StepProgress;
  return list.some((s) => s.name === entry.name) ? list.map((s) => (s.name === entry.name ? clean : s)) : [...list, clean];
}
