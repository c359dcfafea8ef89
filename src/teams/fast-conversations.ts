import { versions } from 'node:process';
import type { ConnectorClient } from 'botframework-connector';
import { callConnector, type ConnectorHttpOptions } from './connector-http';
import { activityJson, conversationParametersJson } from './connector-json';

const OPERATIONS = ['sendToConversation', 'replyToActivity', 'updateActivity', 'createConversation'] as const;
type Operation = (typeof OPERATIONS)[number];

/**
 * Gives a botbuilder ConnectorClient a lighter way to send (issue 16): its four calls that carry the bot's
 * messages (send, reply, update, create a conversation) go out through connector-http.ts with the body from
 * connector-json.ts, instead of the azure core-client pipeline. Everything around them stays botbuilder's: the
 * TurnContext builds the activity (conversation reference, replyToId), CloudAdapter picks the call, and the
 * client's own credentials sign the request, so the token is the one MSAL gets for the bot (botbuilder's credential
 * factory and token cache), acquired once per call as the pipeline did. Other calls (members, attachments) keep the
 * pipeline. A call that passes options or a callback (none in this bot) also keeps it.
 *
 * What goes on the wire is what botframework-connector sent: the same method, path (`encodeURIComponent` of each
 * id), body and headers (content type, accept, user agent prefix, x-ms-conversation-id on a reply, a client
 * request id), minus `accept-encoding`: this client does not ask for compressed answers.
 */
export function useFastConversations(client: ConnectorClient, opts: ConnectorHttpOptions = {}): ConnectorClient {
  const context = client as unknown as {
    baseUri?: string;
    credentials: { signRequest(resource: { headers: { set(name: string, value: string): void } }): Promise<unknown> };
    options?: { userAgent?: unknown };
  };
  if (!context.baseUri || !context.credentials) return client;
  const base = new URL(context.baseUri);
  // The URL before and after the operation's path, as the pipeline's appendPath joins them.
  const prefix = `${base.origin}${base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`}`;
  const suffix = base.search;
  const userAgent = `${typeof context.options?.userAgent === 'string' ? context.options.userAgent : ''} Node/${versions.node}`.trim();

  const post = async (method: 'POST' | 'PUT', path: string, body: string, extra?: Record<string, string>): Promise<unknown> => {
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', ...extra, 'user-agent': userAgent, accept: '*/*' };
    await context.credentials.signRequest({ headers: { set: (name, value) => void (headers[name.toLowerCase()] = value) } });
    return callConnector({ method, url: `${prefix}${path}${suffix}`, headers, body }, opts);
  };
  const id = (name: string, value: unknown): string => {
    if (value === undefined || value === null) throw new Error(`${name} cannot be null or undefined.`);
    if (typeof (value as string).valueOf() !== 'string') throw new Error(`${name} with value "${String(value)}" must be of type string.`);
    return encodeURIComponent(value as string);
  };
  const resource = (answer: unknown) => ({ id: (answer as { id?: string } | undefined)?.id });

  const conversations = client.conversations as unknown as Record<Operation, (...args: unknown[]) => Promise<unknown>>;
  const original = Object.fromEntries(OPERATIONS.map((name) => [name, conversations[name].bind(conversations)])) as typeof conversations;
  const onlyPlain = (args: unknown[], count: number) => args.slice(count).every((a) => a === undefined);

  // async: a refused id or body rejects, as the SDK's call did, rather than throwing where it is called
  conversations.sendToConversation = async (...args) =>
    onlyPlain(args, 2) ? post('POST', `v3/conversations/${id('conversationId', args[0])}/activities`, activityJson(args[1])).then(resource) : original.sendToConversation(...args);
  conversations.replyToActivity = async (...args) =>
    onlyPlain(args, 3)
      ? post('POST', `v3/conversations/${id('conversationId', args[0])}/activities/${id('activityId', args[1])}`, activityJson(args[2]), { 'x-ms-conversation-id': String(args[0]) }).then(resource)
      : original.replyToActivity(...args);
  conversations.updateActivity = async (...args) =>
    onlyPlain(args, 3) ? post('PUT', `v3/conversations/${id('conversationId', args[0])}/activities/${id('activityId', args[1])}`, activityJson(args[2])).then(resource) : original.updateActivity(...args);
  conversations.createConversation = async (...args) =>
    onlyPlain(args, 1)
      ? post('POST', 'v3/conversations', conversationParametersJson(args[0])).then((answer) => {
          const a = answer as { id?: string; activityId?: string; serviceUrl?: string } | undefined;
          return { activityId: a?.activityId, serviceUrl: a?.serviceUrl, id: a?.id };
        })
      : original.createConversation(...args);
  return client;
}
