import type { RequestedOnboarding, StepProgress } from '../approval/user-request';
import { planAsks } from '../onboarding/plan';
import type { OnboardingStep } from '../onboarding/step-roles';
import type { CreationPresenter } from './presenter';
import type { UseCaseDeps } from '../use-cases/deps';
import { ADD_TO_GROUPS, addToGroupsStep } from './add-to-groups-step';
import { ASSIGN_LICENCES, assignLicencesStep } from './assign-licences-step';
import { CREATE_USER, createUserStep } from './create-step';
import type { DeliverySettings } from './password-delivery';
import { PRESENT_OUTCOME, presentOutcomeStep } from './present-step';
import { SET_MANAGER, setManagerStep } from './set-manager-step';
import type { CreationStep } from './steps';
import { TEMPORARY_ACCESS_PASS, temporaryAccessPassStep } from './tap-step';
import { UPDATE_PROFILE, updateProfileStep } from './update-profile-step';

/**
 * The creation sequence, in order: create the user, its Temporary Access Pass when asked for (issue #19), then the onboarding steps (issue #18: licences, groups,
 * manager, profile, each its own file implementing `CreationStep`), then present the outcome. One name a line.
 */
export const CREATION_SEQUENCE = [
  CREATE_USER,
  TEMPORARY_ACCESS_PASS,
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
    temporaryAccessPassStep(deps),
    ...onboardingSteps(deps),
    presentOutcomeStep(deps, presenter, settings),
  ];
  return CREATION_SEQUENCE.map((name) => steps.find((s) => s.name === name)!);
}

/**
 * A claim (create, approve, retry) starts the sequence afresh: every step pending. The onboarding steps are listed
 * only when the request asks for them, so a plain creation's progress stays create → present.
 */
export function freshProgress(onboarding?: RequestedOnboarding): StepProgress[] {
  const asked = new Set(ONBOARDING_STEP_OF.filter(([, step]) => onboarding && planAsks(onboarding, step)).map(([name]) => name));
  return CREATION_SEQUENCE.filter((name) => !ONBOARDING_SEQUENCE.includes(name) || asked.has(name)).map((name) => ({ name, status: 'pending' }));
}

const ONBOARDING_STEP_OF: ReadonlyArray<[string, OnboardingStep]> = [
  [ASSIGN_LICENCES, 'licences'],
  [ADD_TO_GROUPS, 'groups'],
  [SET_MANAGER, 'manager'],
  [UPDATE_PROFILE, 'profile'],
];
