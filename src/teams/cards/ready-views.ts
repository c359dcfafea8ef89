import type { UserRequest } from '../../core/approval/user-request';
import { formatStart } from '../../core/new-user/start-date';
import { staleAtOf } from '../../core/use-cases/schedule';
import { markdownText as md, TEXT_LIMITS, upnText } from '../../core/text/people-text';
import type { AdaptiveCardJson } from './card-templates';
import type { CardViews } from './views';

/**
 * The cards of a scheduled request's first day (src/core/use-cases/ready-notice.ts decides when they go out).
 * None of them carries a checklist: the bot has no token of anyone's when it sends them. "Review and create"
 * runs the checks with the clicker's own sign-in at that moment (verb `reviewReady`).
 */
export class ReadyViews {
  constructor(private readonly views: CardViews) {}

  private startOf(request: UserRequest): string {
    return request.startAt ? formatStart(request.startAt, request.startTimeZone) : '';
  }

  /** The personal ready card, a new message in the requester's 1:1 chat. */
  ready(request: UserRequest): AdaptiveCardJson {
    return this.views.notice({
      title: `Ready to create ${upnText(request.user.userPrincipalName)}`,
      text: `${md(request.user.displayName, TEXT_LIMITS.name)} (${md(request.customer.companyName, TEXT_LIMITS.name)}) starts on ${this.startOf(request)}. Review it: every check runs again with your own sign-in, then one click creates the user. Nothing is created before.`,
      reference: `Request ${request.id} · expires ${formatStart(staleAtOf(request.startAt ?? request.createdAt), request.startTimeZone)} if nobody creates it`,
      buttons: [
        { title: 'Review and create', verb: 'reviewReady', requestId: request.id, style: 'positive' },
        { title: 'Cancel', verb: 'cancel', requestId: request.id },
      ],
    });
  }

  /** The earlier "scheduled" card, once the ready card went out as a new message. */
  retired(request: UserRequest): AdaptiveCardJson {
    return this.views.notice({
      title: 'Ready: see the newest message',
      text: `The request for ${upnText(request.user.userPrincipalName)} (first day ${this.startOf(request)}) became ready; its card is now the newest message in this conversation.`,
      reference: `Request ${request.id}`,
    });
  }

  /** A reminder where the ready card went: nobody has created (or approved) it yet. */
  reminder(request: UserRequest): AdaptiveCardJson {
    const upn = upnText(request.user.userPrincipalName);
    const expires = formatStart(staleAtOf(request.startAt ?? request.createdAt), request.startTimeZone);
    return request.mode === 'personal'
      ? this.views.notice({
          title: `Reminder: ${upn} is not created yet`,
          text: `The first day is ${this.startOf(request)}. Review it and create the user; the request expires ${expires}.`,
          reference: `Request ${request.id}`,
          buttons: [{ title: 'Review and create', verb: 'reviewReady', requestId: request.id, style: 'positive' }],
        })
      : this.views.notice({
          title: `Reminder: ${upn} waits for an approver`,
          text: `The first day is ${this.startOf(request)}. An approver can approve or reject it on its card; the request expires ${expires}.`,
          reference: `Request ${request.id}`,
        });
  }
}
