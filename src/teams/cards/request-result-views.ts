import type { UserRequest } from '../../core/approval/user-request';
import { markdownText as md, TEXT_LIMITS, upnText } from '../../core/text/people-text';
import { errorText } from '../error-text';
import { errorTitleId, showCustomer, showName, showTicket, showUser } from './card-values';
import { errorReference } from './error-reference';
import { stepsView } from './onboarding-steps-view';

/**
 * Template data for the cards of a request on its way into the customer's tenant, in the chat where it was
 * confirmed: `creating`, then `created` or `failed`.
 */
export function creatingData(request: UserRequest): object {
  const state = request.state;
  return {
    requestId: request.id,
    user: showUser(request.user),
    customer: showCustomer(request.customer),
    by: showName(state.kind === 'creating' ? state.by.name : request.requester.name),
    attempt: state.kind === 'creating' ? String(state.attempt) : '1',
    ticket: showTicket(request.ticket),
  };
}

/** `password` is given only while it may be shown; the later edit renders the same card without it. */
export function createdData(request: UserRequest, password?: string): object {
  const state = request.state;
  if (state.kind !== 'created') throw new Error(`request ${request.id} is ${state.kind}`);
  const tap = request.temporaryAccessPass;
  const tapStep = request.steps?.find((s) => s.name === 'temporary-access-pass');
  const tapFailure = !tap && tapStep?.status === 'failed' ? (tapStep.code ?? 'INTERNAL') : undefined;
  return {
    requestId: request.id,
    correlationId: request.correlationId,
    customer: showCustomer(request.customer),
    created: { ...state.user, displayName: md(state.user.displayName, TEXT_LIMITS.short), userPrincipalName: upnText(state.user.userPrincipalName), id: md(state.user.id), state: md(state.user.state) },
    by: showName(state.by.name),
    ticket: showTicket(request.ticket),
    forceChangeText: request.user.forceChangePassword ? 'Yes' : 'No',
    password: password ?? '',
    // The fallback for clients without CodeBlock is a markdown TextBlock: there the password is escaped.
    passwordMarkdown: password ? md(password, 1024) : '',
    revealUntil: state.passwordRevealUntil ? formatTime(state.passwordRevealUntil) : '',
    passwordNote: tap ? 'The Temporary Access Pass was shown here once and has been removed from this message.' : 'The temporary password was shown here once and has been removed from this message.',
    secretTitle: tap ? 'Temporary Access Pass' : 'Temporary password',
    tap: tap ? { kind: tap.isUsableOnce ? 'one-time' : 'multi-use', validFrom: formatDateTime(tap.validFrom), expiresAt: formatDateTime(tap.expiresAt) } : null,
    tapFailed: tapFailure ? `The Temporary Access Pass was not made: ${errorText(tapFailure).title}. ${errorText(tapFailure).todo} The temporary password is the first credential instead.` : '',
    ...stepsView(request),
  };
}

export function failedData(request: UserRequest): object {
  const state = request.state;
  if (state.kind !== 'failed') throw new Error(`request ${request.id} is ${state.kind}`);
  const t = errorText(state.failure.code);
  return {
    titleId: errorTitleId(state.failure.code),
    requestId: request.id,
    title: `${t.title}: ${upnText(request.user.userPrincipalName)} was not created`,
    text: t.text,
    todo: t.todo,
    user: showUser(request.user),
    customer: showCustomer(request.customer),
    ticket: showTicket(request.ticket),
    errorCode: errorReference(state.failure),
    correlationId: state.failure.correlationId ?? request.correlationId,
    canRetry: state.failure.retryable,
    canEdit: true,
  };
}

function formatTime(iso: string): string {
  return `${iso.slice(11, 16)} UTC`;
}

/** A date and time for a card, in UTC (a pass valid from a start date days away needs the date). */
function formatDateTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
