import type { OnboardingDeps } from '../onboarding/onboarding-deps';
import type { Directory, PartnerCenter } from '../ports';
import { Preflight } from '../preflight/run-preflight';
import type { UseCaseDeps } from '../use-cases/deps';

/**
 * One read per distinct question for the whole batch: the customer, its deleted users, its licences, a group, a
 * manager, the GDAP relationships and the person's memberships are the same for every row, so the pre-flight of
 * 300 rows asks Partner Center and Graph once for each, not 300 times. Only what differs per row (is this user
 * name free?) is asked per row. The memory lives as long as the batch's check, never longer.
 */
export function memoized<T extends object>(target: T, methods: ReadonlyArray<keyof T>): T {
  const cache = new Map<string, Promise<unknown>>();
  return new Proxy(target, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver) as unknown;
      if (typeof value !== 'function' || !methods.includes(prop as keyof T)) return typeof value === 'function' ? value.bind(t) : value;
      return (...args: unknown[]) => {
        // The last argument is the call options (a correlation id): not part of the question.
        const key = `${String(prop)}:${JSON.stringify(args.slice(0, -1))}`;
        let hit = cache.get(key);
        if (!hit) {
          hit = (value as (...a: unknown[]) => Promise<unknown>).apply(t, args);
          cache.set(key, hit);
        }
        return hit;
      };
    },
  });
}

export interface SharedReads {
  partnerCenter: PartnerCenter;
  directory: Directory;
  onboarding?: OnboardingDeps;
  /** A pre-flight over the shared reads (the batch's own: its caches end with the batch). */
  preflight: Preflight;
}

export function sharedReads(deps: UseCaseDeps): SharedReads {
  const partnerCenter = memoized(deps.partnerCenter, ['getCustomer', 'listUsers']);
  const directory = memoized(deps.directory, ['listRelationships', 'listAccessAssignments', 'checkMemberGroups', 'listDomains']);
  const onboarding = deps.onboarding && {
    ...deps.onboarding,
    licences: memoized(deps.onboarding.licences, ['listSkuAvailability']),
    customerDirectory: memoized(deps.onboarding.customerDirectory, ['getGroup', 'getUserToCopy', 'searchGroups']),
  };
  // A Temporary Access Pass row (the `firstCredential` column) reads the customer's pass policy: once per batch too.
  const tap = deps.tap && { ...deps.tap, temporaryAccessPasses: memoized(deps.tap.temporaryAccessPasses, ['readPolicy']) };
  const preflight = new Preflight({ partnerCenter, directory, tokens: deps.tokens, clock: deps.clock, logger: deps.logger, onboarding, tap }, 10 * 60_000);
  return { partnerCenter, directory, onboarding, preflight };
}
