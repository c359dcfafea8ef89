import type { Logger } from '../core/ports';
import type { InboundResult } from './inbound-activity';

/**
 * Only Microsoft Teams may reach the bot (issue 12, point 1). Every Azure Bot also has Web Chat and Direct Line,
 * whose clients choose `from.id` and send no Entra identity; their activities are refused before any turn runs,
 * with 403 and one warn line. The answer when refused here, undefined when the activity may go on.
 */
export function refuseOtherChannels(body: unknown, logger: Logger): InboundResult | undefined {
  const a = body as { channelId?: unknown; type?: unknown } | undefined;
  if (a && typeof a === 'object' && a.channelId === 'msteams') return undefined;
  // A body that is not an activity at all is the adapter's to refuse (400); this guard is about channels.
  if (!a || typeof a !== 'object' || typeof a.type !== 'string') return undefined;
  const channelId = typeof a.channelId === 'string' ? a.channelId.slice(0, 40) : typeof a.channelId;
  logger.warn({ channelId, activityType: a.type.slice(0, 40) }, 'activity from a channel other than msteams refused');
  return { status: 403, body: { error: 'only Microsoft Teams (channelId msteams) is served' } };
}
