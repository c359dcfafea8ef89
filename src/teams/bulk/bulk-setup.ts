import type { BatchStore } from '../../core/bulk/batch';
import { BatchRunner } from '../../core/bulk/batch-runner';
import type { BulkDeps } from '../../core/bulk/check-batch';
import type { Creation } from '../../core/creation/creation';
import type { UseCaseDeps } from '../../core/use-cases/deps';
import type { BackgroundWork } from '../background';
import type { CardUpdater } from '../card-updater';
import type { CardViews } from '../cards/views';
import { FileOffers, type UploadPolicy } from '../file-consent';
import { BulkFiles } from './bulk-files';
import type { ApprovalPolicy } from '../../core/use-cases/approval';
import type { SharedState } from '../sign-in';
import { BulkDelivery } from './bulk-delivery';
import { BulkFlow } from './bulk-flow';
import { BulkViews } from './bulk-views';

/** Bulk creation assembled (kept out of app.ts): its flow for the verbs, its runner for the due work. */
export function createBulk(input: { useCases: UseCaseDeps; batches: BatchStore; views: CardViews; updater: CardUpdater; background: BackgroundWork; shared: SharedState; creation: Creation; downloads: UploadPolicy; approvals: ApprovalPolicy }) {
  const deps: BulkDeps = { ...input.useCases, batches: input.batches };
  const bulkViews = new BulkViews(input.views);
  const runner = new BatchRunner(deps, input.creation, new BulkDelivery(bulkViews, input.updater), { policy: input.approvals });
  const flow = new BulkFlow(deps, input.views, bulkViews, runner, input.background, new FileOffers(input.shared), new BulkFiles(input.shared), input.downloads, input.updater, input.approvals);
  return { flow, runner };
}
