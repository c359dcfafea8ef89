import type { StepProgress } from '../approval/user-request';
import type { CreationPresenter } from './presenter';
import type { UseCaseDeps } from '../use-cases/deps';
import { CREATE_USER, createUserStep } from './create-step';
import type { DeliverySettings } from './password-delivery';
import { PRESENT_OUTCOME, presentOutcomeStep } from './present-step';
import type { CreationStep } from './steps';
import { TEMPORARY_ACCESS_PASS, temporaryAccessPassStep } from './tap-step';

/**
 * The creation sequence, in order. The onboarding steps (licences, groups, manager, profile: issue #18) go
 * between creating the user and presenting the outcome, each its own file implementing `CreationStep`.
 */
export const CREATION_SEQUENCE = [CREATE_USER, TEMPORARY_ACCESS_PASS, PRESENT_OUTCOME] as const;

export function creationSteps(deps: UseCaseDeps, presenter: CreationPresenter, settings: DeliverySettings): CreationStep[] {
  const steps: CreationStep[] = [createUserStep(deps), temporaryAccessPassStep(deps), presentOutcomeStep(deps, presenter, settings)];
  return CREATION_SEQUENCE.map((name) => steps.find((s) => s.name === name)!);
}

/** A claim (create, approve, retry) starts the sequence afresh: every step pending. */
export function freshProgress(): StepProgress[] {
  return CREATION_SEQUENCE.map((name) => ({ name, status: 'pending' }));
}
