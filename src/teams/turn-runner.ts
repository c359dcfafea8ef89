import { ActivityTypes, type CloudAdapter, TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai/lib/Application';
import type { TurnState } from '@microsoft/teams-ai/lib/TurnState';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../core/ports';
import type { BackgroundWork } from './background';
import type { AdaptiveCardJson } from './cards/card-templates';
import type { CardViews } from './cards/views';
import { refuseOtherChannels } from './channel-guard';
import { runInbound, type InboundResult } from './inbound-activity';
import { logTurnFailure } from './turn-failure-log';
import { replyWithCard, sendCard, sendInvokeResponse } from './invoke-response';

const AFTER_RESPONSE = Symbol('afterResponse');

/** Runs `work` once this turn's answer is written (outside a turn run by `handle`: on the next tick). */
export function queueAfterResponse(ctx: TurnContext, work: () => void): void {
  const queue = ctx.turnState.get(AFTER_RESPONSE) as ((w: () => void) => void) | undefined;
  (queue ?? setImmediate)(work);
}

export interface TurnRunnerOptions {
  adapter: CloudAdapter;
  app: Application<TurnState>;
  botId: string;
  logger: Logger;
  views: CardViews;
  background: BackgroundWork;
  /** Where inbound tokens' signing keys are published (logged when they cannot be fetched). */
  metadataUrl: string;
}

/**
 * How one turn runs: from the HTTP request to the written answer, then the work queued for after it; and how any
 * error becomes a logged line and a card through the one error table, in a handler or outside all of them.
 */
export class TurnRunner {
  constructor(private readonly o: TurnRunnerOptions) {
    // Errors outside the handlers (turn state that cannot be loaded or saved, say): still an answer Teams can show,
    // never an empty invoke or a 500, and the code people read comes from the same table.
    o.app.error(async (ctx, err) => {
      const card = this.reportError(err, randomUUID(), { turn: ctx.activity.type, name: ctx.activity.name });
      if (ctx.activity.type === ActivityTypes.Invoke) {
        if (ctx.responded) return;
        if (ctx.activity.name === 'adaptiveCard/action') await replyWithCard(ctx, card).catch(() => undefined);
        else await sendInvokeResponse(ctx, 500).catch(() => undefined);
        return;
      }
      await sendCard(ctx, card).catch(() => undefined);
    });
  }

  /** The one way an error becomes a log line (error level only for INTERNAL) and the card people see. */
  readonly reportError = (e: unknown, correlationId: string, fields: object): AdaptiveCardJson => {
    const error = logTurnFailure(this.o.logger, e, correlationId, fields);
    return this.o.views.error(error, correlationId);
  };

  /** Runs `work` in a new turn on the same conversation once this turn's answer is written. */
  readonly continueAfterResponse = (ctx: TurnContext, work: (later: TurnContext) => Promise<void>): void => {
    const reference = TurnContext.getConversationReference(ctx.activity);
    queueAfterResponse(ctx, () => void this.o.background.run('after-sign-in', {}, () => this.o.adapter.continueConversationAsync(this.o.botId, reference, async (later) => work(later))));
  };

  /**
   * Runs one turn from an HTTP request's parsed body and Authorization header; `answer` writes the HTTP answer.
   * Work queued with `queueAfterResponse` starts only once the answer is written, so a quick background update can
   * never be overwritten by the invoke's own card.
   */
  readonly handle = async (body: unknown, authorization: string | undefined, answer: (result: InboundResult) => void): Promise<void> => {
    const refused = refuseOtherChannels(body, this.o.logger);
    if (refused) return answer(refused);
    const after: Array<() => void> = [];
    // Background work waits while turns run (turn-priority.ts): counted until the answer is written.
    this.o.background.priority.turnStarted();
    try {
      const result = await runInbound(
        this.o.adapter,
        authorization,
        body,
        async (ctx) => {
          ctx.turnState.set(AFTER_RESPONSE, (work: () => void) => after.push(work));
          await this.o.app.run(ctx);
        },
        this.o.logger,
        this.o.metadataUrl,
      );
      answer(result);
    } finally {
      this.o.background.priority.turnEnded();
    }
    for (const work of after) work();
  };
}
