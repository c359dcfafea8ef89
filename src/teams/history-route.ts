import { markdownText, TEXT_LIMITS } from '../core/text/people-text';
import { TurnContext, type Attachment, type CloudAdapter } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { randomUUID } from 'node:crypto';
import { auditCsv } from '../core/audit/audit-export';
import { historyScope, type HistoryScope } from '../core/audit/history-scope';
import { toAppError } from '../core/errors';
import type { Logger, UserCredential } from '../core/ports';
import type { UseCaseDeps } from '../core/use-cases/deps';
import { authorizeHistory, HISTORY_LIMITS, HISTORY_ROWS, listHistory, type HistoryResult } from '../core/use-cases/history';
import type { BackgroundWork } from './background';
import type { CardUpdater } from './card-updater';
import type { AdaptiveCardJson } from './cards/card-templates';
import type { CardViews } from './cards/views';
import { parseHistoryArgs, type HistoryArgs } from './commands';
import { FileOffers, type UploadPolicy } from './file-consent';
import { sendCard } from './invoke-response';
import { registerFileConsentRoute } from './routes/file-consent-route';
import { SignIn, type SharedState } from './sign-in';
import type { VerbServices } from './verbs/verb';

export interface HistorySettings {
  /** Members of this Entra group (partner tenant) may export every team's requests (`history all`), in a 1:1 chat. */
  auditorGroupId?: string;
  /** Where the CSV file may be uploaded (OneDrive; loopback too in the sandbox). */
  uploads: UploadPolicy;
}

export interface HistoryRouteDeps {
  useCases: UseCaseDeps;
  views: CardViews;
  logger: Logger;
  signIn: SignIn;
  adapter: CloudAdapter;
  botId: string;
  updater: CardUpdater;
  background: BackgroundWork;
  shared: SharedState;
  /** The app's one way of turning an error into a logged line and a card. */
  reportError: (e: unknown, correlationId: string, fields: object) => AdaptiveCardJson;
  /** Runs work once the invoke has been answered. */
  afterResponse: (ctx: TurnContext, work: () => void) => void;
  settings: HistorySettings;
}

/** The longest command a "Show the history" button carries (it is parsed again on the click). */
const MAX_COMMAND = 200;

/**
 * `history`: recent requests in a card, or as a CSV file, scoped to where it is asked (core/audit/history-scope.ts).
 * In a channel or group chat, where Teams offers bots no OAuth card, a person without a session gets a button whose
 * Action.Execute signs them in (Universal Actions) and answers with the history; a CSV always goes to the person's
 * 1:1 chat as a file offer, the only place Teams lets a bot send files.
 */
export function registerHistoryRoute(app: Application<TurnState>, deps: HistoryRouteDeps): VerbServices['history'] {
  const { views, signIn } = deps;
  const offers = new FileOffers(deps.shared);

  /** The answer to one `history` command by a signed-in person, here; undefined when it was already sent. */
  const answer = async (ctx: TurnContext, cred: UserCredential, args: HistoryArgs, from: 'message' | 'action'): Promise<AdaptiveCardJson | undefined> => {
    const personal = ctx.activity.conversation.conversationType === 'personal';
    const scope = historyScope({ personal, conversationId: ctx.activity.conversation.id ?? '' }, cred.user.oid, args.all);
    await authorizeHistory(deps.useCases, cred, scope, deps.settings.auditorGroupId);
    const filter = { customer: args.customer, since: args.since, before: args.before };
    const title = titleOf(scope, args);
    if (!args.csv) {
      const result = await listHistory(deps.useCases, scope, filter, HISTORY_ROWS.card);
      return views.history(title, `${result.requests.length === 1 ? 'The last request' : `The last ${result.requests.length} requests`}, newest first.${bounds(result)}`, result.requests);
    }
    const result = await listHistory(deps.useCases, scope, filter, HISTORY_ROWS.csv);
    const summary = `${title}: ${result.requests.length} row(s), newest first.${bounds(result)}`;
    const consent = await offers.offer(SignIn.requireUserKey(ctx), {
      name: fileName(scope, deps.useCases.clock.now()),
      text: auditCsv(result.requests),
      description: `${summary} CSV for Excel; no passwords or tokens.`,
      summary,
    });
    if (personal) {
      await ctx.sendActivity({ text: `${summary} Accept below to save the CSV file to your OneDrive.`, attachments: [consent] });
      return from === 'message' ? undefined : views.notice({ title, text: 'The CSV file is offered in the message below: accept it to save it to your OneDrive.' });
    }
    const sent = await sendPrivately(ctx, consent);
    return views.notice(
      sent
        ? { title, text: `${summary} I sent you the CSV file in our 1:1 chat (Teams lets bots send files only there).` }
        : { title, text: 'I could not reach you in a 1:1 chat, where Teams lets bots send files.', todo: 'Open a chat with me (search for the app in Teams), then send this command here again.', color: 'Attention' },
    );
  };

  const sendPrivately = async (ctx: TurnContext, attachment: Attachment): Promise<boolean> => {
    try {
      return Boolean(await deps.updater.sendPrivate(ctx.activity.from.id, { ...TurnContext.getConversationReference(ctx.activity) }, attachment));
    } catch (e) {
      deps.logger.warn({ code: toAppError(e).code, httpStatus: (e as { statusCode?: number }).statusCode }, 'could not send the CSV file offer privately');
      return false;
    }
  };

  app.message(/^\s*history\b/i, async (ctx) => {
    const correlationId = randomUUID();
    try {
      const text = ctx.activity.text ?? '';
      const args = parseHistoryArgs(text);
      if ('error' in args) {
        await sendCard(ctx, views.notice({ title: "I didn't understand those dates", text: args.error, color: 'Attention' }));
        return;
      }
      const cred = await signIn.credentialFor(ctx);
      if (!cred) {
        if (ctx.activity.conversation.conversationType === 'personal') {
          await signIn.sendSignInCard(ctx);
          return;
        }
        // No OAuth card in a channel (bot SSO is not supported there): the button signs in through Universal Actions.
        await sendCard(ctx, views.historyPrompt('Request history', 'Sign in with the button to see the requests raised in this conversation.', text.trim().slice(0, MAX_COMMAND)));
        return;
      }
      const card = await answer(ctx, cred, args, 'message');
      if (card) await sendCard(ctx, card);
    } catch (e) {
      await sendCard(ctx, deps.reportError(e, correlationId, { turn: 'history' }));
    }
  });

  registerFileConsentRoute(app, { ...deps, offers });

  return {
    /** The "Show the history" button (verb showHistory): the click signed the person in; the command is parsed again. */
    fromButton: async (t, command) => {
      const args = parseHistoryArgs(command?.slice(0, MAX_COMMAND) ?? 'history');
      if ('error' in args) return views.notice({ title: "I didn't understand those dates", text: args.error, color: 'Attention' });
      return (await answer(t.ctx, t.cred, args, 'action')) ?? views.notice({ title: 'Request history', text: 'Sent.' });
    },
  };
}

function titleOf(scope: HistoryScope, args: HistoryArgs): string {
  const who = { mine: 'Your requests and the ones you decided', conversation: 'Requests raised in this conversation', everything: 'Every request (auditor export)' }[scope.kind];
  const range = [args.since ? ` since ${args.since.slice(0, 10)}` : '', args.before ? ` until ${new Date(Date.parse(args.before) - 1).toISOString().slice(0, 10)}` : ''].join('');
  // The customer filter is the person's own text, shown in a card and a markdown message: shown as text.
  return `${who}${args.customer ? ` for customers matching "${markdownText(args.customer, TEXT_LIMITS.name)}"` : ''}${range}`;
}

/** What the bounds left out, in words (empty when nothing was). */
function bounds(result: HistoryResult): string {
  const notes: string[] = [];
  if (result.customers && result.customers.matched > result.customers.searched) {
    notes.push(`${result.customers.matched} customers match; only the ${result.customers.searched} most recently seen were searched.`);
  }
  if (result.discoveryCut) notes.push(`Customers are matched among the ${HISTORY_LIMITS.discoveryReads} most recent requests here.`);
  if (result.readsCut) notes.push(`I stopped after reading ${HISTORY_LIMITS.reads.toLocaleString('en-US')} requests.`);
  return notes.length ? ` ${notes.join(' ')} Narrow the name or the dates to see the rest.` : '';
}

function fileName(scope: HistoryScope, now: Date): string {
  return `user-requests-${scope.kind === 'everything' ? 'all' : scope.kind === 'mine' ? 'mine' : 'conversation'}-${now.toISOString().slice(0, 10)}.csv`;
}
