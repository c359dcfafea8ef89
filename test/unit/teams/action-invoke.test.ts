import { actionInvokeSchema } from '../../../src/teams/action-invoke';

const invoke = (data: unknown) => ({ action: { type: 'Action.Execute', verb: 'submitForm', ...(data === undefined ? {} : { data }) } });

describe('the adaptiveCard/action invoke value', () => {
  it('keeps card data as the object Teams sent, for the verb to parse', () => {
    const data = { customerId: 'c', firstName: 'Ada', nested: { a: 1 } };
    const parsed = actionInvokeSchema.parse(invoke(data));
    expect(parsed.action.data).toEqual(data);
  });

  it('refuses card data that is not an object', () => {
    for (const bad of [null, 'text', 42, true, ['a'], []]) {
      const result = actionInvokeSchema.safeParse(invoke(bad));
      expect(result.success).toBe(false);
    }
  });

  it('gives a new empty object to each invoke without data', () => {
    const a = actionInvokeSchema.parse(invoke(undefined));
    const b = actionInvokeSchema.parse(invoke(undefined));
    expect(a.action.data).toEqual({});
    a.action.data.requestId = 'x';
    expect(b.action.data).toEqual({});
  });

  it('a "__proto__" key in JSON card data stays an ordinary key', () => {
    const parsed = actionInvokeSchema.parse(JSON.parse('{"action":{"type":"Action.Execute","verb":"edit","data":{"__proto__":{"polluted":true}}}}'));
    expect(Object.getPrototypeOf(parsed.action.data)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((parsed.action.data as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses other action types and over-long verbs', () => {
    expect(actionInvokeSchema.safeParse({ action: { type: 'Action.Submit', verb: 'edit' } }).success).toBe(false);
    expect(actionInvokeSchema.safeParse({ action: { type: 'Action.Execute', verb: 'x'.repeat(65) } }).success).toBe(false);
  });
});
