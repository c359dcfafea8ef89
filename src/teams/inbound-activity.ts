import type { Activity, CloudAdapter, InvokeResponse, TurnContext } from 'botbuilder';
import { AuthenticationConstants, AuthenticationError } from 'botframework-connector';
import type { Logger } from '../core/ports';
import { loggedField } from './log-fields';

/** What the HTTP endpoint answers for one inbound activity. */
export interface InboundResult {
  status: number;
  body?: unknown;
}

/**
 * The Bot Connector's public-cloud settings, as botbuilder uses them by default, with the key location and the
 * token service (`OAuthUrl`: sign-in links, magic codes) configurable.
 */
export function botFrameworkAuthConfig(openIdMetadataUrl: string, oauthUrl: string = AuthenticationConstants.OAuthUrl): Record<string, string> {
  return {
    ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
    OAuthUrl: oauthUrl,
    ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    CallerId: 'urn:botframework:azure',
  };
}

/**
 * The fields every turn needs (turn state is keyed by channel, bot, conversation and sender; replies go to the
 * service URL). The Bot Connector always sends them; an activity without them can only be someone else's.
 */
function missingAddress(a: Record<string, unknown>): string | undefined {
  // (Also the few shape checks the SDK needs; the Bot Connector never sends anything else.)
  const text = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  const id = (v: unknown) => Boolean(v) && typeof v === 'object' && text((v as { id?: unknown }).id);
  if (!text(a.channelId)) return 'channelId';
  if (!text(a.serviceUrl) || !/^https?:\/\/[^\s/]+/i.test(a.serviceUrl as string)) return 'serviceUrl';
  if (!id(a.conversation)) return 'conversation.id';
  if (!id(a.from)) return 'from.id';
  if (!id(a.recipient)) return 'recipient.id';
  // Fields the SDK walks before any code of ours runs (mention removal, attachments): the wrong shape crashes it.
  // (null counts as present: the SDK reads `entities.length` on it, and echoes `locale` into its replies.)
  const optional = (v: unknown, ok: (v: unknown) => boolean) => v === undefined || ok(v);
  const object = (x: unknown) => x !== null && typeof x === 'object' && !Array.isArray(x);
  const objects = (v: unknown) => Array.isArray(v) && v.every(object);
  const str = (v: unknown) => typeof v === 'string';
  if (!optional(a.entities, objects)) return 'entities (a list)';
  if (!optional(a.attachments, objects)) return 'attachments (a list)';
  if (!optional(a.channelData, object)) return 'channelData (an object)';
  for (const who of ['from', 'recipient', 'conversation'] as const) {
    if (!optional((a[who] as { name?: unknown }).name, str)) return `${who}.name (a string)`;
  }
  for (const field of ['text', 'locale', 'replyToId', 'name', 'id'] as const) if (!optional(a[field], str)) return `${field} (a string)`;
  return undefined;
}

/** jsonwebtoken's refusals (bad signature, algorithm, expiry…): the caller's token is wrong, not our service. */
const TOKEN_REFUSALS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

/**
 * Runs one activity through the adapter's authentication and the turn, answering like CloudAdapter.process but
 * with our own errors: a refused token is 401; keys that cannot be fetched (the Bot Framework OpenID metadata
 * unreachable) are 503 with one JSON log line, because the sender may retry and it is not their fault; a body
 * that is no activity is 400. CloudAdapter.process would answer both of the latter with 500 and print a stack.
 */
export async function runInbound(
  adapter: CloudAdapter,
  authorization: unknown,
  body: unknown,
  logic: (ctx: TurnContext) => Promise<void>,
  logger: Logger,
  metadataUrl: string,
): Promise<InboundResult> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { status: 400, body: { error: 'the body is not an activity' } };
  const activity = body as Activity & Record<string, unknown>;
  if (typeof activity.type !== 'string' || activity.type === '') return { status: 400, body: { error: 'the activity has no type' } };
  const missing = missingAddress(activity);
  if (missing) {
    // Client garbage, not our failure: one warn line, never the error-level "missing context.activity.…" of a
    // turn that cannot even load its state.
    logger.warn({ activityType: loggedField(activity.type), missing }, 'activity without the addressing fields a turn needs refused');
    return { status: 400, body: { error: `the activity has no ${missing}` } };
  }
  for (const field of ['timestamp', 'localTimestamp', 'expiration'] as const) {
    const raw = activity[field];
    if (typeof raw === 'string') {
      (activity as Record<string, unknown>)[`raw${field[0].toUpperCase()}${field.slice(1)}`] = raw;
      (activity as Record<string, unknown>)[field] = new Date(raw);
    }
  }
  let turnStarted = false;
  try {
    // processActivity is CloudAdapter.process without its error handling (protected in the typings only).
    const run = adapter as unknown as { processActivity(auth: string, activity: Activity, logic: (ctx: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> };
    const invokeResponse = await run.processActivity(typeof authorization === 'string' ? authorization : '', activity, async (ctx) => {
      turnStarted = true;
      await logic(ctx);
    });
    return { status: invokeResponse?.status ?? 200, body: invokeResponse?.body };
  } catch (e) {
    if (turnStarted) throw e;
    const err = e as { name?: string; code?: string; statusCode?: number; message?: string };
    if ((e instanceof AuthenticationError && err.statusCode === 401) || TOKEN_REFUSALS.has(err.name ?? '')) {
      logger.warn({ activityType: loggedField(activity.type), reason: err.name === 'AuthenticationError' ? 'refused' : err.name }, 'inbound activity not authenticated');
      return { status: 401, body: { error: 'unauthorized' } };
    }
    logger.error({ activityType: loggedField(activity.type), err: err.name, code: err.code, metadataUrl }, 'the Bot Connector signing keys could not be fetched; activity answered 503');
    return { status: 503, body: { error: 'authentication temporarily unavailable' } };
  }
}
