import { transition, type Actor } from '../approval/request-state';
import { cardAfterClick, expiresAtOf, type UserRequest } from '../approval/user-request';
import { AppError } from '../errors';
import type { UserCredential } from '../ports';
import type { UseCaseDeps } from './deps';
import { dueKeys } from '../approval/due-work';
import { guardCreation } from '../creation/in-flight';
import { freshProgress } from '../creation/sequence';
import { blockedBy, type Checklist } from '../preflight/checks';
import { assertRequester, loadRequest, updateRequest } from './request-access';
import { scheduleIfAhead } from './schedule';

/** Who may approve, from configuration. */
export interface ApprovalPolicy {
  /** Members of this Entra group (partner tenant, transitive) may approve; unset: any engineer who passes the GDAP check. */
  approverGroupId?: string;
  /** A requester may approve their own request only when this is explicitly on. */
  allowSelfApproval: boolean;
  /** Undecided requests expire after this long. */
  expireAfterMs: number;
}

const at = (deps: UseCaseDeps) => deps.clock.now().toISOString();
const who = (a: Actor) => ({ oid: a.oid, name: a.name });

/** A drafted request goes to the approvers: `draft → pending-approval`, with its expiry time. */
export async function submitForApproval(deps: UseCaseDeps, actor: Actor, requestId: string, policy: ApprovalPolicy): Promise<UserRequest> {
  const { value } = await loadRequest(deps, requestId);
  assertRequester(value, actor);
  // A first day further ahead than the lead time: the request waits as scheduled and goes to the approvers (a new
  // card in their conversation) when it becomes ready; nobody can approve it days early with today's checks.
  if (value.startAt && value.state.kind === 'draft') {
    const scheduled = await scheduleIfAhead(deps, actor, value, undefined, 'approval');
    if (scheduled.scheduled) return scheduled.request;
  }
  const expiresAt = new Date(deps.clock.now().getTime() + policy.expireAfterMs).toISOString();
  // Scheduled first: a crash right after the state change must not leave a request that never expires.
  if (value.state.kind === 'draft') await deps.dueWork.schedule({ key: dueKeys.expire(requestId), kind: 'expire-request', requestId, dueAt: expiresAt });
  const { request } = await updateRequest(deps, requestId, (current) =>
    current.state.kind !== 'draft'
      ? undefined
      : {
          ...current,
          mode: 'approval',
          state: transition(current.state, { type: 'submit-for-approval', expiresAt }, deps.clock.now()),
          history: [...current.history, { at: at(deps), event: 'submitted-for-approval', actor: who(actor) }],
        },
  );
  return request;
}

/**
 * May this person decide on this request, right now? The approver group (with their own token), never their own
 * request unless allowed, and their own GDAP role for the customer: approvers are the people who could create the
 * user themselves, so a rejection needs the role as much as an approval does. Decisions check uncached; the view a
 * card shows may use the cache (`useCache`). Throws NOT_APPROVER, SELF_APPROVAL_REFUSED or the GDAP check's code;
 * nothing changes when it does.
 *
 * An uncached approval runs the full pre-flight once, with the stored password, under the approver's identity, and
 * returns it: the same result is the creation's final check (final-check.ts), so an approval does not run the
 * same uncached look-ups twice.
 */
export async function authorizeDecision(
  deps: UseCaseDeps,
  cred: UserCredential,
  request: UserRequest,
  policy: ApprovalPolicy,
  decision: 'approve' | 'reject',
  opts: { useCache?: boolean } = {},
): Promise<Checklist | undefined> {
  const useCache = opts.useCache ?? false;
  if (policy.approverGroupId) {
    const member = await deps.preflight.memberOf(cred, [policy.approverGroupId], { useCache, correlationId: request.correlationId });
    if (!member.includes(policy.approverGroupId)) throw new AppError('NOT_APPROVER', `${cred.user.oid} is not in the approver group`);
  }
  if (request.requester.oid === cred.user.oid && !policy.allowSelfApproval && decision === 'approve') {
    throw new AppError('SELF_APPROVAL_REFUSED', 'requesters cannot approve their own requests');
  }
  if (useCache) {
    // A view, not a decision: the role from cached look-ups only. Deciding re-checks everything uncached.
    const role = await deps.preflight.gdapRole({ cred, customerId: request.customer.id, useCache: true, correlationId: request.correlationId });
    if (role.status === 'blocked') throw blockedBy(role, 'GDAP_ROLE_MISSING', 'the person does not hold a suitable GDAP role');
    return undefined;
  }
  // Approving also checks the password against the rules, as the final check does; rejecting has no need of it.
  const password = decision === 'approve' ? await deps.vault.get(request.id) : undefined;
  const { checklist } = await deps.preflight.run({ cred, customerId: request.customer.id, user: request.user, password, useCache: false, correlationId: request.correlationId, onboarding: request.onboarding });
  const role = checklist.checks.find((c) => c.id === 'gdap-role');
  if (role && role.status === 'blocked') throw blockedBy(role, 'GDAP_ROLE_MISSING', 'the approver does not hold a suitable GDAP role');
  if (decision === 'approve') {
    const mfa = checklist.checks.find((c) => c.id === 'mfa');
    if (mfa && mfa.status === 'blocked') throw new AppError('MFA_REQUIRED', 'the approver signed in without MFA');
  }
  return checklist;
}

export type DecisionOutcome = { changed: true; request: UserRequest } | { changed: false; request: UserRequest };

/** An approval that claimed the creation carries the pre-flight it ran: the creation's final check (`Creation.run`). */
export type ApprovalOutcome = { changed: true; request: UserRequest; checked?: Checklist } | { changed: false; request: UserRequest };

/**
 * Approves and claims the creation in one compare-and-swap (`pending-approval → creating`), so two
 * approvers clicking together produce one creation: the loser gets `changed: false` and the current state.
 */
export async function approve(deps: UseCaseDeps, cred: UserCredential, approver: Actor, requestId: string, policy: ApprovalPolicy, card?: UserRequest['card']): Promise<ApprovalOutcome> {
  const { value } = await loadRequest(deps, requestId);
  if (value.state.kind !== 'pending-approval') return { changed: false, request: value };
  const checked = await authorizeDecision(deps, cred, value, policy, 'approve');
  await guardCreation(deps, requestId);
  // The identity kept right after the swap makes the swap durable with it: one sync before the answer, not two.
  const { request, changed } = await updateRequest(deps, requestId, (current) => {
    if (current.state.kind !== 'pending-approval') return undefined;
    return {
      ...current,
      card: cardAfterClick(current.card, card),
      state: transition(current.state, { type: 'approve', by: approver }, deps.clock.now()),
      steps: freshProgress(current.onboarding),
      history: [...current.history, { at: at(deps), event: 'approved', actor: who(approver) }, { at: at(deps), event: 'create-started', actor: who(approver) }],
    };
  }, { durableWithNextSecret: true });
  if (changed) {
    await deps.credentials.keep(requestId, cred);
    await deps.dueWork.cancel(dueKeys.expire(requestId));
  }
  return changed ? { changed: true, request, checked } : { changed: false, request };
}

/** Rejects with a reason; approvers only (the requester cancels instead). */
export async function reject(deps: UseCaseDeps, cred: UserCredential, approver: Actor, requestId: string, reason: string, policy: ApprovalPolicy): Promise<DecisionOutcome> {
  const clean = reason.trim().slice(0, 500);
  if (!clean) throw new AppError('VALIDATION_FAILED', 'a rejection needs a reason', { fields: [{ field: 'reason', message: 'Say why the request is rejected.' }] });
  const { value } = await loadRequest(deps, requestId);
  if (value.state.kind !== 'pending-approval') return { changed: false, request: value };
  await authorizeDecision(deps, cred, value, policy, 'reject');
  const { request, changed } = await updateRequest(deps, requestId, (current) =>
    current.state.kind !== 'pending-approval'
      ? undefined
      : {
          ...current,
          state: transition(current.state, { type: 'reject', by: approver, reason: clean }, deps.clock.now()),
          history: [...current.history, { at: at(deps), event: 'rejected', actor: who(approver), detail: clean }],
        },
  );
  if (changed) {
    await deps.vault.erase(requestId);
    await deps.dueWork.cancel(dueKeys.expire(requestId));
  }
  return changed ? { changed: true, request } : { changed: false, request };
}

/**
 * `expire-request` due work (due at `dueAt`): expires an undecided request whose time has come. One still undecided
 * whose expiry has since moved gets its item at that time instead; anything else is left alone.
 */
export async function expireIfDue(deps: UseCaseDeps, requestId: string, dueAt?: string): Promise<DecisionOutcome> {
  const now = deps.clock.now();
  const { request, changed } = await updateRequest(deps, requestId, (current) => {
    const expiresAt = expiresAtOf(current);
    const due = expiresAt && new Date(expiresAt).getTime() <= now.getTime();
    if (current.state.kind !== 'pending-approval' || !due) return undefined;
    return { ...current, state: transition(current.state, { type: 'expire' }, now), history: [...current.history, { at: now.toISOString(), event: 'expired' }] };
  });
  if (changed) await deps.vault.erase(requestId);
  else if (request.state.kind === 'pending-approval' && request.state.expiresAt !== dueAt) {
    await deps.dueWork.schedule({ key: dueKeys.expire(request.id), kind: 'expire-request', requestId: request.id, dueAt: request.state.expiresAt });
  }
  return changed ? { changed: true, request } : { changed: false, request };
}
