import type { ReadyPresenter } from '../core/approval/ready-presenter';
import type { CardLocation, UserRequest } from '../core/approval/user-request';
import type { CardUpdater } from './card-updater';
import { ReadyViews } from './cards/ready-views';
import type { CardViews } from './cards/views';
import type { OutcomeDelivery } from './outcome-delivery';

/**
 * The Teams side of a scheduled request's first day (core/use-cases/ready-notice.ts decides when): the ready card
 * as a new message, the old card pointing to it, reminders. A personal request's ready card goes to the
 * requester's 1:1 chat (the conversation its card lives in, else a 1:1 chat opened for them); an approval
 * request's goes to the approvers' conversation as a fresh approval card, whose Approve runs the full pre-flight
 * under the approver's identity at that moment (approval-flow.ts), with the usual approval rules.
 */
export class ReadyDelivery implements ReadyPresenter {
  private readonly readyViews: ReadyViews;

  constructor(
    private readonly views: CardViews,
    private readonly updater: CardUpdater,
    private readonly outcomes: OutcomeDelivery,
  ) {
    this.readyViews = new ReadyViews(views);
  }

  async sendReady(request: UserRequest): Promise<CardLocation | undefined> {
    if (request.mode === 'approval') {
      if (!request.card) return undefined;
      return this.updater.post(request.card.conversation, this.views.approvalRequest(request, 'base', this.outcomes.refreshIds(request)));
    }
    return this.toRequester(request, this.readyViews.ready(request));
  }

  async retireCard(request: UserRequest, location: CardLocation): Promise<void> {
    await this.updater.update(location, this.readyViews.retired(request));
  }

  async sendReminder(request: UserRequest): Promise<void> {
    const card = this.readyViews.reminder(request);
    if (request.mode === 'approval') {
      if (request.card) await this.updater.post(request.card.conversation, card);
      return;
    }
    await this.toRequester(request, card);
  }

  /** A new message in the requester's 1:1 chat with the bot. */
  private async toRequester(request: UserRequest, card: ReturnType<CardViews['notice']>): Promise<CardLocation | undefined> {
    const via = request.card?.conversation;
    if (!via) return undefined;
    const conversation = via.conversation as { conversationType?: string } | undefined;
    // A personal request's card lives in its requester's 1:1 chat: a new message there. Otherwise open one.
    if (conversation?.conversationType === 'personal') return this.updater.post(via, card);
    if (!request.requester.teamsId) return undefined;
    return this.updater.sendPrivate(request.requester.teamsId, via, card);
  }
}
