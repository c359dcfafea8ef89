import { TurnContext } from 'botbuilder';
import type { UserRequest } from '../core/approval/user-request';
import { handOverWaiting } from '../core/creation/password-delivery';
import type { PasswordRecipient } from '../core/creation/presenter';
import type { UseCaseDeps } from '../core/use-cases/deps';
import type { CardUpdater } from './card-updater';
import { markdownText, TEXT_LIMITS, upnText } from '../core/text/people-text';
import { connectorStatus } from './connector-retry';
import type { CardViews } from './cards/views';
import type { SharedState } from './sign-in';

/** Teams answers 403 to a proactive 1:1 message for a person who has not installed the app (nor shares a team with it). */
export function isPrivateChatRefused(e: unknown): boolean {
  return connectorStatus(e) === 403;
}

const waitingKey = (oid: string) => `password-waiting:${oid}`;

/**
 * The Teams side of a password that waits for a person Teams would not message (403: the app is not installed
 * for them): they are told in the request's conversation, without the secret, to open a chat with the bot, and
 * their next 1:1 turn hands it over. Who waits, who has it, and when the stored copy is erased are the core's
 * (core/creation/password-delivery.ts); here only an index from person to requests, and the messages.
 */
export class PasswordHandover {
  constructor(
    private readonly deps: UseCaseDeps,
    private readonly views: CardViews,
    private readonly updater: CardUpdater,
    private readonly shared: SharedState,
  ) {}

  /** Remembers that a password waits for this person, and asks them where the request lives to open a chat. */
  async askToOpenChat(request: UserRequest, who: PasswordRecipient): Promise<void> {
    const ids = (await this.shared.get<string[]>(waitingKey(who.oid))) ?? [];
    await this.shared.put(waitingKey(who.oid), [...new Set([...ids, request.id])], this.deps.settings.passwordRetentionMs);
    if (!request.card) return;
    // People's text is rendered as text (markdown escaped, bounded), like every card that carries it.
    const name = markdownText(who.name, TEXT_LIMITS.name);
    await this.updater.post(
      request.card.conversation,
      this.views.notice({
        title: `${name}: open a chat with me`,
        text: `I could not message ${name} privately about ${upnText(request.user.userPrincipalName)}: the app is not installed for them. ${name}, open a chat with this bot (search for it in Teams chat, or add the app) and say hello; the temporary password comes there, once. It is never posted here.`,
        reference: `Request ${request.id}`,
      }),
    );
  }

  /** A 1:1 turn of someone passwords wait for: each goes into this chat now, once. Returns the requests handed over. */
  async onPersonalTurn(ctx: TurnContext): Promise<UserRequest[]> {
    const handed: UserRequest[] = [];
    const a = ctx.activity;
    const oid = a.from?.aadObjectId;
    if (a.conversation?.conversationType !== 'personal' || !oid) return handed;
    const ids = await this.shared.get<string[]>(waitingKey(oid));
    if (!ids?.length) return handed;
    await this.shared.delete(waitingKey(oid));
    for (const id of ids) {
      const request = await handOverWaiting(this.deps, id, oid, async (shown, password) => {
        const card =
          password === undefined
            ? this.views.notice({ title: 'Temporary password no longer available', text: `The temporary password of ${shown.user.userPrincipalName} is no longer stored. An administrator of ${shown.customer.companyName} can reset it.`, reference: `Request ${id}` })
            : this.views.created(shown, password);
        const sent = await ctx.sendActivity({ attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] });
        return sent?.id ? { conversation: { ...TurnContext.getConversationReference(a) }, activityId: sent.id } : undefined;
      });
      if (request) handed.push(request);
    }
    return handed;
  }
}
