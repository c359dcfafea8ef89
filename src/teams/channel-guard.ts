import type { Request as BotRequest, Response as BotResponse } from 'botbuilder';
import type { Logger } from '../core/ports';

/**
 * Only Microsoft Teams may reach the bot (issue 12, point 1). Every Azure Bot also has Web Chat and Direct Line,
 * whose clients choose `from.id` and send no Entra identity; their activities are refused before any turn runs,
 * with 403 and one warn line. True when the request was answered here.
 */
export function refuseOtherChannels(req: BotRequest, res: BotResponse, logger: Logger): boolean {
  const body = req.body as { channelId?: unknown; type?: unknown } | undefined;
  if (body && typeof body === 'object' && body.channelId === 'msteams') return false;
  // A body that is not an activity at all is the adapter's to refuse (400); this guard is about channels.
  if (!body || typeof body !== 'object' || typeof body.type !== 'string') return false;
  const channelId = body && typeof body === 'object' && typeof body.channelId === 'string' ? body.channelId.slice(0, 40) : typeof body?.channelId;
  logger.warn({ channelId, activityType: typeof body?.type === 'string' ? body.type.slice(0, 40) : undefined }, 'activity from a channel other than msteams refused');
  res.status(403);
  res.send({ error: 'only Microsoft Teams (channelId msteams) is served' });
  return true;
}
