import type { UserRequest } from '../../core/approval/user-request';
import type { AppError, ErrorCode } from '../../core/errors';
import { formatStart } from '../../core/new-user/start-date';
import { markdownText as md, TEXT_LIMITS, upnText } from '../../core/text/people-text';
import { errorText } from '../error-text';
import { errorTitleId } from './card-values';
import { errorReference } from './error-reference';

export interface NoticeButton {
  title: string;
  verb: string;
  requestId: string;
  style?: 'positive' | 'destructive' | 'default';
}

/** A `notice` card: a title, words, and optional buttons. `code`: set on error notices only (see noticeData). */
export interface Notice {
  title: string;
  text: string;
  todo?: string;
  reference?: string;
  color?: string;
  offerNewUser?: boolean;
  buttons?: NoticeButton[];
  code?: ErrorCode;
}

/** Template data for `notice`. `code` becomes the title's element id (see errorTitleId), never text. */
export function noticeData(n: Notice): object {
  return {
    titleId: n.code ? errorTitleId(n.code) : 'notice',
    title: n.title,
    text: n.text,
    todo: n.todo ?? '',
    reference: n.reference ?? '',
    color: n.color ?? 'Default',
    offerNewUser: n.offerNewUser ?? false,
    buttons: (n.buttons ?? []).map((b) => ({ title: b.title, verb: b.verb, requestId: b.requestId, style: b.style ?? 'default' })),
  };
}

/**
 * An error as a notice: the words of error-text.ts, the references a support call needs, the code as the title's id.
 * `reference` is required: a person quoting an error must always have a correlation id to quote. The upstream code
 * may be Partner Center's, Graph's or Entra's (AADSTS…), so it is labelled as upstream, not as one service's.
 */
export function errorNotice(error: AppError, reference: string): Notice {
  const t = errorText(error.code);
  const refs = [errorReference(error), `correlation id ${md(error.correlationId ?? reference, 64)}`];
  return { title: t.title, text: t.text, todo: t.todo, reference: refs.join(' · '), color: 'Attention', offerNewUser: error.code !== 'TENANT_NOT_ALLOWED', code: error.code };
}

/**
 * The notice for a request whose state has no card of its own (CardViews.current): not created yet, scheduled,
 * cancelled, or ended otherwise.
 */
export function requestStateNotice(request: UserRequest): Notice {
  const upn = upnText(request.user.userPrincipalName);
  switch (request.state.kind) {
    case 'draft':
      return { title: 'Not created yet', text: `The request for ${upn} has not been created. Review it again to create it.` };
    case 'scheduled':
      return {
        title: 'Scheduled',
        text: `${upn} starts on ${formatStart(request.state.startAt, request.startTimeZone)}. At ${formatStart(request.state.readyAt, request.startTimeZone)} a ready card arrives here as a new message; you review and create the user with your own sign-in then. Nothing is created before.`,
        buttons: [{ title: 'Cancel', verb: 'cancel', requestId: request.id, style: 'destructive' }],
      };
    case 'cancelled':
      return { title: 'Request cancelled', text: `Nothing was created for ${upn}.`, offerNewUser: true };
    default:
      return { title: `Request ${request.state.kind}`, text: `The request for ${upn} is ${request.state.kind}.` };
  }
}

/** The question before a deleted user is restored instead of created anew. */
export function restoreQuestion(request: UserRequest, deleted: { id: string; displayName: string; softDeletionTime?: string }): Notice {
  return {
    title: `Restore ${upnText(request.user.userPrincipalName)}?`,
    text: `${md(deleted.displayName, TEXT_LIMITS.name)} (object id ${md(deleted.id)}) was deleted${deleted.softDeletionTime ? ` on ${md(deleted.softDeletionTime.slice(0, 10))}` : ''} and can still be restored in ${md(request.customer.companyName, TEXT_LIMITS.name)}. Restoring brings the account back with its previous settings; no new user is created and this request ends.`,
    buttons: [
      { title: 'Restore', verb: 'confirmRestore', requestId: request.id, style: 'positive' },
      { title: 'Back to the form', verb: 'edit', requestId: request.id },
    ],
  };
}

/** The notice once a deleted user is restored. */
export function restoredNotice(request: UserRequest, restored: { id: string; userPrincipalName: string; displayName: string }): Notice {
  return {
    title: `${upnText(restored.userPrincipalName)} restored`,
    text: `${md(restored.displayName, TEXT_LIMITS.name)} (object id ${md(restored.id)}) is active again in ${md(request.customer.companyName, TEXT_LIMITS.name)}. The user signs in with their previous password, unless an administrator resets it.`,
    reference: `Request ${request.id} · correlation id ${request.correlationId}`,
    color: 'Good',
    offerNewUser: true,
  };
}
