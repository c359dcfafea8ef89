import { cardInputReader } from '../card-inputs';
import type { RequestedOnboarding } from '../approval/user-request';
import type { OnboardingStep } from './step-roles';

/** The onboarding as stored on the request (licences, groups, manager, profile, steps left out). */
export type OnboardingPlan = RequestedOnboarding;

/** The form's inputs the onboarding adds beside the template's (licences, groups, four profile attributes). */
export const ONBOARDING_INPUTS = ['manager', 'managerName', 'employeeId', 'mobilePhone'] as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An onboarding input as text: a string trimmed (missing, or anything else: ""). */
export const onboardingInputText = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
// Read without zod effects (card-inputs.ts); Graph's limits are applied below.
const inputs = cardInputReader(ONBOARDING_INPUTS, onboardingInputText);

/**
 * The whole onboarding of a submitted form: what the template inputs gave (licences, groups, four profile
 * attributes: core/templates/template-prefill.ts) plus the manager (an object id from the type-ahead) and the
 * employee id and mobile phone. Undefined when it asks for nothing. Never throws; a manager that is no id is dropped.
 */
export function parseOnboardingForm(raw: unknown, fromTemplateInputs: RequestedOnboarding | undefined): OnboardingPlan | undefined {
  const read = inputs.read(raw);
  // Graph's limits: employeeId 16, mobilePhone 64; a longer value is cut rather than refused later by Graph.
  const f = { ...read, employeeId: read.employeeId.slice(0, 16), mobilePhone: read.mobilePhone.slice(0, 64) };
  const plan: OnboardingPlan = { licences: [], groups: [], ...fromTemplateInputs, profile: { ...fromTemplateInputs?.profile } };
  if (GUID.test(f.manager)) plan.manager = { id: f.manager.toLowerCase(), name: f.managerName };
  if (f.employeeId) plan.profile.employeeId = f.employeeId;
  if (f.mobilePhone) plan.profile.mobilePhone = f.mobilePhone;
  return isEmptyPlan(plan) ? undefined : plan;
}

export function isEmptyPlan(plan: OnboardingPlan | undefined): boolean {
  return !plan || (plan.licences.length === 0 && plan.groups.length === 0 && !plan.manager && Object.keys(plan.profile ?? {}).length === 0);
}

/** Whether the plan asks for this step and the person has not left it out. */
export function planWants(plan: OnboardingPlan | undefined, step: OnboardingStep): boolean {
  if (!plan || plan.leaveOut?.includes(step)) return false;
  return planAsks(plan, step);
}

/** Whether the plan asks for this step at all (left out or not). */
export function planAsks(plan: OnboardingPlan, step: OnboardingStep): boolean {
  if (step === 'licences') return plan.licences.length > 0;
  if (step === 'groups') return plan.groups.length > 0;
  if (step === 'manager') return Boolean(plan.manager);
  if (step === 'profile') return Object.keys(plan.profile ?? {}).length > 0;
  return false;
}

export const skuIdsOf = (plan: OnboardingPlan): string[] => plan.licences.map((l) => l.skuId);
export const groupIdsOf = (plan: OnboardingPlan): string[] => plan.groups.map((g) => g.id);
