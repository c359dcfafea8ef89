import type { Directory } from '../ports';

/**
 * The partner tenant's GDAP reads of one uncached pre-flight run, made once each for that run. The role check,
 * the Temporary Access Pass check and the onboarding checks each resolve what the person holds from the same
 * relationships and access assignments; uncached, each made its own calls (up to three of each for a request that
 * asks for a pass and onboarding). Shared within the run only: every run (the final check before a creation
 * above all) still reads them fresh from Graph, so a role revoked since the review is caught as before.
 *
 * Membership is shared per exact list of groups asked about (the checks ask about different ones). A failed read
 * is shared too: every check of the run then reports the same failure, as it would have met it on its own call.
 */
export function oneRunDirectory(directory: Directory): Directory {
  const reads = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    let read = reads.get(key) as Promise<T> | undefined;
    if (!read) {
      read = load();
      reads.set(key, read);
    }
    return read;
  };
  // Delegates everything else to the real port (a prototype, so class-based ports keep their methods).
  const run = Object.create(directory) as Directory;
  run.listRelationships = (token, customerTenantId, opts) => once(`relationships ${customerTenantId}`, () => directory.listRelationships(token, customerTenantId, opts));
  run.listAccessAssignments = (token, relationshipId, opts) => once(`assignments ${relationshipId}`, () => directory.listAccessAssignments(token, relationshipId, opts));
  run.checkMemberGroups = (token, groupIds, opts) => once(`member ${groupIds.join(',')}`, () => directory.checkMemberGroups(token, groupIds, opts));
  return run;
}
