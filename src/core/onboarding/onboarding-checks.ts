import type { RequestedUser } from '../approval/user-request';
import { AppError, toAppError, type ErrorCode } from '../errors';
import type { CustomerGroup, Directory, TokenProvider, UserCredential } from '../ports';
import { notMadeBecause, upstreamOf, type CheckResult } from '../preflight/checks';
import type { OnboardingDeps } from './onboarding-deps';
import { planWants, type OnboardingPlan } from './plan';
import { rolesHeld } from './roles-held';
import { mayAddToGroup, stepsAllowed, type OnboardingStep } from './step-roles';

type PlanStep = Extract<OnboardingStep, 'licences' | 'groups' | 'manager' | 'profile'>;

export interface OnboardingCheckDeps {
  directory: Directory;
  tokens: TokenProvider;
  onboarding?: OnboardingDeps;
}

export interface OnboardingCheckInput {
  cred: UserCredential;
  customerId: string;
  user: RequestedUser;
  plan?: OnboardingPlan;
  correlationId: string;
}

/** Why a group cannot take members through Graph (the same rule as the client's groupRefusal, decided here first). */
export function groupRefusal(group: CustomerGroup): 'GROUP_ROLE_ASSIGNABLE' | 'GROUP_NEEDS_EXCHANGE' | undefined {
  if (group.isAssignableToRole) return 'GROUP_ROLE_ASSIGNABLE';
  if (group.kind === 'distribution' || group.kind === 'mail-enabled-security') return 'GROUP_NEEDS_EXCHANGE';
  return undefined;
}

const GRAPH_STEPS: PlanStep[] = ['groups', 'manager', 'profile'];

/**
 * The checks of every onboarding step the plan asks for, under the acting person's own identity and GDAP roles,
 * before anything is created: a step that could only fail after the user exists is blocked here, with its code
 * (or left out, when the person chose so: then it is not checked and will not run). A check nobody could make is
 * blocked too; a customer whose tenant the bot's app is not connected to blocks the Graph steps with the Connect
 * action, while licences (Partner Center) stay possible.
 */
export async function checkOnboarding(deps: OnboardingCheckDeps, input: OnboardingCheckInput): Promise<CheckResult[]> {
  const wanted = (['licences', ...GRAPH_STEPS] as PlanStep[]).filter((s) => planWants(input.plan, s));
  if (wanted.length === 0) return [];
  const plan = input.plan!;
  const blockedAll = (code: ErrorCode, text: string, error?: AppError): CheckResult[] => wanted.map((id) => ({ id, status: 'blocked', code, text, ...(error && upstreamOf(error)) }));
  if (!deps.onboarding) return blockedAll('ACTION_NOT_ALLOWED', 'This bot is not set up to do this step.');
  const opts = { correlationId: input.correlationId };
  let abilities: ReturnType<typeof stepsAllowed>;
  let roles: Set<string>;
  try {
    roles = await rolesHeld(deps, input.cred, input.customerId, opts);
    abilities = stepsAllowed(roles);
  } catch (e) {
    const error = toAppError(e);
    return blockedAll(error.code, 'Your GDAP roles for this customer could not be read, so this step could not be checked.', error);
  }
  const ob = deps.onboarding;
  const results: CheckResult[] = [];
  const notAllowed = (step: PlanStep): CheckResult | undefined =>
    abilities[step].allowed ? undefined : { id: step, status: 'blocked', code: 'GDAP_ROLE_MISSING', text: `Your GDAP roles for this customer do not allow this step.`, todo: `It needs one of: ${abilities[step].needsOneOf.join(', ')}. Or continue without it.` };

  if (wanted.includes('licences')) results.push(notAllowed('licences') ?? (await guard('licences', () => checkLicences(deps, ob, input, plan))));

  const graphWanted = wanted.filter((s) => GRAPH_STEPS.includes(s));
  if (graphWanted.length > 0) {
    let token: string | AppError;
    try {
      token = (await ob.tokens.customerGraphForOnboarding(input.cred, input.customerId)).token;
    } catch (e) {
      token = toAppError(e);
    }
    for (const step of graphWanted) {
      if (token instanceof AppError) {
        const connectable = token.code === 'CUSTOMER_NOT_CONNECTED' || token.code === 'CUSTOMER_CONSENT_MISSING';
        results.push({
          id: step,
          status: 'blocked',
          code: token.code,
          connectable,
          text: connectable ? "Unavailable: this bot's app is not connected to the customer's tenant (or lacks the onboarding permissions)." : 'This could not be checked right now.',
          todo: connectable ? 'Connect the customer, or continue without this step.' : undefined,
        });
        continue;
      }
      const t = token;
      const refused = notAllowed(step);
      if (refused) results.push(refused);
      else if (step === 'groups') results.push(await guard('groups', () => checkGroups(ob, t, plan, roles, opts)));
      else if (step === 'manager') results.push(await guard('manager', () => checkManager(ob, t, plan, opts)));
      else results.push({ id: 'profile', status: 'ok', text: `Sets ${Object.keys(plan.profile).join(', ')}.` });
    }
  }
  return results;
}

async function guard(id: CheckResult['id'], run: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await run();
  } catch (e) {
    return notMadeBecause(id, toAppError(e), 'This could not be checked right now.');
  }
}

async function checkLicences(deps: OnboardingCheckDeps, ob: OnboardingDeps, input: OnboardingCheckInput, plan: OnboardingPlan): Promise<CheckResult> {
  if (!input.user.usageLocation) return { id: 'licences', status: 'blocked', code: 'USAGE_LOCATION_MISSING', text: 'A licence needs the usage location, which is not set.', todo: 'Choose the usage location.' };
  const token = (await deps.tokens.partnerCenter(input.cred)).token;
  const skus = await ob.licences.listSkuAvailability(token, input.customerId, { correlationId: input.correlationId });
  const skuOf = (id: string) => skus.find((s) => s.skuId.toLowerCase() === id.toLowerCase());
  // Every requested licence the customer has, named, whatever the verdict below.
  const names = plan.licences.flatMap(({ skuId }) => {
    const sku = skuOf(skuId);
    return sku ? [{ id: skuId, name: sku.productName }] : [];
  });
  const lines: string[] = [];
  for (const { skuId: id } of plan.licences) {
    const sku = skuOf(id);
    if (!sku) return { id: 'licences', status: 'blocked', code: 'LICENCE_UNKNOWN', text: `The customer has no subscription with the licence ${id}.`, todo: 'Choose one of the customer\'s licences, or continue without licences.', names };
    const seats = `${sku.productName} — ${sku.availableUnits} of ${sku.activeUnits} free`;
    if (sku.availableUnits < 1) return { id: 'licences', status: 'blocked', code: 'NO_FREE_SEAT', text: `No free seat: ${seats}.`, evidence: sku.skuPartNumber, todo: 'Buy a seat or free one, choose another licence, or continue without licences.', names };
    lines.push(seats);
  }
  const groups = new Set(plan.licences.map(({ skuId: id }) => skuOf(id)?.licenceGroupId));
  if (groups.size > 1) return { id: 'licences', status: 'blocked', code: 'LICENCE_GROUPS_MIXED', text: 'These licences belong to different licence groups.', names };
  return { id: 'licences', status: 'ok', text: lines.join('; '), names };
}

async function checkGroups(ob: OnboardingDeps, token: string, plan: OnboardingPlan, roles: Set<string>, opts: { correlationId: string }): Promise<CheckResult> {
  // Each group read is named, also the one that stops the check; the groups after it are not read.
  const names: Array<{ id: string; name: string }> = [];
  for (const { id } of plan.groups) {
    const group = await ob.customerDirectory.getGroup(token, id, opts);
    if (!group) return { id: 'groups', status: 'blocked', code: 'GROUP_NOT_FOUND', text: `The group ${id} does not exist in the customer's tenant.`, todo: 'Choose another group, or continue without groups.', names };
    names.push({ id, name: group.displayName });
    const refusal = groupRefusal(group);
    if (refusal === 'GROUP_ROLE_ASSIGNABLE') return { id: 'groups', status: 'blocked', code: refusal, text: `${group.displayName} is role-assignable: its members are changed by a Privileged Role Administrator in Entra, not here.`, todo: 'Remove it from the request, or continue without groups.', names };
    if (refusal) return { id: 'groups', status: 'blocked', code: refusal, text: `${group.displayName} is a ${group.kind === 'distribution' ? 'distribution list' : 'mail-enabled security group'}: its members are managed in Exchange, not through Microsoft Graph.`, todo: 'Add the user in the Exchange admin center afterwards, or remove the group.', names };
    if (!mayAddToGroup(roles, group)) return { id: 'groups', status: 'blocked', code: 'GDAP_ROLE_MISSING', text: `Your GDAP roles do not allow adding members to ${group.displayName}.`, names };
  }
  return { id: 'groups', status: 'ok', text: names.map((n) => n.name).join(', '), names };
}

async function checkManager(ob: OnboardingDeps, token: string, plan: OnboardingPlan, opts: { correlationId: string }): Promise<CheckResult> {
  try {
    const manager = await ob.customerDirectory.getUserToCopy(token, plan.manager!.id, opts);
    const name = `${manager.displayName} (${manager.userPrincipalName})`;
    return { id: 'manager', status: 'ok', text: name, names: [{ id: plan.manager!.id, name }] };
  } catch (e) {
    if (toAppError(e).code === 'USER_NOT_FOUND') return { id: 'manager', status: 'blocked', code: 'USER_NOT_FOUND', text: 'The chosen manager is not an active user of the customer.', todo: 'Choose another manager, or continue without one.' };
    throw e;
  }
}
