import type { StepProgress, UserRequest } from '../approval/user-request';
import { ADD_TO_GROUPS } from '../creation/add-to-groups-step';
import { ASSIGN_LICENCES } from '../creation/assign-licences-step';
import { SET_MANAGER } from '../creation/set-manager-step';
import { UPDATE_PROFILE } from '../creation/update-profile-step';
import type { ErrorCode } from '../errors';
import type { OnboardingStep } from './step-roles';

/** Each onboarding step's sequence name and title, in the order they run. */
export const ONBOARDING_STEPS: ReadonlyArray<{ step: Extract<OnboardingStep, 'licences' | 'groups' | 'manager' | 'profile'>; name: string; title: string }> = [
  { step: 'licences', name: ASSIGN_LICENCES, title: 'Licences' },
  { step: 'groups', name: ADD_TO_GROUPS, title: 'Groups' },
  { step: 'manager', name: SET_MANAGER, title: 'Manager' },
  { step: 'profile', name: UPDATE_PROFILE, title: 'Profile' },
];

export interface StepLine {
  name: string;
  title: string;
  /** `left-out`: the person chose to continue without it; `pending`: not run yet (or to be finished). */
  status: StepProgress['status'] | 'left-out';
  code?: ErrorCode;
}

/** The onboarding steps a request asked for, each with how it ended (for the result card, the history, the CSV). */
export function onboardingLines(request: UserRequest): StepLine[] {
  const plan = request.onboarding;
  if (!plan) return [];
  const asked = (s: (typeof ONBOARDING_STEPS)[number]['step']) =>
    s === 'licences' ? plan.licences.length > 0 : s === 'groups' ? plan.groups.length > 0 : s === 'manager' ? Boolean(plan.manager) : Boolean(plan.profile);
  return ONBOARDING_STEPS.filter((s) => asked(s.step)).map((s) => {
    if (plan.leaveOut?.includes(s.step)) return { name: s.name, title: s.title, status: 'left-out' as const };
    const stored = request.steps?.find((p) => p.name === s.name);
    return { name: s.name, title: s.title, status: stored?.status ?? 'pending', code: stored?.code };
  });
}

/** The failed steps: what "retry the failed steps" runs again. */
export function failedSteps(request: UserRequest): string[] {
  return onboardingLines(request).filter((l) => l.status === 'failed').map((l) => l.name);
}

/** One line of text for the history and the CSV: `licences ✓; groups ✗ GROUP_NOT_FOUND`. */
export function stepsSummary(request: UserRequest): string {
  return onboardingLines(request)
    .map((l) => `${l.title.toLowerCase()} ${l.status === 'done' ? '✓' : l.status === 'failed' ? `✗ ${l.code ?? ''}`.trim() : l.status}`)
    .join('; ');
}
