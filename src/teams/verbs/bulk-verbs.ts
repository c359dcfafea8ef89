import { z } from 'zod/v4';
import { idField, textField } from '../card-data';
import { defineVerb } from './verb';

// Bulk creation (issue 14). The batch id is the only thing a batch card carries; the flow re-reads the batch and
// requires its requester on every click (src/teams/bulk/bulk-flow.ts).
const batchData = z.object({ batchId: idField('BATCH_NOT_FOUND', true) });
// The pasted CSV is bounded by the core's own limit (BULK_TOO_LARGE); this only keeps absurd payloads out.
const inputData = z.object({ customerId: textField, fileId: idField('BULK_FILE_UNAVAILABLE'), csv: z.unknown().transform((v) => (typeof v === 'string' ? v : '')).pipe(z.string().max(1024 * 1024)) });

/** "Check" on the bulk card: every row validated and pre-flighted; the checklist comes back. */
export const bulkCheck = defineVerb({ data: inputData, handle: (t, s) => s.bulk.check(t) });
/** "CSV template": the header-only CSV as a file offer. */
export const bulkTemplate = defineVerb({ data: inputData, handle: (t, s) => s.bulk.template(t) });
/** "Create N users" on the checklist. */
export const bulkConfirm = defineVerb({ data: batchData, handle: (t, s) => s.bulk.confirm(t) });
/** A channel batch: Approve (the approver's identity creates every row) and Reject (with a reason). */
export const bulkApprove = defineVerb({ data: batchData, handle: (t, s) => s.bulk.approve(t) });
export const bulkReject = defineVerb({ data: batchData.extend({ reason: textField }), handle: (t, s) => s.bulk.reject(t) });
/** `bulk` in a channel for someone not yet signed in: the card's button signs them in (Universal Actions). */
export const bulkOpen = defineVerb({ data: z.object({}), handle: (t, s) => s.bulk.inputCard(t.cred, t.correlationId) });
export const bulkCancel = defineVerb({ data: batchData, handle: (t, s) => s.bulk.cancel(t) });
export const bulkRefresh = defineVerb({ data: batchData, handle: (t, s) => s.bulk.current(t) });
/** The checklist's full report as a CSV file offer. */
export const bulkReport = defineVerb({ data: batchData, handle: (t, s) => s.bulk.file(t, 'report') });
/** The outcome per row as a CSV file offer (no passwords). */
export const bulkResults = defineVerb({ data: batchData, handle: (t, s) => s.bulk.file(t, 'results') });
