import { dueKeys } from '../approval/due-work';
import { transition, type Actor } from '../approval/request-state';
import type { UserRequest } from '../approval/user-request';
import { generatePassword } from '../new-user/password';
import type { CardLocation } from '../approval/user-request';
import { cardAfterClick } from '../approval/user-request';
import type { UseCaseDeps } from './deps';
import { keepPassword } from './password-lifetime';
import { updateRequest } from './request-access';

/** How long before the first day the request becomes ready (its card arrives), unless configured. */
export const DEFAULT_SCHEDULE_LEAD_MS = 60 * 60_000;

/**
 * A ready request nobody confirmed (or no approver decided) expires this long after its first day: a week late is
 * no longer an onboarding but a forgotten card, and its stored password must not wait for ever.
 */
export const STALE_AFTER_START_MS = 7 * 86_400_000;

const staleAt = (startAt: string) => new Date(new Date(startAt).getTime() + STALE_AFTER_START_MS).toISOString();

const leadOf = (deps: UseCaseDeps) => deps.settings.scheduleLeadMs ?? DEFAULT_SCHEDULE_LEAD_MS;

/**
 * How often a ready request nobody acted on is reminded (START_REMINDER_HOURS): at its first day's start, then
 * every this long until it expires. A helpdesk wants one nudge when the person is due at the door, and one a day
 * after that, not a stream. 0: no reminders.
 */
export const DEFAULT_START_REMINDER_MS = 24 * 3_600_000;

export const reminderEveryMs = (deps: UseCaseDeps) => deps.settings.startReminderMs ?? DEFAULT_START_REMINDER_MS;

/** The first reminder: at the start (or one interval after the ready time when the lead is 0); none when off. */
function firstReminderAt(deps: UseCaseDeps, startAt: string, readyAt: string): string | undefined {
  const every = reminderEveryMs(deps);
  if (every <= 0) return undefined;
  const start = new Date(startAt).getTime();
  const at = start > new Date(readyAt).getTime() ? start : new Date(readyAt).getTime() + every;
  return at < new Date(staleAt(startAt)).getTime() ? new Date(at).toISOString() : undefined;
}

/** When a ready request nobody acted on expires (ISO): a week after its first day. */
export const staleAtOf = staleAt;

/**
 * A personal draft whose first day is further ahead than the lead time waits as `scheduled` instead of being created now:
 * the bot never creates days later with a token nobody gave it then. Its ready time is stored as due work (one
 * item per request, durable: a restart or a second instance neither loses nor repeats it). Returns the request
 * as stored; `scheduled` false when it has no start date or the start is close enough to create now.
 */
export async function scheduleIfAhead(
  deps: UseCaseDeps,
  actor: Actor,
  request: UserRequest,
  card?: CardLocation,
  /** 'approval': a draft sent to the approvers waits as scheduled too, and goes to them when it becomes ready. */
  mode: UserRequest['mode'] = request.mode,
): Promise<{ scheduled: boolean; request: UserRequest }> {
  if (!request.startAt || request.state.kind !== 'draft') return { scheduled: false, request };
  const now = deps.clock.now();
  const startAt = new Date(request.startAt);
  const readyAt = new Date(startAt.getTime() - leadOf(deps));
  if (readyAt.getTime() <= now.getTime()) return { scheduled: false, request };
  const { request: saved, changed } = await updateRequest(deps, request.id, (current) =>
    current.state.kind !== 'draft'
      ? undefined
      : {
          ...current,
          mode,
          card: cardAfterClick(current.card, card),
          state: transition(current.state, { type: 'schedule', startAt, readyAt }, now),
          history: [...current.history, { at: now.toISOString(), event: 'scheduled', actor: { oid: actor.oid, name: actor.name }, detail: `first day ${startAt.toISOString()}, ready ${readyAt.toISOString()}` }],
        },
  );
  if (changed) {
    await deps.dueWork.schedule({ key: dueKeys.ready(request.id), kind: 'request-ready', requestId: request.id, dueAt: readyAt.toISOString() });
    // No secret waits for days: the (generated) password is made anew when the request becomes ready.
    await deps.vault.erase(request.id);
    await deps.dueWork.cancel(dueKeys.erasePassword(request.id));
  }
  return { scheduled: saved.state.kind === 'scheduled', request: saved };
}

/**
 * `request-ready` due work: a scheduled request whose ready time has come becomes what it would have been without
 * a start date (a draft for its requester to review and create, or an approval request for the approvers), under
 * compare-and-swap, so two instances running the same item move it once. Not yet due (the item ran early): put
 * back at the stored time.
 */
export async function readyIfDue(deps: UseCaseDeps, requestId: string): Promise<{ changed: boolean; request: UserRequest }> {
  const now = deps.clock.now();
  // Its expiry is scheduled before the state changes: a crash in between must not leave a ready request that never
  // expires (the ready item, run again, finds nothing scheduled to move). Firing early on a still scheduled request
  // is harmless: the expiry re-reads and does nothing.
  const before = await deps.requests.get(requestId);
  if (before?.value.state.kind === 'scheduled' && new Date(before.value.state.readyAt).getTime() <= now.getTime()) {
    await deps.dueWork.schedule({ key: dueKeys.expire(requestId), kind: 'expire-request', requestId, dueAt: staleAt(before.value.state.startAt) });
    const remindAt = firstReminderAt(deps, before.value.state.startAt, before.value.state.readyAt);
    if (remindAt) await deps.dueWork.schedule({ key: dueKeys.remind(requestId), kind: 'request-reminder', requestId, dueAt: remindAt });
  }
  const { request, changed } = await updateRequest(deps, requestId, (current) => {
    if (current.state.kind !== 'scheduled' || new Date(current.state.readyAt).getTime() > now.getTime()) return undefined;
    return {
      ...current,
      // An approval request waits for its approvers until a week after its first day, then expires like any undecided one.
      state: transition(current.state, current.mode === 'approval' ? { type: 'ready', mode: 'approval', expiresAt: staleAt(current.state.startAt) } : { type: 'ready', mode: 'personal' }, now),
      history: [...current.history, { at: now.toISOString(), event: 'ready' }],
    };
  });
  // A fresh generated password for the creation to come, kept for the usual retention.
  if (changed && request.user.passwordGenerated) await keepPassword(deps, request.id, generatePassword());
  if (!changed && request.state.kind === 'scheduled') {
    await deps.dueWork.schedule({ key: dueKeys.ready(request.id), kind: 'request-ready', requestId: request.id, dueAt: request.state.readyAt });
  }
  return { changed, request };
}

/**
 * `expire-request` due work on a ready personal request (a draft with a first day): nobody clicked Create by a week
 * after the start, so it expires (`expired`, its stored password erased), under compare-and-swap. Not yet due:
 * put back at its time. Anything else (created, cancelled, already expired) is left alone.
 */
export async function expireStaleIfDue(deps: UseCaseDeps, requestId: string): Promise<{ changed: boolean; request: UserRequest }> {
  const now = deps.clock.now();
  const { request, changed } = await updateRequest(deps, requestId, (current) => {
    if (current.state.kind !== 'draft' || !current.startAt || new Date(staleAt(current.startAt)).getTime() > now.getTime()) return undefined;
    return { ...current, state: transition(current.state, { type: 'expire' }, now), history: [...current.history, { at: now.toISOString(), event: 'expired', detail: `not created within ${STALE_AFTER_START_MS / 86_400_000} days of its first day` }] };
  });
  if (changed) await deps.vault.erase(requestId);
  else if (request.state.kind === 'draft' && request.startAt) {
    await deps.dueWork.schedule({ key: dueKeys.expire(requestId), kind: 'expire-request', requestId, dueAt: staleAt(request.startAt) });
  }
  return { changed, request };
}
