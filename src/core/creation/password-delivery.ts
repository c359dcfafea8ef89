import { z } from 'zod/v4';
import { dueKeys, type DueItem } from '../approval/due-work';
import { withPasswordRevealUntil } from '../approval/request-state';
import { passwordRevealUntilOf, type CardLocation, type UserRequest } from '../approval/user-request';
import type { CreationPresenter, PasswordRecipient } from './presenter';
import type { UseCaseDeps } from '../use-cases/deps';
import { passwordDelivered, passwordHidden } from '../use-cases/password-lifetime';
import { loadRequest, updateRequest } from '../use-cases/request-access';

/** Settings of the password's way to people. */
export interface DeliverySettings {
  /** The approver who created the user also gets the password privately (besides the requester). */
  passwordToApprover: boolean;
}

/**
 * Who may read a created user's password of an approval request: the requester, and the approver who created it
 * when configured. Never the channel, never anyone else. (A personal request's password goes on its own card in
 * the requester's 1:1 chat instead: present-step.ts.)
 */
export function entitledRecipients(request: UserRequest, settings: DeliverySettings): PasswordRecipient[] {
  if (request.state.kind !== 'created') return [];
  const out: PasswordRecipient[] = [];
  const add = (p: { oid: string; name: string; teamsId?: string }) => {
    if (p.teamsId && !out.some((o) => o.teamsId === p.teamsId)) out.push({ oid: p.oid, name: p.name, teamsId: p.teamsId });
  };
  add(request.requester);
  if (settings.passwordToApprover) add(request.state.by);
  return out;
}

/**
 * Hands the password privately to each entitled person, one at a time, at most once each: who has it and who
 * waits is stored before the next person (a crash halfway resumes with the rest). A person the chat service will
 * not message waits for their next 1:1 turn (`handOverWaiting`) and is asked to open one. Returns the request
 * as stored afterwards; the stored password is erased only once everyone has it.
 */
export async function deliverPrivately(deps: UseCaseDeps, presenter: CreationPresenter, request: UserRequest, password: string, settings: DeliverySettings): Promise<UserRequest> {
  let current = request;
  for (const person of entitledRecipients(request, settings)) {
    if (!current.card) break;
    const d = current.passwordDelivery;
    if (d?.sentTo.includes(person.teamsId) || d?.waitingFor.some((w) => w.teamsId === person.teamsId)) continue;
    const shown = await presenter.showPasswordTo(current, person, password);
    if (!shown.shown) {
      if (!shown.unreachable) continue;
      current = await recordDelivery(deps, current.id, (d2) => ({ ...d2, waitingFor: [...d2.waitingFor, person] }));
      deps.logger.warn({ requestId: current.id, correlationId: current.correlationId }, 'the chat service refused a private chat (app not installed for the person); the password waits for their 1:1 turn');
      await presenter.askToOpenChat(current, person);
      continue;
    }
    if (shown.location) await scheduleHide(deps, current, person.teamsId, shown.location);
    current = await recordDelivery(deps, current.id, (d2) => ({ ...d2, sentTo: [...d2.sentTo, person.teamsId] }));
  }
  await erasePasswordIfEveryoneHasIt(deps, current);
  return current;
}

/** Shows a password in the 1:1 turn of the person it waits for; returns where (to hide it later). No password: it is gone. */
export type ShowInThisTurn = (request: UserRequest, password: string | undefined) => Promise<CardLocation | undefined>;

/**
 * A 1:1 turn of someone a password waits for: it goes into this chat now, once. The person is moved from
 * "waiting" to "has it" with compare-and-swap before showing, so two turns at once show it once. Returns the
 * request when its password was handed over (its card may then say so), else undefined.
 */
export async function handOverWaiting(deps: UseCaseDeps, requestId: string, oid: string, show: ShowInThisTurn): Promise<UserRequest | undefined> {
  let claimed: string | undefined;
  const { request } = await updateRequest(deps, requestId, (current) => {
    const d = current.passwordDelivery;
    const me = d?.waitingFor.find((w) => w.oid === oid);
    if (!d || !me) return undefined;
    claimed = me.teamsId;
    return { ...current, passwordDelivery: { sentTo: [...d.sentTo, me.teamsId], waitingFor: d.waitingFor.filter((w) => w !== me) } };
  }).catch(() => ({ request: undefined }));
  if (!claimed || !request || request.state.kind !== 'created') return undefined;
  const password = await deps.vault.get(requestId);
  if (password === undefined) {
    await show(request, undefined);
    return undefined;
  }
  // Shown late: visible for the full time from now, like a result card shown after a restart.
  const shown = { ...request, state: withPasswordRevealUntil(request.state, revealUntil(deps)) };
  const location = await show(shown, password);
  if (location) await scheduleHide(deps, shown, claimed, location);
  await erasePasswordIfEveryoneHasIt(deps, request);
  return request;
}

/** When a password shown now must leave its message. */
export function revealUntil(deps: UseCaseDeps): string {
  return new Date(deps.clock.now().getTime() + deps.settings.passwordRevealMinutes * 60_000).toISOString();
}

/**
 * The password's removal from a message, stored as due work. Called before showing it where the place is known
 * in advance (a card), so a process that dies right after showing never leaves it there for good. One item per
 * message: two messages that carried the password are both hidden.
 */
export async function scheduleHide(deps: UseCaseDeps, request: UserRequest, where: string, location: CardLocation): Promise<void> {
  const dueAt = passwordRevealUntilOf(request);
  if (!dueAt) return;
  await deps.dueWork.schedule({ key: dueKeys.hide(request.id, `${where}:${location.activityId}`), kind: 'hide-password', requestId: request.id, dueAt, payload: { location: JSON.stringify(location) } });
}

const locationSchema = z.object({ conversation: z.record(z.string(), z.unknown()), activityId: z.string().min(1) });

/** `hide-password` due work: the message keeps the result, without the password. */
export async function hideShownPassword(deps: UseCaseDeps, presenter: Pick<CreationPresenter, 'hidePassword'>, item: DueItem): Promise<void> {
  const parsed = locationSchema.safeParse(JSON.parse(item.payload?.location ?? 'null'));
  const { value: request } = await loadRequest(deps, item.requestId);
  if (parsed.success) await presenter.hidePassword(request, parsed.data);
  await passwordHidden(deps, request.id);
}

/** Everyone entitled has had it: the stored copy has no further use. Someone still waiting: it stays, to its end. */
async function erasePasswordIfEveryoneHasIt(deps: UseCaseDeps, request: UserRequest): Promise<void> {
  const d = request.passwordDelivery;
  if (d && d.sentTo.length > 0 && d.waitingFor.length === 0) await passwordDelivered(deps, request.id);
}

async function recordDelivery(deps: UseCaseDeps, requestId: string, change: (d: NonNullable<UserRequest['passwordDelivery']>) => NonNullable<UserRequest['passwordDelivery']>): Promise<UserRequest> {
  const { request } = await updateRequest(deps, requestId, (current) => ({ ...current, passwordDelivery: change(current.passwordDelivery ?? { sentTo: [], waitingFor: [] }) }));
  return request;
}
