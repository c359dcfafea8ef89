import type { UserRequest } from '../../core/approval/user-request';
import { CHECK_TITLES } from '../../core/preflight/checks';
import { formatStart } from '../../core/new-user/start-date';
import { markdownText as md, TEXT_LIMITS } from '../../core/text/people-text';
import { errorText } from '../error-text';
import { CHECK_MARKS, showCustomer, showName, showTicket, showUser, STATE_LABELS, utcMinute as when } from './card-values';
import { errorReference } from './error-reference';
import { stepsView } from './onboarding-steps-view';

/** Which actions a person sees on a channel request card. The base card (everyone) carries them all. */
export type ApprovalView = 'base' | 'approver' | 'requester' | 'observer';

/**
 * Template data for `approval-request`, the card a channel or group chat shares for a request: its state in words,
 * the checks made at submit, and the actions `view` may see.
 */
export function approvalCardData(request: UserRequest, view: ApprovalView, refreshUserIds: string[]): object {
  const s = request.state;
  let stateText = '';
  const outcome: Array<{ title: string; value: string }> = [];
  switch (s.kind) {
    case 'pending-approval':
      stateText = `${request.startAt ? `First day ${formatStart(request.startAt, request.startTimeZone)}. ` : ''}An approver who holds User Administrator or Directory Writers for this customer creates the user with their own identity.${s.expiresAt ? ` Expires ${when(s.expiresAt)}.` : ''}`;
      break;
    case 'scheduled':
      stateText = `First day ${formatStart(s.startAt, request.startTimeZone)}. At ${formatStart(s.readyAt, request.startTimeZone)} this request goes to the approvers as a new card; nothing can be approved or created before.`;
      break;
    case 'creating':
      stateText = `Creating… (approved by ${showName(s.by.name)})`;
      break;
    case 'created':
      stateText = `Created by ${showName(s.by.name)} at ${when(s.at)}. ${passwordWhereabouts(request)}`;
      outcome.push({ title: 'Object id', value: md(s.user.id) }, { title: 'State', value: md(s.user.state) });
      break;
    case 'failed': {
      const t = errorText(s.failure.code);
      stateText = `${t.title}: ${t.text} ${t.todo}`;
      outcome.push(
        { title: 'Error code', value: errorReference(s.failure) },
        { title: 'Correlation id', value: md(s.failure.correlationId ?? request.correlationId) },
        { title: 'Approved by', value: showName(s.by.name) },
      );
      break;
    }
    case 'rejected':
      stateText = `Rejected by ${showName(s.by.name)} at ${when(s.at)}.`;
      outcome.push({ title: 'Reason', value: md(s.reason, TEXT_LIMITS.reason) });
      break;
    case 'cancelled':
      stateText = `Cancelled by ${showName(s.by.name)} at ${when(s.at)}. Nothing was created.`;
      break;
    case 'expired':
      stateText = `Expired at ${when(s.at)} without a decision. Nothing was created.`;
      break;
    case 'draft':
      stateText = 'Not submitted yet.';
      break;
  }
  const pending = s.kind === 'pending-approval';
  const retryable = s.kind === 'failed' && s.failure.retryable;
  return {
    requestId: request.id,
    refreshUserIds,
    user: showUser(request.user),
    customer: showCustomer(request.customer),
    requester: showName(request.requester.name),
    requestedAt: when(request.createdAt),
    ticket: showTicket(request.ticket),
    stateLabel: STATE_LABELS[s.kind].label,
    stateColor: STATE_LABELS[s.kind].color,
    stateText,
    outcome,
    checks: (request.checksAtSubmit ?? []).map((c) => ({
      ...CHECK_MARKS[c.status],
      // Seen by the whole team: the role checked at submit was the requester's, not the reader's.
      title: c.id === 'gdap-role' ? "Requester's GDAP role" : (CHECK_TITLES[c.id as keyof typeof CHECK_TITLES] ?? c.id),
      text: md(c.text, TEXT_LIMITS.reason),
    })),
    showApprove: pending && (view === 'base' || view === 'approver'),
    showReject: pending && (view === 'base' || view === 'approver'),
    // A scheduled request can be withdrawn before it reaches the approvers, as a pending one can.
    showCancel: (pending || s.kind === 'scheduled') && (view === 'base' || view === 'requester'),
    showRetry: retryable && (view === 'base' || view === 'approver'),
    ...stepsView(request),
    showRetrySteps: stepsView(request).canRetrySteps && (view === 'base' || view === 'approver'),
    // Anyone may ask for their own view while the request is open (Teams' automatic refresh is unreliable in channels).
    showRefresh: pending || s.kind === 'failed',
  };
}

/** What the shared card may say about the password: only what happened (never "sent" when it was not). */
function passwordWhereabouts(request: UserRequest): string {
  const d = request.passwordDelivery;
  const requester = request.requester.teamsId;
  if (d && requester && d.waitingFor.some((w) => w.teamsId === requester)) {
    return `The temporary password waits for ${showName(request.requester.name)}: it is sent in a private chat once they open one with the bot. It is never posted here.`;
  }
  if (d && requester && d.sentTo.includes(requester)) return 'The temporary password was sent to the requester in a private chat.';
  return 'The temporary password goes only to the requester, in a private chat; it is never posted here.';
}
