import type { StepProgress } from '../approval/user-request';
import type { CreationPresenter } from './presenter';
import type { UseCaseDeps } from '../use-cases/deps';
import { ADD_TO_GROUPS, addToGroupsStep } from './add-to-groups-step';
import { ASSIGN_LICENCES, assignLicencesStep } from './assign-licences-step';
import { CREATE_USER, createUserStep } from './create-step';
import type { DeliverySettings } from './password-delivery';
import { PRESENT_OUTCOME, presentOutcomeStep } from './present-step';
import { SET_MANAGER, setManagerStep } from './set-manager-step';
import type { CreationStep } from './steps';
import { UPDATE_PROFILE, updateProfileStep } from './update-profile-step';

/**
 * The creation sequence, in order: create the user, then the onboarding steps (issue #18: licences, groups,
 * manager, profile, each its own file implementing `CreationStep`), then present the outcome. One name a line.
 */
export const CREATION_SEQUENCE = [
  CREATE_USER,
  ASSIGN_LICENCES,
  ADD_TO_GROUPS,
  SET_MANAGER,
  UPDATE_PROFILE,
  PRESENT_OUTCOME,
] as const;

/** The steps after the user exists: what "retry the failed steps" may run again. */
export const ONBOARDING_SEQUENCE: readonly string[] = [ASSIGN_LICENCES, ADD_TO_GROUPS, SET_MANAGER, UPDATE_PROFILE];

/** The onboarding steps alone, in order (retrying the failed ones from the result card). */
export function onboardingSteps(deps: UseCaseDeps): CreationStep[] {
  return [assignLicencesStep(deps), addToGroupsStep(deps), setManagerStep(deps), updateProfileStep(deps)];
}

export function creationSteps(deps: UseCaseDeps, presenter: CreationPresenter, settings: DeliverySettings): CreationStep[] {
  const steps: CreationStep[] = [
    createUserStep(deps),
    ...onboardingSteps(deps),
    presentOutcomeStep(deps, presenter, settings),
  ];
  return CREATION_SEQUENCE.map((name) => steps.find((s) => s.name === name)!);
}

/** A claim (create, approve, retry) starts the sequence afresh: every step pending. */
export function freshProgress(): StepProgress[] {
  return CREATION_SEQUENCE.map((name) => ({ name, status: 'pending' }));
}
