/**
 * A customer's soft-deleted users, which still hold their user names, as Partner Center lists them (the deleted
 * filter of its user list, paged). One paging loop for the three readers: the user-name check (stops at the name),
 * the review's cache of the whole list, and the restore offered instead of a creation.
 */
import type { CustomerUser, PartnerCenter } from '../ports';

type Reader = { partnerCenter: PartnerCenter };
type Opts = { correlationId: string };

async function* deletedUsers(deps: Reader, token: string, customerId: string, opts: Opts): AsyncGenerator<CustomerUser> {
  let continuationToken: string | undefined;
  do {
    const page = await deps.partnerCenter.listUsers(token, customerId, { deleted: true, continuationToken }, opts);
    yield* page.items;
    continuationToken = page.continuationToken;
  } while (continuationToken);
}

/** The deleted user holding `upn` (lower-case), undefined when none: no page is read past the one that holds it. */
export async function deletedUserWithUpn(deps: Reader, token: string, customerId: string, upn: string, opts: Opts): Promise<CustomerUser | undefined> {
  for await (const u of deletedUsers(deps, token, customerId, opts)) if (u.userPrincipalName.toLowerCase() === upn) return u;
  return undefined;
}

/** Every deleted user of the customer by lower-case user name (the first listed wins), for the review's cache. */
export async function deletedUsersByName(deps: Reader, token: string, customerId: string, opts: Opts): Promise<ReadonlyMap<string, CustomerUser>> {
  const byName = new Map<string, CustomerUser>();
  for await (const u of deletedUsers(deps, token, customerId, opts)) {
    const name = u.userPrincipalName.toLowerCase();
    if (!byName.has(name)) byName.set(name, u);
  }
  return byName;
}
