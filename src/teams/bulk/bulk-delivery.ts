import type { CardLocation } from '../../core/approval/user-request';
import type { Batch } from '../../core/bulk/batch';
import type { BatchPresenter, PasswordLine } from '../../core/bulk/batch-runner';
import type { RowOutcome } from '../../core/bulk/row-outcome';
import type { CardUpdater } from '../card-updater';
import type { BulkViews } from './bulk-views';
import { isPrivateChatRefused } from '../password-handover';

/**
 * The Teams side of a batch: the batch card redrawn where it lives (the requester's 1:1 chat), and the passwords
 * as one new message in that same chat, which only the requester reads. Decides nothing.
 */
export class BulkDelivery implements BatchPresenter {
  constructor(
    private readonly views: BulkViews,
    private readonly updater: CardUpdater,
  ) {}

  async showBatch(batch: Batch, rows: RowOutcome[]): Promise<void> {
    if (batch.card) await this.updater.update(batch.card, this.views.batch(batch, rows));
  }

  async sendPasswords(batch: Batch, lines: PasswordLine[]): Promise<CardLocation | undefined> {
    if (!batch.card) return undefined;
    // A personal batch's card is in the requester's own 1:1 chat: nobody else reads a message posted there.
    if (batch.mode === 'personal') return this.updater.post(batch.card.conversation, this.views.passwords(batch, lines));
    // A channel batch: to the requester privately, never to the channel.
    if (!batch.requester.teamsId) return undefined;
    try {
      return await this.updater.sendPrivate(batch.requester.teamsId, batch.card.conversation, this.views.passwords(batch, lines));
    } catch (e) {
      // The app is not installed for them: the passwords stay sealed until their retention end (not handed over later).
      if (isPrivateChatRefused(e)) return undefined;
      throw e;
    }
  }

  async hidePasswords(batch: Batch, location: CardLocation): Promise<void> {
    await this.updater.update(location, this.views.passwords(batch));
  }
}
