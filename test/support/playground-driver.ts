import WebSocket from 'ws';
import { cardText as cardTextOf } from './bot-harness';

/** A message as the Playground streams it to its clients. */
export interface PlaygroundMessage {
  /** The Playground calls it `messageId`; normalised to `id` here. */
  id: string;
  messageId?: string;
  conversation?: { id: string };
  from?: { id: string; name?: string };
  text?: string;
  attachments?: Array<{ contentType: string; content: any }>;
  [key: string]: unknown;
}

/**
 * Drives the Microsoft 365 Agents Playground the way its web client does: HTTP to send messages and card
 * actions, the WebSocket stream to see what the bot posted (new messages and in-place updates).
 */
export class PlaygroundDriver {
  readonly messages = new Map<string, PlaygroundMessage>();
  readonly events: Array<{ action: string; message: PlaygroundMessage }> = [];
  private ws?: WebSocket;

  constructor(readonly baseUrl: string) {}

  async connect(): Promise<void> {
    const wsUrl = `${this.baseUrl.replace(/^http/, 'ws')}/_ws_conversation/v1/conversations/stream`;
    this.ws = new WebSocket(wsUrl);
    this.ws.on('message', (raw) => {
      const data = JSON.parse(raw.toString()) as { action?: string; actionConversationId?: string; message?: PlaygroundMessage };
      if (data.message && data.actionConversationId) data.message.conversation ??= { id: data.actionConversationId };
      if (data.message && !data.message.id && data.message.messageId) data.message.id = data.message.messageId;
      if (!data.message?.id) return;
      this.events.push({ action: data.action ?? '', message: data.message });
      const prev = this.messages.get(data.message.id);
      this.messages.set(data.message.id, { ...prev, ...data.message });
    });
    await new Promise<void>((resolve, reject) => {
      this.ws!.once('open', () => resolve());
      this.ws!.once('error', reject);
    });
  }

  close(): void {
    this.ws?.close();
  }

  async config(): Promise<any> {
    return (await (await fetch(`${this.baseUrl}/_internal/v1/config`)).json()).config;
  }

  /** Sends a message; in a channel or group chat the Playground only forwards it when the bot is @mentioned. */
  async say(conversationId: string, userId: string, text: string, mention?: { id: string; name: string }): Promise<void> {
    const tag = mention && `<at>${mention.name}</at>`;
    const res = await fetch(`${this.baseUrl}/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        from: { id: userId },
        text: tag ? `${tag} ${text}` : text,
        textFormat: 'plain',
        ...(mention ? { mentions: [{ type: 'mention', mentioned: mention, text: tag }] } : {}),
      }),
    });
    if (!res.ok) throw new Error(`Playground refused the message: ${res.status} ${await res.text()}`);
  }

  /** An Action.Execute click on a card message; resolves with the Playground's answer (the bot's invoke response). */
  async execute(conversationId: string, userId: string, cardMessageId: string, verb: string, data: Record<string, unknown>): Promise<any> {
    const res = await fetch(`${this.baseUrl}/_conversation/v1/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        conversation: { id: conversationId },
        from: { id: userId },
        replyToId: cardMessageId,
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } }, trigger: 'manual' },
      }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`Playground refused the invoke: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  cards(): Array<{ id: string; card: any }> {
    return [...this.messages.values()].flatMap((m) =>
      (m.attachments ?? []).filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive').map((a) => ({ id: m.id, card: a.content })),
    );
  }

  async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out; saw ${this.events.length} Playground events`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * The personal-chat path a person takes up to the confirmation card: "new user", the customer, the form (a
   * generated password, change at next sign-in). Resolves with the picker message (where later cards are written)
   * and the confirmation card the Review click answered with.
   */
  async reviewNewUser(
    chat: string,
    me: string,
    customerId: string,
    user: { firstName: string; lastName: string; userName: string; domain: string; usageLocation?: string; ticket?: string },
  ): Promise<{ pickerId: string; confirm: any }> {
    const seen = new Set(this.cards().map((c) => c.id));
    await this.say(chat, me, 'new user');
    const picker = await this.waitFor(() => this.cards().find((c) => !seen.has(c.id) && cardTextOf(c.card).includes('choose the customer')));
    await this.execute(chat, me, picker.id, 'pickCustomer', { customerId });
    const answer = await this.execute(chat, me, picker.id, 'submitForm', {
      customerId,
      firstName: user.firstName,
      lastName: user.lastName,
      displayName: '',
      userName: user.userName,
      domain: user.domain,
      usageLocation: user.usageLocation ?? 'US',
      immutableId: '',
      passwordMode: 'generate',
      password: '',
      forceChangePassword: 'true',
      ticket: user.ticket ?? '',
    });
    return { pickerId: picker.id, confirm: answer?.value ?? answer };
  }

  /** The result card written into the picker message once the creation is done. */
  resultCard(pickerId: string, timeoutMs = 20_000): Promise<any> {
    return this.waitFor(() => {
      const card = this.messages.get(pickerId)?.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
      return card && cardTextOf(card).includes('User created') ? card : undefined;
    }, timeoutMs);
  }

  /** An Action.Execute whose answer is a card: the card itself (the Playground wraps it in `value`). */
  async card(conversationId: string, userId: string, cardMessageId: string, verb: string, data: Record<string, unknown>): Promise<any> {
    const answer = await this.execute(conversationId, userId, cardMessageId, verb, data);
    return answer?.value ?? answer;
  }

  /** "new user" and the customer: resolves with the picker message (where later cards are written) and the form. */
  async openNewUserForm(chat: string, me: string, customerId: string): Promise<{ pickerId: string; form: any }> {
    const seen = new Set(this.cards().map((c) => c.id));
    await this.say(chat, me, 'new user');
    const picker = await this.waitFor(() => this.cards().find((c) => !seen.has(c.id) && cardTextOf(c.card).includes('choose the customer')));
    return { pickerId: picker.id, form: await this.card(chat, me, picker.id, 'pickCustomer', { customerId }) };
  }

  /** What a card's data would carry on submit, read from its inputs' initial values (as the client sends them). */
  static formValues(card: unknown): Record<string, string> {
    const values: Record<string, string> = {};
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      const el = node as Record<string, unknown>;
      if (typeof el.type === 'string' && el.type.startsWith('Input.') && typeof el.id === 'string') values[el.id] = el.value === undefined ? '' : String(el.value);
      Object.values(el).forEach(walk);
    };
    walk(card);
    return values;
  }

  /** The value of the choice whose title starts with `title` on the choice input `inputId`, or undefined. */
  static choiceValue(card: unknown, inputId: string, title: string): string | undefined {
    let found: string | undefined;
    const walk = (node: unknown): void => {
      if (found || !node || typeof node !== 'object') return;
      if (Array.isArray(node)) return node.forEach(walk);
      const el = node as { id?: unknown; choices?: Array<{ title: string; value: string }> };
      if (el.id === inputId && Array.isArray(el.choices)) found = el.choices.find((c) => c.title.startsWith(title))?.value;
      Object.values(el).forEach(walk);
    };
    walk(card);
    return found;
  }

  /** `status.CODE` of one checklist line (its hidden element id `check.<id>.<status>.<code>`), or undefined. */
  static checkCode(card: unknown, id: string): string | undefined {
    const m = JSON.stringify(card).match(new RegExp(`"check\\.${id}\\.([a-z-]+)\\.([A-Z_]*)"`));
    return m ? `${m[1]}.${m[2]}` : undefined;
  }

  /** Every step on a result card as `name → status.CODE` (hidden ids `step.<name>.<status>.<code>`). */
  static stepCodes(card: unknown): Record<string, string> {
    const steps: Record<string, string> = {};
    for (const m of JSON.stringify(card).matchAll(/"step\.([a-z-]+)\.([a-z-]+)\.([A-Z_]*)"/g)) steps[m[1]] = `${m[2]}.${m[3]}`;
    return steps;
  }
}
