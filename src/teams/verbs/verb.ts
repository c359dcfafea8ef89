import type { TurnContext } from 'botbuilder';
import type { z } from 'zod/v4';
import { AppError } from '../../core/errors';
import type { UseCaseDeps } from '../../core/use-cases/deps';
import { loadRequest } from '../../core/use-cases/request-access';
import type { ActionTurn, CardClick } from '../action-turn';
import type { ApprovalFlow } from '../approval-flow';
import { cardDataErrorCode } from '../card-data';
import type { AdaptiveCardJson } from '../cards/card-templates';
import type { CardViews } from '../cards/views';
import type { ConnectFlow } from '../connect-flow';
import type { PersonalFlow } from '../personal-flow';
import type { TemplatesFlow } from '../templates/templates-flow';
import type { BulkFlow } from '../bulk/bulk-flow';
import type { ApprovalPending } from '../routes/pending-sign-ins';
import { assertInScope, scopeOfActivity } from '../request-scope';

/** What the verb handlers work with: the use cases, the card views and the flows (built once in app.ts). */
export interface VerbServices {
  deps: UseCaseDeps;
  views: CardViews;
  personal: PersonalFlow;
  approvals: ApprovalFlow;
  connect: ConnectFlow;
  /** The `templates` cards (src/teams/templates/). */
  templates: TemplatesFlow;
  /** Bulk creation (src/teams/bulk/). */
  bulk: BulkFlow;
  /** The answer to a `history` command given by its button (history-route.ts). */
  history: { fromButton(t: ActionTurn, command: string | undefined): Promise<AdaptiveCardJson> };
  /** The team channel 1:1 requests are sent to, once the bot has seen it (channel-registry.ts). */
  approvalChannel: { configured: boolean; reference(): Promise<Record<string, unknown> | undefined> };
  /** Sends the approver a sign-in prompt in their 1:1 chat; the approval completes once they signed in there. */
  signInPrivately(ctx: TurnContext, pending: ApprovalPending): Promise<void>;
}

/** Card data every verb's schema reads to an object; a `requestId` in it names the request the click is about. */
export type CardDataSchema = z.ZodType<object, unknown>;

/** One verb, as written in its handler file. */
export interface VerbSpec<S extends CardDataSchema> {
  /** The schema of `action.data` for this verb; a field that fails answers with its own error code (card-data.ts). */
  data: S;
  handle(t: ActionTurn<z.output<S>>, s: VerbServices): Promise<AdaptiveCardJson>;
  /**
   * The answer is this person's own view, not the next step of the message: it is not written into the 1:1
   * message as well (personal-mirror.ts).
   */
  ownView?: boolean;
  /**
   * The answer is a passing state ("Creating…") that background work replaces moments later: it is written into
   * the 1:1 message only if nothing newer replaced it first (personal-mirror.ts).
   */
  passing?: boolean;
  /**
   * Silent SSO failed where the person clicked: the card to answer with instead of the protocol's 412 (which
   * makes Teams show its own sign-in), or undefined for the 412.
   */
  whenSsoFails?(click: CardClick<z.output<S>>, s: VerbServices): Promise<AdaptiveCardJson | undefined>;
}

/** A verb as the action route runs it: its data type is the verb's own business. */
export interface VerbRoute {
  readonly ownView: boolean;
  readonly passing: boolean;
  run(t: Omit<ActionTurn, 'data' | 'request'>, data: Record<string, unknown>, s: VerbServices): Promise<AdaptiveCardJson>;
  whenSsoFails(click: CardClick<Record<string, unknown>>, s: VerbServices): Promise<AdaptiveCardJson | undefined>;
}

/**
 * Makes a verb runnable: its data is parsed, and a request it names is re-read and must be visible from where the
 * click came (request-scope.ts) before its handler runs, so no verb can act on, or show, a request from elsewhere.
 */
export function defineVerb<S extends CardDataSchema>(spec: VerbSpec<S>): VerbRoute {
  return {
    ownView: spec.ownView ?? false,
    passing: spec.passing ?? false,
    async run(t, raw, s) {
      const parsed = spec.data.safeParse(raw);
      if (!parsed.success) throw new AppError(cardDataErrorCode(parsed.error), 'card data refused by the verb schema');
      const data = parsed.data;
      const requestId = 'requestId' in data && typeof data.requestId === 'string' ? data.requestId : undefined;
      const request = requestId ? (await loadRequest(s.deps, requestId)).value : undefined;
      if (request) assertInScope(request, scopeOfActivity(t.ctx.activity), t.actor);
      return spec.handle({ ...t, data, request } as ActionTurn<z.output<S>>, s);
    },
    async whenSsoFails(click, s) {
      const parsed = spec.data.safeParse(click.data);
      return parsed.success && spec.whenSsoFails ? spec.whenSsoFails({ ...click, data: parsed.data }, s) : undefined;
    },
  };
}
