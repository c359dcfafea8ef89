import type { CardLocation, UserRequest } from './user-request';

/**
 * How a scheduled request, once ready, reaches the people who must act on it (implemented by the chat adapter,
 * src/teams/ready-delivery.ts). The core decides when and whether (once per request, reminders by their time);
 * the adapter only draws and sends. Each method does its work or throws (the due work is then tried again).
 */
export interface ReadyPresenter {
  /**
   * Sends the ready card as a new message: to the requester's 1:1 chat for a personal request, to the approvers'
   * conversation (where the request's card lives) for an approval request. Returns where it is, so later updates
   * (creating, created, expired) land on it; undefined when there is no conversation to send it to.
   */
  sendReady(request: UserRequest): Promise<CardLocation | undefined>;
  /** The request's earlier card (the "scheduled" one) says the request moved on to its ready card. */
  retireCard(request: UserRequest, location: CardLocation): Promise<void>;
  /** Nobody acted yet: a short reminder where the ready card went. */
  sendReminder(request: UserRequest): Promise<void>;
}
