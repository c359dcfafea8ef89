import { AppError } from '../../../../src/core/errors';
import type { TokenProvider } from '../../../../src/core/ports';
import { connectionStates } from '../../../../src/core/use-cases/connection-state';
import { ADATUM, FABRIKAM, engineer, useCaseWorld } from '../../../support/use-case-world';

const ada = engineer('ada');
const LITWARE = '22222222-0000-4000-8000-000000000004';
const NORTHWIND = '22222222-0000-4000-8000-000000000005';
const TAILSPIN = '22222222-0000-4000-8000-000000000006';
const choice = (id: string, name: string) => ({ id, name, domain: `${name.toLowerCase()}.example` });

describe('connectionStates', () => {
  it("reads each state from Entra's own answer for the customer-tenant token, in the order asked", async () => {
    const w = useCaseWorld();
    const errors = w.world.customerTokenErrors;
    errors[ADATUM] = new AppError('CUSTOMER_NOT_CONNECTED', 'not there', { upstreamCode: 'AADSTS700016' });
    errors[LITWARE] = new AppError('CUSTOMER_CONSENT_MISSING', 'no grant', { upstreamCode: 'AADSTS65001' });
    errors[NORTHWIND] = new AppError('GDAP_ROLE_MISSING', 'not in tenant', { upstreamCode: 'AADSTS50020' });
    errors[TAILSPIN] = new AppError('IDENTITY_UNAVAILABLE', 'down', { retryable: true });
    const customers = [choice(FABRIKAM, 'Fabrikam'), choice(ADATUM, 'Adatum'), choice(LITWARE, 'Litware'), choice(NORTHWIND, 'Northwind'), choice(TAILSPIN, 'Tailspin')];

    const states = await connectionStates(w.deps, ada.cred, customers);
    expect(states.map((s) => [s.name, s.state, s.code, s.upstreamCode])).toEqual([
      ['Fabrikam', 'connected', undefined, undefined],
      ['Adatum', 'not-connected', 'CUSTOMER_NOT_CONNECTED', 'AADSTS700016'],
      ['Litware', 'not-connected', 'CUSTOMER_CONSENT_MISSING', 'AADSTS65001'],
      ['Northwind', 'unknown', 'GDAP_ROLE_MISSING', 'AADSTS50020'],
      ['Tailspin', 'unknown', 'IDENTITY_UNAVAILABLE', undefined],
    ]);
    expect(states[0]).toEqual({ ...customers[0], state: 'connected' });
    expect(w.callsTo('token:customerGraph').map((c) => c.args[0]).sort()).toEqual(customers.map((c) => c.id).sort());
  });

  it('"not connected" follows the AADSTS code, whatever our mapping called the error', async () => {
    const w = useCaseWorld();
    w.world.customerTokenErrors[ADATUM] = new AppError('TOKEN_EXCHANGE_FAILED', 'mapped otherwise', { upstreamCode: 'AADSTS700016' });
    const [state] = await connectionStates(w.deps, ada.cred, [choice(ADATUM, 'Adatum')]);
    expect(state).toMatchObject({ state: 'not-connected', code: 'TOKEN_EXCHANGE_FAILED' });
  });

  it('asks Entra for at most five tenants at a time, and for each tenant once', async () => {
    const w = useCaseWorld();
    let inFlight = 0;
    let most = 0;
    const asked: string[] = [];
    const slow: TokenProvider = {
      ...w.deps.tokens,
      customerGraph: async (cred, tenantId) => {
        asked.push(tenantId);
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return w.deps.tokens.customerGraph(cred, tenantId);
      },
    };
    const customers = Array.from({ length: 12 }, (_, i) => choice(`55555555-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`, `C${i}`));
    const states = await connectionStates({ ...w.deps, tokens: slow }, ada.cred, customers);
    expect(states.map((s) => s.id)).toEqual(customers.map((c) => c.id));
    expect(states.every((s) => s.state === 'connected')).toBe(true);
    expect(most).toBe(5);
    expect(asked.sort()).toEqual(customers.map((c) => c.id).sort());
  });

  it('no customers: no question asked', async () => {
    const w = useCaseWorld();
    expect(await connectionStates(w.deps, ada.cred, [])).toEqual([]);
    expect(w.world.calls).toEqual([]);
  });
});
