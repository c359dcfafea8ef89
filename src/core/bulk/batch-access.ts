import type { Actor } from '../approval/request-state';
import type { Versioned } from '../approval/user-request';
import { AppError } from '../errors';
import type { Batch, BatchStore } from './batch';

export interface BatchAccessDeps {
  batches: BatchStore;
  clock: { now(): Date };
}

/** Re-reads the stored batch: a card names a batch id, nothing more is trusted. */
export async function loadBatch(deps: BatchAccessDeps, batchId: string): Promise<Versioned<Batch>> {
  const found = await deps.batches.get(batchId);
  if (!found) throw new AppError('BATCH_NOT_FOUND', `batch ${batchId} not found`);
  return found;
}

/** A personal batch is only ever acted on by the person who raised it; anyone else is told it does not exist. */
export function assertBatchRequester(batch: Batch, actor: Actor): void {
  if (batch.requester.oid !== actor.oid) throw new AppError('BATCH_NOT_FOUND', `actor ${actor.oid} is not the requester of batch ${batch.id}`);
}

/** Compare-and-swap with re-read and re-apply, like updateRequest; `change` returns undefined when nothing is left to do. */
export async function updateBatch(deps: BatchAccessDeps, batchId: string, change: (current: Batch) => Batch | undefined, attempts = 5): Promise<{ batch: Batch; changed: boolean }> {
  for (let i = 0; i < attempts; i++) {
    const { value, etag } = await loadBatch(deps, batchId);
    const next = change(value);
    if (!next) return { batch: value, changed: false };
    try {
      const saved = await deps.batches.update({ ...next, updatedAt: deps.clock.now().toISOString() }, etag);
      return { batch: saved.value, changed: true };
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'CONCURRENT_UPDATE')) throw e;
    }
  }
  throw new AppError('CONCURRENT_UPDATE', `batch ${batchId} kept changing`);
}

/** The key the batch's creator identity is kept under in the credential vault while the batch runs. */
export const batchCredentialKey = (batchId: string) => `batch:${batchId}`;
