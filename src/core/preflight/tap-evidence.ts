import { AppError, toAppError } from '../errors';
import type { AccessAssignment, CredentialTokens, DelegatedAdminRelationship, TemporaryAccessPasses, UserCredential } from '../ports';
import { isUsableRelationship } from './gdap-role';
import { judgeTemporaryAccessPass, type FirstCredential } from './first-credential';
import type { CheckResult } from './checks';

/** What the Temporary Access Pass check needs besides the pre-flight's own ports. */
export interface TapCheckDeps {
  credentialTokens: CredentialTokens;
  temporaryAccessPasses: TemporaryAccessPasses;
}

/**
 * The role template ids a person holds for a customer: every role of an active access assignment of a usable
 * relationship whose group the person is a (transitive) member of. The same resolution as the creation role.
 */
export function heldRoleIds(relationships: DelegatedAdminRelationship[], assignments: Map<string, AccessAssignment[]>, memberOf: Set<string>): string[] {
  const held = new Set<string>();
  for (const rel of relationships.filter(isUsableRelationship)) {
    for (const a of assignments.get(rel.id) ?? []) {
      if (a.status === 'active' && memberOf.has(a.groupId)) a.roleDefinitionIds.forEach((r) => held.add(r.toLowerCase()));
    }
  }
  return [...held];
}

/** Every group an active assignment of a usable relationship names: the ones to ask checkMemberGroups about. */
export function assignedGroups(relationships: DelegatedAdminRelationship[], assignments: Map<string, AccessAssignment[]>): string[] {
  const groups = new Set<string>();
  for (const rel of relationships.filter(isUsableRelationship)) for (const a of assignments.get(rel.id) ?? []) if (a.status === 'active') groups.add(a.groupId);
  return [...groups];
}

/**
 * Gathers the evidence (the customer-tenant token, the tenant's policy) and judges it. The policy is read with the
 * person's own token: what they may read is what Graph will enforce on their call.
 */
export async function checkTemporaryAccessPass(
  deps: TapCheckDeps,
  input: { cred: UserCredential; customerId: string; heldRoleIds: string[]; request: Extract<FirstCredential, { kind: 'tap' }>; startAt?: Date; correlationId: string },
): Promise<CheckResult> {
  const base = { heldRoleIds: input.heldRoleIds, request: input.request, startAt: input.startAt };
  let token: string;
  try {
    token = (await deps.credentialTokens.customerGraphForCredentials(input.cred, input.customerId)).token;
  } catch (e) {
    return judgeTemporaryAccessPass({ ...base, tokenError: toAppError(e) });
  }
  try {
    return judgeTemporaryAccessPass({ ...base, policy: await deps.temporaryAccessPasses.readPolicy(token, { correlationId: input.correlationId }) });
  } catch (e) {
    const error = toAppError(e);
    // Only "may not read it" is a notice; an outage is a check nobody could make (the guard reports it blocked).
    if (error.code !== 'GDAP_ROLE_MISSING') throw error;
    return judgeTemporaryAccessPass({ ...base, policyError: error instanceof AppError ? error : undefined });
  }
}
