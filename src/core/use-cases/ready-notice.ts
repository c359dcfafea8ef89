import type { DueItem } from '../approval/due-work';
import { dueKeys } from '../approval/due-work';
import type { Actor } from '../approval/request-state';
import type { ReadyPresenter } from '../approval/ready-presenter';
import type { UserRequest } from '../approval/user-request';
import { AppError } from '../errors';
import type { Customer, UserCredential } from '../ports';
import type { Checklist } from '../preflight/checks';
import type { UseCaseDeps } from './deps';
import { assertRequester, loadRequest, updateRequest } from './request-access';
import { reminderEveryMs, staleAtOf } from './schedule';

/** Audit events of the ready card's life (history entries: no schema change, and an audit is where they belong). */
export const READY_CARD_SENT = 'ready-card-sent';
export const REMINDED = 'reminded';

/**
 * A request with a first day that became ready and still waits for someone to act: a personal draft for its
 * requester to create, or an approval request for its approvers.
 */
export function waitingSinceReady(request: UserRequest): boolean {
  if (!request.startAt || !request.history.some((h) => h.event === 'ready')) return false;
  return request.mode === 'personal' ? request.state.kind === 'draft' : request.state.kind === 'pending-approval';
}

/**
 * Whether this readiness already had its ready card: a READY_CARD_SENT after the last `ready` (a ready draft that
 * was edited and scheduled again becomes ready again later, and gets a new card then).
 */
function readyCardSent(request: UserRequest): boolean {
  const events = request.history.map((h) => h.event);
  return events.lastIndexOf(READY_CARD_SENT) > events.lastIndexOf('ready');
}

/**
 * Sends a ready request's ready card as a new message, once per request: the audit entry READY_CARD_SENT says it
 * went, and the request's card moves to the new message (later updates land there: creating, created, expired).
 * Called by the `request-ready` due work after the state change, and again when that work is re-run (a crash
 * between the change and the send): the state is re-read, so it sends only what was not sent. Sent before it is
 * recorded: at least once; the due work's claim makes a second instance wait, so in practice exactly once.
 */
export async function announceReady(deps: UseCaseDeps, presenter: ReadyPresenter, requestId: string): Promise<{ sent: boolean; request: UserRequest }> {
  const { value } = await loadRequest(deps, requestId);
  if (!waitingSinceReady(value) || readyCardSent(value)) return { sent: false, request: value };
  const previous = value.card;
  const location = await presenter.sendReady(value);
  const now = deps.clock.now().toISOString();
  const { request } = await updateRequest(deps, requestId, (current) =>
    readyCardSent(current)
      ? undefined
      : { ...current, card: location ?? current.card, history: [...current.history, { at: now, event: READY_CARD_SENT, detail: location ? 'ready card sent' : 'no conversation to send the ready card to' }] },
  );
  // The old "scheduled" card points to the new one; a failure there is cosmetic and must not resend the ready card.
  if (previous && location) await presenter.retireCard(request, previous).catch((e: unknown) => deps.logger.warn({ requestId, code: (e as { code?: string }).code }, 'could not redraw the scheduled card'));
  return { sent: Boolean(location), request };
}

/**
 * `request-reminder` due work: a ready request nobody acted on gets a reminder where its ready card went, at most
 * one per due time (the audit entry carries the time it was for, so a re-run item does not send it again), and
 * the next one is put back one interval later while the request is still waiting and not yet stale.
 */
export async function remindIfWaiting(deps: UseCaseDeps, presenter: ReadyPresenter, item: Pick<DueItem, 'requestId' | 'dueAt'>): Promise<{ reminded: boolean }> {
  const found = await deps.requests.get(item.requestId);
  if (!found || !waitingSinceReady(found.value) || !found.value.startAt) return { reminded: false };
  const request = found.value;
  const now = deps.clock.now().getTime();
  const stale = new Date(staleAtOf(request.startAt!)).getTime();
  let reminded = false;
  // Past its week the expiry is what comes next, not one more reminder.
  if (now < stale && !request.history.some((h) => h.event === REMINDED && h.detail === item.dueAt)) {
    await presenter.sendReminder(request);
    await updateRequest(deps, request.id, (current) =>
      current.history.some((h) => h.event === REMINDED && h.detail === item.dueAt) ? undefined : { ...current, history: [...current.history, { at: deps.clock.now().toISOString(), event: REMINDED, detail: item.dueAt }] },
    );
    reminded = true;
  }
  // The next one on the same rhythm, after now: a bot that was down for days sends one reminder, not a burst.
  const every = reminderEveryMs(deps);
  if (every > 0) {
    let next = new Date(item.dueAt).getTime() + every;
    while (next <= now) next += every;
    if (next < stale) await deps.dueWork.schedule({ key: dueKeys.remind(request.id), kind: 'request-reminder', requestId: request.id, dueAt: new Date(next).toISOString() });
  }
  return { reminded };
}

/**
 * "Review and create" on a personal ready card: the checklist run again, uncached, for the person clicking, with
 * their own token now (the bot kept none from the day it was scheduled). Only the requester; a request that moved
 * on (created, expired, cancelled) is returned as it is, without checks.
 */
export async function reviewReadyRequest(
  deps: UseCaseDeps,
  cred: UserCredential,
  actor: Actor,
  requestId: string,
): Promise<{ request: UserRequest; review?: { customer: Customer; checklist: Checklist } }> {
  const { value: request } = await loadRequest(deps, requestId);
  if (request.mode !== 'personal') throw new AppError('ILLEGAL_TRANSITION', 'an approval request is reviewed by its approvers on its card');
  assertRequester(request, actor);
  if (request.state.kind !== 'draft') return { request };
  const password = await deps.vault.get(request.id);
  const startAt = request.startAt ? new Date(request.startAt) : undefined;
  const { checklist, customer } = await deps.preflight.run({
    cred,
    customerId: request.customer.id,
    user: request.user,
    password,
    useCache: false,
    correlationId: request.correlationId,
    onboarding: request.onboarding,
    ...(startAt && startAt.getTime() > deps.clock.now().getTime() ? { startAt } : {}),
  });
  const c = request.customer;
  return { request, review: { customer: customer ?? { id: c.id, tenantId: c.id, companyName: c.companyName, defaultDomain: c.defaultDomain ?? '', relationshipToPartner: '' }, checklist } };
}
