import { cleanText } from '../core/text/people-text';
import type { AdaptiveCardJson } from './cards/card-templates';
import type { KnownApprover } from './refresh-audience';

/**
 * The new request's channel post @mentions its approvers in that conversation (found in the directory, or seen
 * acting there: refresh-audience.ts), so Teams notifies them; none known, no mention. An Adaptive Card mention is a `<at>name</at>` text in the body
 * matched by an `msteams.entities` entry naming the person's Teams id (Microsoft Learn, "Mention support within
 * Adaptive Cards"). Only a new message notifies; later updates of the card drop the line.
 */
export function withApproverMentions(card: AdaptiveCardJson, approvers: KnownApprover[]): AdaptiveCardJson {
  if (approvers.length === 0) return card;
  const entities = approvers.map((a) => {
    // The name sits inside the <at> tag and must match the entity's text exactly: no tags, no markdown controls.
    const name = cleanText(a.name).replace(/[<>*_`[\]\\]/g, '').trim().slice(0, 64) || 'Approver';
    return { type: 'mention', text: `<at>${name}</at>`, mentioned: { id: a.id, name } };
  });
  const line = { type: 'TextBlock', wrap: true, text: `For approval: ${entities.map((e) => e.text).join(', ')}` };
  const body = Array.isArray(card.body) ? card.body : [];
  const msteams = (card.msteams as Record<string, unknown> | undefined) ?? {};
  return { ...card, body: [...body, line], msteams: { ...msteams, entities: [...((msteams.entities as unknown[]) ?? []), ...entities] } };
}
