/**
 * Which GDAP roles allow each onboarding call, in ONE place: pure data plus the functions the pre-flight asks
 * ("which steps can this set of roles do"). docs/roles.md shows the same table with Microsoft's page for each row,
 * and test/unit/core/onboarding/step-roles.test.ts keeps the two (and ../shared/partner-center-contract.md) in step.
 * A role counts when the acting person holds it for that customer through an active GDAP relationship and access
 * assignment (the same resolution as the creation check).
 */

/** Microsoft Entra built-in role template ids ("Microsoft Entra built-in roles"). */
export const ROLE_IDS = {
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  directoryWriters: '9360feb5-f418-4baa-8175-e2a00bac4301',
  directoryReaders: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b',
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  licenseAdministrator: '4d6ac14f-3453-41d0-bef9-a3e0c569773a',
  groupsAdministrator: 'fdd7a751-b60b-444a-984c-02652fe8fa1c',
  identityGovernanceAdministrator: '45d8d3c5-c802-45c6-b32a-1d70b5e1e86e',
  helpdeskAdministrator: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  exchangeAdministrator: '29232cdf-9323-42fd-ade2-1d097af3e4de',
  sharePointAdministrator: 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c',
  teamsAdministrator: '69091246-20e8-4a56-aa4d-066075b2a7a8',
  intuneAdministrator: '3a2c62db-5318-420d-8d74-23affee5d9d5',
  privilegedRoleAdministrator: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  authenticationAdministrator: 'c4e39bd9-1100-46d3-8c65-fb160da0071f',
  privilegedAuthenticationAdministrator: '7be44c8a-adaf-4e2a-84d6-ab2649e08a13',
  authenticationPolicyAdministrator: '0526716b-113d-4c15-b2c8-68e3c22b9f80',
} as const;

export type RoleName = keyof typeof ROLE_IDS;

/** The names Microsoft's pages (and docs/roles.md) use. */
export const ROLE_TITLES: Record<RoleName, string> = {
  userAdministrator: 'User Administrator',
  directoryWriters: 'Directory Writers',
  directoryReaders: 'Directory Readers',
  globalReader: 'Global Reader',
  licenseAdministrator: 'License Administrator',
  groupsAdministrator: 'Groups Administrator',
  identityGovernanceAdministrator: 'Identity Governance Administrator',
  helpdeskAdministrator: 'Helpdesk Administrator',
  exchangeAdministrator: 'Exchange Administrator',
  sharePointAdministrator: 'SharePoint Administrator',
  teamsAdministrator: 'Teams Administrator',
  intuneAdministrator: 'Intune Administrator',
  privilegedRoleAdministrator: 'Privileged Role Administrator',
  authenticationAdministrator: 'Authentication Administrator',
  privilegedAuthenticationAdministrator: 'Privileged Authentication Administrator',
  authenticationPolicyAdministrator: 'Authentication Policy Administrator',
};

/** One upstream call of the onboarding. */
export type OnboardingCall =
  | 'list-licences'
  | 'user-licences'
  | 'assign-licences'
  | 'read-directory'
  | 'add-to-group'
  | 'add-to-microsoft365-group'
  | 'add-to-security-group'
  | 'add-to-role-assignable-group'
  | 'set-manager'
  | 'update-profile'
  | 'temporary-access-pass'
  | 'read-tap-policy';

/**
 * The roles that allow each call (any one of them). `add-to-group` is the list for every group kind; the
 * Microsoft 365 / security rows are the extra roles Graph accepts for that kind only.
 */
export const CALL_ROLES: Readonly<Record<OnboardingCall, readonly RoleName[]>> = {
  'list-licences': ['directoryReaders', 'globalReader', 'userAdministrator', 'licenseAdministrator'],
  'user-licences': ['directoryReaders', 'licenseAdministrator', 'userAdministrator', 'directoryWriters'],
  'assign-licences': ['licenseAdministrator', 'userAdministrator', 'directoryWriters'],
  'read-directory': ['directoryReaders', 'globalReader', 'directoryWriters', 'userAdministrator', 'groupsAdministrator', 'licenseAdministrator', 'helpdeskAdministrator'],
  'add-to-group': ['directoryWriters', 'groupsAdministrator', 'identityGovernanceAdministrator', 'userAdministrator'],
  'add-to-microsoft365-group': ['exchangeAdministrator', 'sharePointAdministrator', 'teamsAdministrator'],
  'add-to-security-group': ['intuneAdministrator'],
  'add-to-role-assignable-group': ['privilegedRoleAdministrator'],
  'set-manager': ['userAdministrator', 'directoryWriters'],
  'update-profile': ['userAdministrator', 'directoryWriters'],
  'temporary-access-pass': ['authenticationAdministrator', 'privilegedAuthenticationAdministrator'],
  // "Get temporaryAccessPassAuthenticationMethodConfiguration": an Authentication Administrator may create a pass
  // but not read the policy, so the policy check is a notice for them, not a verdict.
  'read-tap-policy': ['globalReader', 'authenticationPolicyAdministrator'],
};

/** A step of the onboarding: the call that does it, and the reads its checks and pickers need. */
export type OnboardingStep = 'licences' | 'groups' | 'manager' | 'profile' | 'temporary-access-pass';

export const STEP_CALLS: Readonly<Record<OnboardingStep, { does: OnboardingCall; checks: readonly OnboardingCall[] }>> = {
  licences: { does: 'assign-licences', checks: ['list-licences'] },
  groups: { does: 'add-to-group', checks: ['read-directory'] },
  manager: { does: 'set-manager', checks: ['read-directory'] },
  profile: { does: 'update-profile', checks: [] },
  'temporary-access-pass': { does: 'temporary-access-pass', checks: ['read-tap-policy'] },
};

const idsOf = (names: readonly RoleName[]) => names.map((n) => ROLE_IDS[n]);

/** Whether a set of role template ids allows a call. */
export function allows(roleIds: Iterable<string>, call: OnboardingCall): boolean {
  const held = new Set([...roleIds].map((r) => r.toLowerCase()));
  return idsOf(CALL_ROLES[call]).some((id) => held.has(id));
}

export interface StepAbility {
  /** The call that does the step is allowed. */
  allowed: boolean;
  /** Every read the step's checks need is allowed (otherwise its checks are notices, not verdicts). */
  checkable: boolean;
  /** When not allowed: the roles any one of which would allow it, by name. */
  needsOneOf: string[];
}

/** Which onboarding steps this set of roles can do, and which it can check beforehand. */
export function stepsAllowed(roleIds: Iterable<string>): Record<OnboardingStep, StepAbility> {
  const held = [...roleIds];
  const ability = (step: OnboardingStep): StepAbility => {
    const { does, checks } = STEP_CALLS[step];
    const allowed = allows(held, does);
    return { allowed, checkable: checks.every((c) => allows(held, c)), needsOneOf: allowed ? [] : CALL_ROLES[does].map((r) => ROLE_TITLES[r]) };
  };
  return { licences: ability('licences'), groups: ability('groups'), manager: ability('manager'), profile: ability('profile'), 'temporary-access-pass': ability('temporary-access-pass') };
}

/**
 * Whether these roles may add a member to a group of this kind ("Add members", Graph): role-assignable groups
 * need Privileged Role Administrator whatever else is held; Microsoft 365 groups also take Exchange / SharePoint /
 * Teams Administrator, security groups also Intune Administrator. (Distribution lists and mail-enabled security
 * groups are Exchange's whatever the role: see the client's groupRefusal.)
 */
export function mayAddToGroup(roleIds: Iterable<string>, group: { kind: 'security' | 'microsoft365' | 'distribution' | 'mail-enabled-security'; isAssignableToRole: boolean }): boolean {
  const held = [...roleIds];
  if (group.isAssignableToRole) return allows(held, 'add-to-role-assignable-group');
  if (allows(held, 'add-to-group')) return true;
  if (group.kind === 'microsoft365') return allows(held, 'add-to-microsoft365-group');
  if (group.kind === 'security') return allows(held, 'add-to-security-group');
  return false;
}
