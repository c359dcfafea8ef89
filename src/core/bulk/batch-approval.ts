import type { Actor } from '../approval/request-state';
import type { CardLocation } from '../approval/user-request';
import { AppError } from '../errors';
import { blockedBy } from '../preflight/checks';
import type { UserCredential } from '../ports';
import type { ApprovalPolicy } from '../use-cases/approval';
import { acceptedRows, type Batch } from './batch';
import { assertBatchRequester, batchCredentialKey, loadBatch, updateBatch } from './batch-access';
import type { BulkDeps } from './check-batch';
import { dueKeys } from '../approval/due-work';

/**
 * A channel batch is one approval request for all its rows (issue 14): the requester sends the checked batch to
 * the approvers; an approver's decision is checked like a single approval (the approver group, never their own
 * batch unless allowed, their own GDAP role and MFA for the customer, uncached), and an approved batch is created
 * row by row with the approver's identity (batch-row-runner.ts claims each row through the single `approve`).
 */
export async function submitBatch(deps: BulkDeps, actor: Actor, batchId: string, policy: Pick<ApprovalPolicy, 'expireAfterMs'>, card?: CardLocation): Promise<Batch> {
  const { value } = await loadBatch(deps, batchId);
  assertBatchRequester(value, actor);
  if (value.mode !== 'approval') throw new AppError('ILLEGAL_TRANSITION', 'a personal batch is created, not sent for approval');
  if (acceptedRows(value).length === 0) throw new AppError('BULK_NOTHING_TO_CREATE', 'every row of the batch is blocked');
  const expiresAt = new Date(deps.clock.now().getTime() + policy.expireAfterMs).toISOString();
  // Scheduled first, as for a single request: a crash right after the state change must not leave a batch that never expires.
  if (value.state.kind === 'checked') await deps.dueWork.schedule({ key: dueKeys.expireBatch(batchId), kind: 'expire-batch', requestId: batchId, dueAt: expiresAt });
  return (await updateBatch(deps, batchId, (c) => (c.state.kind !== 'checked' ? undefined : { ...c, card: c.card ?? card, state: { kind: 'pending-approval', at: deps.clock.now().toISOString(), expiresAt } }))).batch;
}

const isDue = (batch: Batch, now: Date) => batch.state.kind === 'pending-approval' && batch.state.expiresAt !== undefined && new Date(batch.state.expiresAt).getTime() <= now.getTime();

/**
 * `expire-batch` due work, and the check an approval makes first: an undecided batch whose time has come becomes
 * `expired` (compare-and-swap, so an approval racing the expiry either runs the batch or finds it expired, never
 * both). Nothing was created for it: its rows are requests only once it runs. Safe to run twice.
 */
export async function expireBatchIfDue(deps: BulkDeps, batchId: string): Promise<{ changed: boolean; batch: Batch }> {
  const now = deps.clock.now();
  const { batch, changed } = await updateBatch(deps, batchId, (c) => (isDue(c, now) ? { ...c, state: { kind: 'expired', at: now.toISOString() } } : undefined));
  if (changed) deps.logger.info({ batchId, customerId: batch.customer.id }, 'bulk batch expired undecided');
  return { changed, batch };
}

/** The decision checks of one approver for the whole batch; throws NOT_APPROVER, SELF_APPROVAL_REFUSED, the GDAP code or MFA_REQUIRED. */
async function authorize(deps: BulkDeps, cred: UserCredential, batch: Batch, policy: ApprovalPolicy, decision: 'approve' | 'reject'): Promise<void> {
  const opts = { correlationId: batch.correlationId };
  if (policy.approverGroupId) {
    const member = await deps.preflight.memberOf(cred, [policy.approverGroupId], { useCache: false, ...opts });
    if (!member.includes(policy.approverGroupId)) throw new AppError('NOT_APPROVER', `${cred.user.oid} is not in the approver group`);
  }
  if (batch.requester.oid === cred.user.oid && !policy.allowSelfApproval && decision === 'approve') throw new AppError('SELF_APPROVAL_REFUSED', 'requesters cannot approve their own batch');
  const role = await deps.preflight.gdapRole({ cred, customerId: batch.customer.id, useCache: false, ...opts });
  if (role.status === 'blocked') throw blockedBy(role, 'GDAP_ROLE_MISSING', 'the approver does not hold a suitable GDAP role');
  if (decision === 'approve' && !(await deps.tokens.partnerCenter(cred)).mfa) throw new AppError('MFA_REQUIRED', 'the approver signed in without MFA');
}

/**
 * Approves the batch and claims it in one compare-and-swap (`pending-approval → running`): two approvers at once
 * start it once. The approver's identity is kept for the rows; each row then gets its own uncached check under
 * it when the runner approves that row.
 */
export async function approveBatch(deps: BulkDeps, approver: Actor, cred: UserCredential, batchId: string, policy: ApprovalPolicy): Promise<{ started: boolean; batch: Batch }> {
  const { value } = await loadBatch(deps, batchId);
  // Past its time but the due work not run yet (a lagging poll): expired now, as the due work would have.
  if (isDue(value, deps.clock.now())) return { started: false, batch: (await expireBatchIfDue(deps, batchId)).batch };
  if (value.state.kind !== 'pending-approval') return { started: false, batch: value };
  await authorize(deps, cred, value, policy, 'approve');
  await deps.dueWork.schedule({ key: dueKeys.runBatch(batchId), kind: 'run-batch', requestId: batchId, dueAt: new Date(deps.clock.now().getTime() + deps.settings.creationLeaseMs).toISOString() });
  const { batch, changed } = await updateBatch(deps, batchId, (c) => (c.state.kind !== 'pending-approval' || isDue(c, deps.clock.now()) ? undefined : { ...c, state: { kind: 'running', at: deps.clock.now().toISOString(), by: approver } }));
  // Kept only by the approver whose compare-and-swap won: two approvers at once must not leave the loser's
  // identity where the rows are created from (the batch says who approved; every call must be theirs). A crash
  // between the two leaves a running batch without an identity: its rows are cancelled, nobody else's is used.
  if (changed) await deps.credentials.keep(batchCredentialKey(batchId), cred);
  if (changed) await deps.dueWork.cancel(dueKeys.expireBatch(batchId));
  if (changed) deps.logger.info({ batchId, customerId: batch.customer.id, rows: acceptedRows(batch).length }, 'bulk batch approved');
  return { started: changed, batch };
}

export async function rejectBatch(deps: BulkDeps, approver: Actor, cred: UserCredential, batchId: string, reason: string, policy: ApprovalPolicy): Promise<Batch> {
  const clean = reason.trim().slice(0, 500);
  if (!clean) throw new AppError('VALIDATION_FAILED', 'a rejection needs a reason', { fields: [{ field: 'reason', message: 'Say why the batch is rejected.' }] });
  const { value } = await loadBatch(deps, batchId);
  if (isDue(value, deps.clock.now())) return (await expireBatchIfDue(deps, batchId)).batch;
  if (value.state.kind !== 'pending-approval') return value;
  await authorize(deps, cred, value, policy, 'reject');
  const { batch, changed } = await updateBatch(deps, batchId, (c) => (c.state.kind !== 'pending-approval' ? undefined : { ...c, state: { kind: 'rejected', at: deps.clock.now().toISOString(), by: approver, reason: clean } }));
  if (changed) await deps.dueWork.cancel(dueKeys.expireBatch(batchId));
  return batch;
}
