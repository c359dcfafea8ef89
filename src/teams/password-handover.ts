import { TurnContext } from 'botbuilder';
import type { Actor } from '../core/approval/request-state';
import type { CardLocation, UserRequest } from '../core/approval/user-request';
import { dueKeys } from '../core/approval/due-work';
import type { UseCaseDeps } from '../core/use-cases/deps';
import { passwordDelivered } from '../core/use-cases/recover';
import { updateRequest } from '../core/use-cases/request-access';
import type { CardUpdater } from './card-updater';
import { markdownText, TEXT_LIMITS } from '../core/text/people-text';
import { connectorStatus } from './connector-retry';
import type { CardViews } from './cards/views';
import type { SharedState } from './sign-in';

/** Teams answers 403 to a proactive 1:1 message for a person who has not installed the app (nor shares a team with it). */
export function isPrivateChatRefused(e: unknown): boolean {
  return connectorStatus(e) === 403;
}

type Recipient = Pick<Actor, 'teamsId' | 'oid' | 'name'>;
const waitingKey = (oid: string) => `password-waiting:${oid}`;

/**
 * Hands a created user's temporary password privately to each person entitled to it, one at a time: a person
 * Teams will not message (403: the app is not installed for them) is told in the request's conversation, without
 * the secret, to open a chat with the bot, and gets the password on their next 1:1 turn. Each person gets it at
 * most once (the request records who has had it before anything else is sent), and it is marked delivered, and
 * erased from the vault, only once everyone has had it.
 */
export class PasswordHandover {
  constructor(
    private readonly deps: UseCaseDeps,
    private readonly views: CardViews,
    private readonly updater: CardUpdater,
    private readonly shared: SharedState,
  ) {}

  /** Returns the request as stored after the hand-over (who has it, who waits). */
  async deliver(request: UserRequest, recipients: Recipient[], password: string): Promise<UserRequest> {
    let current = request;
    const seen = new Set<string>();
    for (const r of recipients) {
      if (!r.teamsId || seen.has(r.teamsId) || !current.card) continue;
      seen.add(r.teamsId);
      const d = current.passwordDelivery;
      if (d?.sentTo.includes(r.teamsId) || d?.waitingFor.some((w) => w.teamsId === r.teamsId)) continue;
      let location: CardLocation | undefined;
      try {
        location = await this.updater.sendPrivate(r.teamsId, current.card.conversation, this.views.created(current, password));
      } catch (e) {
        if (!isPrivateChatRefused(e)) throw e;
        current = await this.wait(current, { teamsId: r.teamsId, oid: r.oid, name: r.name });
        continue;
      }
      if (!location) continue;
      await this.scheduleHide(current, r.teamsId, location);
      current = await this.record(current.id, (d2) => ({ ...d2, sentTo: [...d2.sentTo, r.teamsId!] }));
    }
    await this.settleIfDone(current);
    return current;
  }

  /**
   * A 1:1 turn of someone a password waits for: it goes into this chat now, once. The person is moved from
   * "waiting" to "has it" with compare-and-swap before sending, so two turns at once send it once.
   */
  async onPersonalTurn(ctx: TurnContext): Promise<UserRequest[]> {
    const handed: UserRequest[] = [];
    const a = ctx.activity;
    const oid = a.from?.aadObjectId;
    if (a.conversation?.conversationType !== 'personal' || !oid) return handed;
    const ids = await this.shared.get<string[]>(waitingKey(oid));
    if (!ids?.length) return handed;
    await this.shared.delete(waitingKey(oid));
    for (const id of ids) {
      let claimed = false;
      const { request } = await updateRequest(this.deps, id, (current) => {
        const d = current.passwordDelivery;
        const me = d?.waitingFor.find((w) => w.oid === oid);
        if (!d || !me) return undefined;
        claimed = true;
        return { ...current, passwordDelivery: { sentTo: [...d.sentTo, me.teamsId], waitingFor: d.waitingFor.filter((w) => w !== me) } };
      }).catch(() => ({ request: undefined }));
      if (!claimed || !request || request.state.kind !== 'created') continue;
      const password = await this.deps.vault.get(id);
      if (password === undefined) {
        await ctx.sendActivity({ attachments: [this.attachment(this.views.notice({ title: 'Temporary password no longer available', text: `The temporary password of ${request.user.userPrincipalName} is no longer stored. An administrator of ${request.customer.companyName} can reset it.`, reference: `Request ${id}` }))] });
        continue;
      }
      // Shown late: visible for the full time from now, like a result card shown after a restart.
      const until = new Date(this.deps.clock.now().getTime() + this.deps.settings.passwordRevealMinutes * 60_000).toISOString();
      const shown = { ...request, passwordRevealUntil: until };
      const sent = await ctx.sendActivity({ attachments: [this.attachment(this.views.created(shown, password))] });
      if (sent?.id) await this.scheduleHide(shown, a.from.id, { conversation: { ...TurnContext.getConversationReference(a) }, activityId: sent.id });
      await this.settleIfDone(request);
      handed.push(request);
    }
    return handed;
  }

  private async wait(request: UserRequest, who: Recipient & { teamsId: string }): Promise<UserRequest> {
    const updated = await this.record(request.id, (d) => ({ ...d, waitingFor: [...d.waitingFor, who] }));
    const ids = (await this.shared.get<string[]>(waitingKey(who.oid))) ?? [];
    await this.shared.put(waitingKey(who.oid), [...new Set([...ids, request.id])], this.deps.settings.passwordRetentionMs);
    this.deps.logger.warn({ requestId: request.id, correlationId: request.correlationId }, 'Teams refused a private chat (app not installed for the person); the password waits for their 1:1 turn');
    if (updated.card) {
      // People's text is rendered as text (markdown escaped, bounded), like every card that carries it.
      const name = markdownText(who.name, TEXT_LIMITS.name);
      await this.updater.post(
        updated.card.conversation,
        this.views.notice({
          title: `${name}: open a chat with me`,
          text: `I could not message ${name} privately about ${markdownText(updated.user.userPrincipalName)}: the app is not installed for them. ${name}, open a chat with this bot (search for it in Teams chat, or add the app) and say hello; the temporary password comes there, once. It is never posted here.`,
          reference: `Request ${updated.id}`,
        }),
      );
    }
    return updated;
  }

  private async record(requestId: string, change: (d: NonNullable<UserRequest['passwordDelivery']>) => NonNullable<UserRequest['passwordDelivery']>): Promise<UserRequest> {
    const { request } = await updateRequest(this.deps, requestId, (current) => ({ ...current, passwordDelivery: change(current.passwordDelivery ?? { sentTo: [], waitingFor: [] }) }));
    return request;
  }

  /** Everyone entitled has had it: the stored copy has no further use. Someone still waiting: it stays, to its end. */
  private async settleIfDone(request: UserRequest): Promise<void> {
    const d = request.passwordDelivery;
    if (d && d.sentTo.length > 0 && d.waitingFor.length === 0) await passwordDelivered(this.deps, request.id);
  }

  private async scheduleHide(request: UserRequest, where: string, location: CardLocation): Promise<void> {
    const dueAt = request.passwordRevealUntil;
    if (!dueAt) return;
    await this.deps.dueWork.schedule({ key: dueKeys.hide(request.id, `${where}:${location.activityId}`), kind: 'hide-password', requestId: request.id, dueAt, payload: { location: JSON.stringify(location) } });
  }

  private attachment(card: object) {
    return { contentType: 'application/vnd.microsoft.card.adaptive', content: card };
  }
}
