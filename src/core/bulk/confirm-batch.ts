// The checklist's two buttons (Create N users, Cancel), apart from the runner: they only move the stored batch and
// schedule its run-batch item, which batch-runner.ts then renews as its lease while it runs the rows.
import { dueKeys } from '../approval/due-work';
import type { Actor } from '../approval/request-state';
import type { CardLocation } from '../approval/user-request';
import { AppError } from '../errors';
import type { UserCredential } from '../ports';
import { acceptedRows, type Batch } from './batch';
import { assertBatchRequester, batchCredentialKey, loadBatch, updateBatch } from './batch-access';
import type { BulkDeps } from './check-batch';

/**
 * "Create N users" on the checklist: the batch moves `checked → running` with compare-and-swap (a double click
 * starts it once), the requester's identity is kept encrypted for whoever runs the rows (this process, or another
 * after a crash), and the batch's `run-batch` item is scheduled for when this runner's lease would run out.
 */
export async function confirmBatch(deps: BulkDeps, actor: Actor, cred: UserCredential, batchId: string, card?: CardLocation): Promise<{ started: boolean; batch: Batch }> {
  const { value } = await loadBatch(deps, batchId);
  assertBatchRequester(value, actor);
  if (value.state.kind !== 'checked') return { started: false, batch: value };
  if (acceptedRows(value).length === 0) throw new AppError('BULK_NOTHING_TO_CREATE', 'every row of the batch is blocked');
  await deps.credentials.keep(batchCredentialKey(batchId), cred);
  await scheduleRun(deps, batchId, deps.settings.creationLeaseMs);
  const { batch, changed } = await updateBatch(deps, batchId, (current) =>
    current.state.kind !== 'checked' ? undefined : { ...current, card: current.card ?? card, state: { kind: 'running', at: deps.clock.now().toISOString(), by: actor } },
  );
  if (changed) deps.logger.info({ batchId, customerId: batch.customer.id, rows: acceptedRows(batch).length }, 'bulk batch confirmed');
  return { started: changed, batch };
}

/** Cancel on the checklist: only a batch nothing has started for. */
export async function cancelBatch(deps: BulkDeps, actor: Actor, batchId: string): Promise<Batch> {
  const { value } = await loadBatch(deps, batchId);
  assertBatchRequester(value, actor);
  return (await updateBatch(deps, batchId, (current) => (current.state.kind !== 'checked' ? undefined : { ...current, state: { kind: 'cancelled', at: deps.clock.now().toISOString() } }))).batch;
}

/** The batch's `run-batch` item (the runner's lease), due `inMs` from now. */
export async function scheduleRun(deps: BulkDeps, batchId: string, inMs: number): Promise<void> {
  await deps.dueWork.schedule({ key: dueKeys.runBatch(batchId), kind: 'run-batch', requestId: batchId, dueAt: new Date(deps.clock.now().getTime() + inMs).toISOString() });
}
