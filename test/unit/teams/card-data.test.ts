import { z } from 'zod/v4';
import { cardDataErrorCode, flagField, idField, optionalRequestId, requiredRequestId, textField } from '../../../src/teams/card-data';
import { VERB_TABLE } from '../../../src/teams/verbs/verb-table';
import type { VerbServices } from '../../../src/teams/verbs/verb';

/** Card data as each verb's schema reads it: the error code a bad field is answered with, and "" as "none". */
const ID = '4a1f4c8e-6f7e-4d7a-9a4b-2f9b1f3a8c11';

describe('card data fields', () => {
  const schema = z.object({ requestId: optionalRequestId, customerId: idField('CUSTOMER_NOT_FOUND'), reason: textField, sendForApproval: flagField });

  it('reads blank, missing and non-text values as absent, and trims text', () => {
    expect(schema.parse({ requestId: '', customerId: '  ', reason: 42, sendForApproval: 'false' })).toEqual({ requestId: undefined, customerId: undefined, reason: undefined, sendForApproval: false });
    expect(schema.parse({ requestId: ` ${ID} `, reason: ' too late ', sendForApproval: 'true' })).toEqual({ requestId: ID, customerId: undefined, reason: 'too late', sendForApproval: true });
  });

  it.each([
    [{ requestId: 'not-a-guid' }, 'REQUEST_NOT_FOUND'],
    [{ customerId: '../../x' }, 'CUSTOMER_NOT_FOUND'],
    [{ requestId: 'x', customerId: 'y' }, 'REQUEST_NOT_FOUND'],
  ])('a malformed id %j answers %s', (data, code) => {
    const parsed = schema.safeParse(data);
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(cardDataErrorCode(parsed.error)).toBe(code);
  });

  it('a required request id that is missing or blank answers REQUEST_NOT_FOUND', () => {
    for (const requestId of [undefined, '', '   ', 7]) {
      const parsed = z.object({ requestId: requiredRequestId }).safeParse({ requestId });
      expect(parsed.success).toBe(false);
      if (!parsed.success) expect(cardDataErrorCode(parsed.error)).toBe('REQUEST_NOT_FOUND');
    }
  });
});

describe('verb routes refuse bad card data before anything else runs', () => {
  // No service is reached: the parse fails first (an empty services object would throw a TypeError otherwise).
  const services = {} as VerbServices;
  const turn = { ctx: { activity: { conversation: { id: 'c', conversationType: 'personal' } } }, cred: {}, actor: { oid: 'o', name: 'n' }, correlationId: 'c', afterResponse: () => undefined } as never;

  it.each([
    ['approve', {}, 'REQUEST_NOT_FOUND'],
    ['retry', { requestId: 'nope' }, 'REQUEST_NOT_FOUND'],
    ['cancel', { requestId: '' }, 'REQUEST_NOT_FOUND'],
    ['connectCustomer', { requestId: ID, customerId: '' }, 'CUSTOMER_NOT_FOUND'],
    ['openForm', { customerId: 'nope' }, 'CUSTOMER_NOT_FOUND'],
  ] as const)('%s with %j: %s', async (verb, data, code) => {
    await expect(VERB_TABLE[verb].run(turn, data, services)).rejects.toMatchObject({ code });
  });

  it('only approve has a sign-in fallback, and only refresh and history answer with a view of their own', async () => {
    expect(Object.entries(VERB_TABLE).filter(([, r]) => r.ownView).map(([v]) => v).sort()).toEqual(['refreshRequest', 'showHistory']);
    // Without a card location (no replyToId) even approve falls back to the protocol's 412.
    expect(await VERB_TABLE.approve.whenSsoFails({ ctx: { activity: { conversation: { conversationType: 'channel' } } } as never, data: { requestId: ID }, correlationId: 'c' }, services)).toBeUndefined();
    expect(await VERB_TABLE.retry.whenSsoFails({ ctx: {} as never, data: { requestId: ID }, location: { conversation: {}, activityId: 'a' }, correlationId: 'c' }, services)).toBeUndefined();
  });
});
