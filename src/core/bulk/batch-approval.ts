import type { Actor } from '../approval/request-state';
import type { CardLocation } from '../approval/user-request';
import { AppError } from '../errors';
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
 * row by row with the approver's identity (batch-runner.ts claims each row through the single `approve`).
 */
export async function submitBatch(deps: BulkDeps, actor: Actor, batchId: string, card?: CardLocation): Promise<Batch> {
  const { value } = await loadBatch(deps, batchId);
  assertBatchRequester(value, actor);
  if (value.mode !== 'approval') throw new AppError('ILLEGAL_TRANSITION', 'a personal batch is created, not sent for approval');
  if (acceptedRows(value).length === 0) throw new AppError('BULK_NOTHING_TO_CREATE', 'every row of the batch is blocked');
  return (await updateBatch(deps, batchId, (c) => (c.state.kind !== 'checked' ? undefined : { ...c, card: c.card ?? card, state: { kind: 'pending-approval', at: deps.clock.now().toISOString() } }))).batch;
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
  if (role.status === 'blocked') throw new AppError(role.code ?? 'GDAP_ROLE_MISSING', 'the approver does not hold a suitable GDAP role');
  if (decision === 'approve' && !(await deps.tokens.partnerCenter(cred)).mfa) throw new AppError('MFA_REQUIRED', 'the approver signed in without MFA');
}

/**
 * Approves the batch and claims it in one compare-and-swap (`pending-approval → running`): two approvers at once
 * start it once. The approver's identity is kept for the rows; each row then gets its own uncached check under
 * it when the runner approves that row.
 */
export async function approveBatch(deps: BulkDeps, approver: Actor, cred: UserCredential, batchId: string, policy: ApprovalPolicy): Promise<{ started: boolean; batch: Batch }> {
  const { value } = await loadBatch(deps, batchId);
  if (value.state.kind !== 'pending-approval') return { started: false, batch: value };
  await authorize(deps, cred, value, policy, 'approve');
  await deps.credentials.keep(batchCredentialKey(batchId), cred);
  await deps.dueWork.schedule({ key: dueKeys.runBatch(batchId), kind: 'run-batch', requestId: batchId, dueAt: new Date(deps.clock.now().getTime() + deps.settings.creationLeaseMs).toISOString() });
  const { batch, changed } = await updateBatch(deps, batchId, (c) => (c.state.kind !== 'pending-approval' ? undefined : { ...c, state: { kind: 'running', at: deps.clock.now().toISOString(), by: approver } }));
  if (changed) deps.logger.info({ batchId, customerId: batch.customer.id, rows: acceptedRows(batch).length }, 'bulk batch approved');
  return { started: changed, batch };
}

export async function rejectBatch(deps: BulkDeps, approver: Actor, cred: UserCredential, batchId: string, reason: string, policy: ApprovalPolicy): Promise<Batch> {
  const clean = reason.trim().slice(0, 500);
  if (!clean) throw new AppError('VALIDATION_FAILED', 'a rejection needs a reason', { fields: [{ field: 'reason', message: 'Say why the batch is rejected.' }] });
  const { value } = await loadBatch(deps, batchId);
  if (value.state.kind !== 'pending-approval') return value;
  await authorize(deps, cred, value, policy, 'reject');
  return (await updateBatch(deps, batchId, (c) => (c.state.kind !== 'pending-approval' ? undefined : { ...c, state: { kind: 'rejected', at: deps.clock.now().toISOString(), by: approver, reason: clean } }))).batch;
}
