import fc from 'fast-check';
import { createSerializer } from 'botbuilder-stdlib/lib/azureCoreHttpCompat';
import * as Mappers from 'botframework-connector/lib/connectorApi/models/mappers';
import { activityJson, conversationParametersJson } from '../../../src/teams/connector-json';

/**
 * connector-json.ts against the serializer botframework-connector sends with (the reference): for any activity or
 * conversation parameters, the same JSON text (keys, order, nulls, dates), or a refusal where it refuses.
 */
const serializer = createSerializer(Mappers as never);
const reference = (mapper: unknown, value: unknown, name: string): string => JSON.stringify(serializer.serialize({ ...(mapper as object), required: true } as never, value, name));

type Outcome = { json: string } | { refused: true };
const outcome = (f: () => string): Outcome => {
  try {
    return { json: f() };
  } catch {
    return { refused: true };
  }
};

// Mostly well-typed values (nulls and absences included), now and then one of the wrong kind, so that most
// samples are sent (and compared) while refusals are compared too.
const wrong = fc.oneof(fc.integer(), fc.boolean(), fc.string(), fc.object(), fc.array(fc.integer(), { maxLength: 2 }));
const typed = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 40, arbitrary: good }, { weight: 4, arbitrary: fc.constant(null) }, { weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: wrong });
const str = typed(fc.string());
const bool = typed(fc.boolean());
const date = typed(fc.oneof(fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }), fc.constant('2026-11-30T12:00:00Z'), fc.constant('Mon, 30 Nov 2026 12:00:00 GMT')));
const free = fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.object());
const account = typed(fc.record({ id: str, name: str, aadObjectId: str, role: str, tenantId: str, isGroup: bool, conversationType: str, properties: free, extra: free }, { requiredKeys: [] }));
const attachment = fc.record({ contentType: str, content: free, name: str, contentUrl: str, unknown: free }, { requiredKeys: [] });
const entity = fc.record({ type: str, text: str, mentioned: account, other: free }, { requiredKeys: [] });
const list = <T>(item: fc.Arbitrary<T>) => typed(fc.array(item, { maxLength: 3 }));
const activity = fc.record(
  {
    type: str,
    id: str,
    timestamp: date,
    localTimestamp: date,
    channelId: str,
    serviceUrl: str,
    locale: str,
    text: str,
    textFormat: str,
    replyToId: str,
    summary: str,
    importance: str,
    historyDisclosed: bool,
    from: account,
    recipient: account,
    conversation: account,
    attachments: list(attachment),
    entities: list(entity),
    channelData: free,
    value: free,
    relatesTo: typed(fc.record({ activityId: str, bot: account, user: account, conversation: account, channelId: str, locale: str }, { requiredKeys: [] })),
    suggestedActions: typed(fc.record({ to: list(fc.string()), actions: list(fc.record({ type: str, title: str, value: free }, { requiredKeys: [] })) }, { requiredKeys: [] })),
    semanticAction: typed(fc.record({ id: str, state: str, entities: typed(fc.dictionary(fc.string({ maxLength: 5 }), entity, { maxKeys: 2 })) }, { requiredKeys: [] })),
    notInTheSchema: free,
  },
  { requiredKeys: [] },
);

describe('connector-json: the body botframework-connector would send', () => {
  it('any activity: the same JSON text as botbuilder, or refused where botbuilder refuses', () => {
    let sent = 0;
    fc.assert(
      fc.property(activity, (a) => {
        const expected = outcome(() => reference(Mappers.Activity, a, 'activity'));
        expect(outcome(() => activityJson(a))).toEqual(expected);
        if ('json' in expected) sent += 1;
      }),
      { numRuns: 2000 },
    );
    // Most samples were valid, so their bodies were compared (not only refusals).
    expect(sent).toBeGreaterThan(1000);
  });

  it('any conversation parameters: the same JSON text as botbuilder, or refused where botbuilder refuses', () => {
    const parameters = fc.record({ isGroup: bool, bot: account, members: list(account), tenantId: str, topicName: str, channelData: free, activity: typed(activity), other: free }, { requiredKeys: [] });
    let sent = 0;
    fc.assert(
      fc.property(parameters, (p) => {
        const expected = outcome(() => reference(Mappers.ConversationParameters, p, 'parameters'));
        expect(outcome(() => conversationParametersJson(p))).toEqual(expected);
        if ('json' in expected) sent += 1;
      }),
      { numRuns: 1000 },
    );
    expect(sent).toBeGreaterThan(300);
  });

  it('a card update as the bot sends it: identical text, card content passed through untouched', () => {
    const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Created ✓', color: null }], actions: [] };
    const a = {
      type: 'message',
      id: 'act-1',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
      channelId: 'msteams',
      locale: 'en-US',
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      conversation: { id: '19:x@thread.tacv2', isGroup: true, conversationType: 'channel', tenantId: 't' },
      from: { id: '28:bot', name: 'Bot' },
      recipient: { id: '29:ada', name: 'Ada', aadObjectId: 'oid' },
      replyToId: 'c0ffee00-0000-4000-8000-000000000000',
    };
    expect(activityJson(a)).toBe(reference(Mappers.Activity, a, 'activity'));
    expect(JSON.parse(activityJson(a)).attachments[0].content).toEqual(card);
  });

  it('a missing activity is refused before anything is sent', () => {
    expect(() => activityJson(undefined)).toThrow();
    expect(() => activityJson(null)).toThrow();
    expect(() => conversationParametersJson(undefined)).toThrow();
  });
});
