/**
 * The "user name free" check of the pre-flight: is the requested name held by an active user, or by a deleted one
 * that still reserves it? Its texts for the cases where it cannot look everywhere are in upn-check-results.ts.
 */
import { AppError } from '../errors';
import type { CustomerUser, Directory, PartnerCenter, TokenProvider, UserCredential } from '../ports';
import type { TtlCache } from '../ttl-cache';
import { evidenceOf, type CheckResult } from './checks';
import { deletedUserWithUpn, deletedUsersByName } from './deleted-users';
import { MAX_USER_PAGES, UPN_ENFORCED, listNotAllowed, listingRefused, notConnected, restorable, whyNotConnected } from './upn-check-results';

export interface UpnCheckDeps {
  partnerCenter: PartnerCenter;
  directory: Directory;
  tokens: TokenProvider;
  /**
   * The customer's deleted users by lower-case user name, per engineer and customer, for a confirmation (issue 16:
   * one upstream call fewer a review). Absent in the final check before a creation, which lists them again.
   */
  deletedUsers?: TtlCache<ReadonlyMap<string, CustomerUser>>;
}

/** What the check reads of a pre-flight's input. */
export interface UpnCheckInput {
  cred: UserCredential;
  customerId: string;
  user: { userPrincipalName: string };
  correlationId: string;
}

/**
 * Active users: one Graph look-up in the customer tenant; when the app is not connected there, Partner
 * Center's own user list answers the same question. Soft-deleted users, which still hold their name, only Partner
 * Center lists. That list needs Directory Readers, Global Reader or User Administrator: an engineer who holds only
 * Directory Writers may create users but not list them, so a refused list is a notice, never a stop (Partner
 * Center still refuses a taken name at creation), and whatever Graph answered is kept.
 */
export async function checkUpnFree(deps: UpnCheckDeps, input: UpnCheckInput): Promise<CheckResult> {
  const opts = { correlationId: input.correlationId };
  const upn = input.user.userPrincipalName.toLowerCase();
  const pcToken = (await deps.tokens.partnerCenter(input.cred)).token;
  const activeViaGraph = async (): Promise<{ id: string } | null | AppError> => {
    try {
      const graphToken = (await deps.tokens.customerGraph(input.cred, input.customerId)).token;
      return await deps.directory.findUserByUpn(graphToken, upn, opts);
    } catch (e) {
      const error = notConnected(e);
      if (!error) throw e;
      return error;
    }
  };
  // A review reuses this engineer's list of the customer's deleted users from the last minutes: a user deleted
  // since then is the rare case the final check (uncached) still catches before anything is sent.
  const deletedP = deps.deletedUsers
    ? deps.deletedUsers.getOrLoad(`${input.cred.user.oid}:${input.customerId.toLowerCase()}`, () => deletedUsersByName(deps, pcToken, input.customerId, opts)).then((byName) => byName.get(upn))
    : deletedUserWithUpn(deps, pcToken, input.customerId, upn, opts);
  const [viaGraph, deleted] = await Promise.all([activeViaGraph(), listingRefused(deletedP)]);
  const refused = deleted instanceof AppError ? deleted : undefined;
  let active: { id: string } | null;
  let source = '';
  if (viaGraph instanceof AppError) {
    const listed = refused ?? (await listingRefused(activeUserWithUpn(deps, pcToken, input.customerId, upn, opts)));
    if (listed instanceof AppError) return listNotAllowed(listed, viaGraph);
    if (listed === 'too-many' && !deleted) {
      return {
        id: 'upn-free',
        status: 'not-checked',
        code: viaGraph.code,
        connectable: true,
        text: `Not checked: ${whyNotConnected(viaGraph)}, and the customer has more than ${MAX_USER_PAGES * 100} users for Partner Center's list to be searched here.`,
        todo: UPN_ENFORCED,
        evidence: evidenceOf(viaGraph),
      };
    }
    active = listed === 'too-many' ? null : (listed ?? null);
    source = " (checked in Partner Center's user list, as the app cannot read the customer's tenant)";
  } else {
    active = viaGraph;
  }
  if (active) return { id: 'upn-free', status: 'blocked', code: 'UPN_TAKEN', text: `${upn} already belongs to a user of this customer.`, evidence: `object id ${active.id}`, todo: 'Choose a different user name.' };
  if (deleted instanceof AppError) return listNotAllowed(deleted, undefined, upn);
  if (deleted) return { id: 'upn-free', status: 'blocked', ...restorable(upn, deleted) };
  return { id: 'upn-free', status: 'ok', text: `${upn} is free${source}.` };
}

/** The active user with that UPN in Partner Center's list, undefined when none, 'too-many' past the page bound. */
async function activeUserWithUpn(deps: UpnCheckDeps, token: string, customerId: string, upn: string, opts: { correlationId: string }) {
  let continuationToken: string | undefined;
  for (let pages = 0; pages < MAX_USER_PAGES; pages++) {
    const page = await deps.partnerCenter.listUsers(token, customerId, { continuationToken }, opts);
    const hit = page.items.find((u) => u.userPrincipalName.toLowerCase() === upn && u.state === 'active');
    if (hit) return hit;
    continuationToken = page.continuationToken;
    if (!continuationToken) return undefined;
  }
  return 'too-many' as const;
}
