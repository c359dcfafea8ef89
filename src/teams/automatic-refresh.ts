import type { TurnContext } from 'botbuilder';
import { AppError, toAppError } from '../core/errors';
import type { Logger } from '../core/ports';
import type { UseCaseDeps } from '../core/use-cases/deps';
import { loadRequest } from '../core/use-cases/request-access';
import { requestIdSchema } from './card-data';
import type { ApprovalFlow } from './approval-flow';
import type { AdaptiveCardJson } from './cards/card-templates';
import type { CardViews } from './cards/views';
import { assertInScope, scopeOfActivity } from './request-scope';

/**
 * The answer to an automatic refresh (`trigger: 'automatic'`) from someone without a session. Teams sends one for
 * every person in `refresh.userIds` each time the card changes; answering with a login request would put a sign-in
 * prompt in front of a whole team that only looked at the channel. So it is the read-only observer's view, with
 * 200, and the person signs in only when they click something themselves.
 *
 * The card data is untrusted as everywhere: the request is re-read and must be visible from this conversation;
 * anything else gets the same REQUEST_NOT_FOUND card as a made-up id.
 */
export async function observerRefresh(
  deps: UseCaseDeps,
  views: CardViews,
  approvals: ApprovalFlow,
  logger: Logger,
  ctx: TurnContext,
  data: Record<string, unknown>,
  correlationId: string,
): Promise<AdaptiveCardJson> {
  try {
    const parsed = requestIdSchema.safeParse(data.requestId);
    if (!parsed.success) throw new AppError('REQUEST_NOT_FOUND', 'the card carries no request id');
    const { value } = await loadRequest(deps, parsed.data);
    assertInScope(value, scopeOfActivity(ctx.activity), { oid: ctx.activity.from?.aadObjectId ?? '' });
    return approvals.observerCard(value);
  } catch (e) {
    const error = toAppError(e);
    logger.warn({ correlationId, code: error.code }, 'automatic refresh without a session could not show the request');
    return views.error(error, correlationId);
  }
}
