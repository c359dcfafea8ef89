import type { UserRequest } from '../approval/user-request';
import { AppError } from '../errors';
import type { CustomerUser, UserCredential } from '../ports';
import { blockedBy, type Checklist } from '../preflight/checks';
import type { UseCaseDeps } from '../use-cases/deps';

/**
 * The pre-flight checks once more, uncached, with the identity that is about to create: nothing doomed is sent
 * to Partner Center, and a role revoked since the confirmation card is caught. An approval has just run exactly
 * these checks under the approver's identity (approval.ts): `checked` is that result, used instead of a second
 * identical run. On a retry the user name may already be taken by this very request's earlier attempt (an answer
 * lost in transit); the call then goes ahead with the same MS-RequestId, which Partner Center answers with the
 * first result instead of creating again.
 */
export async function finalCheck(
  deps: UseCaseDeps,
  cred: UserCredential,
  request: UserRequest,
  password: string,
  opts: { resumed: boolean; checked?: Checklist },
): Promise<void> {
  // A resumed call may find the user name taken by its own first attempt, exactly like a retry.
  const attempt = opts.resumed ? Number.POSITIVE_INFINITY : request.state.kind === 'creating' ? request.state.attempt : 1;
  const checklist =
    opts.checked ?? (await deps.preflight.run({ cred, customerId: request.customer.id, user: request.user, password, useCache: false, correlationId: request.correlationId, onboarding: request.onboarding })).checklist;
  const blocking = checklist.checks.filter((c) => c.status === 'blocked' && !(attempt > 1 && c.code === 'UPN_TAKEN'));
  if (blocking.length > 0) {
    // A check an upstream failure blocked (Graph 503, Partner Center 429) keeps that answer's status and code, so
    // the failed card and the stored failure show them as for a failure of the create call itself.
    throw blockedBy(blocking[0], 'INTERNAL', `pre-flight check ${blocking[0].id} blocked the creation`);
  }
}

/**
 * "User name taken", answered to this request's own create call: taken by the user an earlier run of this very
 * call made (its answer lost, Partner Center's idempotency memory gone), or by someone else? Partner Center does
 * not say which call made a user, so the user holding the name must carry exactly what this request sent (user
 * name, display name, first and last name, usage location) and be active. The final check found the name free
 * before this request's first attempt, so a user like that appeared since. Anything else stays UPN_TAKEN.
 */
export async function ownUserHoldingName(deps: UseCaseDeps, cred: UserCredential, pcToken: string, request: UserRequest): Promise<CustomerUser | undefined> {
  try {
    const graphToken = (await deps.tokens.customerGraph(cred, request.customer.id)).token;
    const found = await deps.directory.findUserByUpn(graphToken, request.user.userPrincipalName, { correlationId: request.correlationId });
    if (!found) return undefined;
    const user = await deps.partnerCenter.getUser(pcToken, request.customer.id, found.id, { correlationId: request.correlationId });
    const u = request.user;
    const same = (a: string | undefined, b: string | undefined) => (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();
    const ours =
      same(user.userPrincipalName, u.userPrincipalName) &&
      same(user.displayName, u.displayName) &&
      (user.firstName === undefined || same(user.firstName, u.firstName)) &&
      (user.lastName === undefined || same(user.lastName, u.lastName)) &&
      (user.usageLocation === undefined || same(user.usageLocation, u.usageLocation)) &&
      user.state === 'active';
    return ours ? user : undefined;
  } catch {
    return undefined;
  }
}
