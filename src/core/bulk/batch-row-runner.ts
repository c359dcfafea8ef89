// One row of a running batch on its own (drafted once, then created, or approved and created for a channel batch);
// batch-runner.ts decides which rows run, waits for them to settle and delivers the passwords.
import type { UserRequest } from '../approval/user-request';
import type { Creation } from '../creation/creation';
import { AppError, toAppError } from '../errors';
import { generatePassword } from '../new-user/password';
import type { UserCredential } from '../ports';
import { approve, type ApprovalPolicy } from '../use-cases/approval';
import { startCreate } from '../use-cases/create-user';
import { keepPassword } from '../use-cases/password-lifetime';
import type { Batch, BatchRow } from './batch';
import { sleep } from './batch-pacing';
import type { BulkDeps } from './check-batch';

/**
 * One row of a running batch, created exactly once: the draft is created with put-if-absent, the claim is a
 * compare-and-swap `draft → creating` (or `pending-approval → creating` for a channel batch), and a row already
 * claimed is left to its own machinery.
 */
export class BatchRowRunner {
  constructor(
    private readonly deps: BulkDeps,
    private readonly creation: Creation,
    private readonly opts: { policy?: ApprovalPolicy },
  ) {}

  /** One row: its request drafted if it is not yet, then claimed and created; a row already claimed is left to its own machinery. */
  async runRow(batch: Batch, row: BatchRow & { requestId: string }, cred: UserCredential | undefined): Promise<void> {
    const { deps } = this;
    const request = await this.ensureDraft(batch, row);
    if (batch.mode === 'approval') return this.approveRow(batch, request, cred);
    if (request.state.kind !== 'draft') return;
    if (!cred) {
      // The identity was not kept (it could not be stored): nothing is created in anyone else's name.
      await this.cancelRow(batch, request);
      return;
    }
    for (let attempt = 1; ; attempt++) {
      const outcome = await startCreate(deps, batch.requester, request.id, attempt === 1 ? 'create' : 'retry', cred);
      if (!outcome.started) return;
      await this.creation.run(cred, request.id);
      const after = (await deps.requests.get(request.id))?.value;
      // Throttled past the client's own Retry-After waits: the row waits longer and goes again (same MS-RequestId).
      if (after?.state.kind !== 'failed' || after.state.failure.code !== 'THROTTLED' || attempt >= 3) return;
      deps.logger.warn({ batchId: batch.id, requestId: request.id, attempt }, 'bulk row throttled; waiting before trying again');
      await sleep(5000 * attempt);
    }
  }

  /**
   * A channel batch's row: claimed through the single approval (`approve`: the approver's own uncached checks for
   * this row, then `pending-approval → creating` with compare-and-swap) and created with the approver's identity,
   * the approval's check serving as the final check. A row the approver may not approve fails with that code.
   */
  private async approveRow(batch: Batch, request: UserRequest, cred: UserCredential | undefined): Promise<void> {
    const { deps } = this;
    if (request.state.kind !== 'pending-approval') return;
    const by = batch.state.kind === 'running' || batch.state.kind === 'done' ? batch.state.by : undefined;
    const policy = this.opts.policy;
    try {
      if (!cred || !by || !policy) throw new AppError('CREATION_INTERRUPTED', "the batch has no approver's sign-in to create with");
      const outcome = await approve(deps, cred, by, request.id, policy);
      if (outcome.changed) await this.creation.run(cred, request.id, { checked: outcome.checked });
    } catch (e) {
      const error = toAppError(e);
      deps.logger.warn({ batchId: batch.id, requestId: request.id, code: error.code }, 'a bulk row could not be approved');
      const now = deps.clock.now().toISOString();
      const current = await deps.requests.get(request.id);
      if (!current || current.value.state.kind !== 'pending-approval') return;
      const failed: UserRequest = {
        ...current.value,
        updatedAt: now,
        state: { kind: 'failed', by: by ?? batch.requester, at: now, attempt: 1, failure: { code: error.code, correlationId: current.value.correlationId, retryable: false } },
        history: [...current.value.history, { at: now, event: 'failed', correlationId: current.value.correlationId, detail: error.code }],
      };
      await deps.requests.update(failed, current.etag).catch(() => undefined);
      await deps.vault.erase(request.id);
    }
  }

  /** The row's request, created once (put-if-absent) with its password generated into the vault. */
  private async ensureDraft(batch: Batch, row: BatchRow & { requestId: string }): Promise<UserRequest> {
    const { deps } = this;
    let found = (await deps.requests.get(row.requestId))?.value;
    if (!found) {
      const now = deps.clock.now().toISOString();
      const correlationId = deps.ids.newId();
      const draft: UserRequest = {
        id: row.requestId,
        mode: batch.mode,
        createdAt: now,
        updatedAt: now,
        requester: batch.requester,
        customer: batch.customer,
        user: row.user!,
        ...(row.ticket ? { ticket: row.ticket } : {}),
        ...(row.template ? { template: row.template } : {}),
        ...(row.onboarding ? { onboarding: row.onboarding } : {}),
        msRequestId: deps.ids.newId(),
        correlationId,
        // A channel batch's rows wait for the batch's approver like single approval requests (no expiry of their
        // own: the batch was approved already, and the runner claims them at once).
        state: batch.mode === 'approval' ? { kind: 'pending-approval', submittedAt: now, expiresAt: new Date(deps.clock.now().getTime() + 7 * 86_400_000).toISOString() } : { kind: 'draft' },
        history: [{ at: now, event: 'drafted', actor: { oid: batch.requester.oid, name: batch.requester.name }, correlationId, detail: `bulk batch ${batch.id}, line ${row.line}` }],
      };
      try {
        found = (await deps.requests.create(draft)).value;
      } catch (e) {
        if (!(e instanceof AppError && e.code === 'CONCURRENT_UPDATE')) throw e;
        found = (await deps.requests.get(row.requestId))!.value;
      }
    }
    // A draft is never sent to Partner Center, so a draft whose password was lost (a crash between the two
    // writes) simply gets a new one.
    if ((found.state.kind === 'draft' || found.state.kind === 'pending-approval') && (await deps.vault.get(found.id)) === undefined) await keepPassword(deps, found.id, generatePassword());
    return found;
  }

  private async cancelRow(batch: Batch, request: UserRequest): Promise<void> {
    const { deps } = this;
    const now = deps.clock.now();
    const current = await deps.requests.get(request.id);
    if (!current || current.value.state.kind !== 'draft') return;
    await deps.requests
      .update({ ...current.value, updatedAt: now.toISOString(), state: { kind: 'cancelled', by: batch.requester, at: now.toISOString() }, history: [...current.value.history, { at: now.toISOString(), event: 'cancelled', detail: "the batch lost its creator's sign-in" }] }, current.etag)
      .catch(() => undefined);
    await deps.vault.erase(request.id);
  }
}
