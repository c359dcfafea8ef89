import { AppError } from '../../../../src/core/errors';
import { listCustomers, loadCustomerForForm, searchCustomers } from '../../../../src/core/use-cases/customers';
import { ADATUM, FABRIKAM, codeOf, defaultWorld, engineer, useCaseWorld } from '../../../support/use-case-world';

const ada = engineer('ada');

describe('listCustomers', () => {
  it('reads every page of Partner Center with the engineer\'s own token, and sorts by name', async () => {
    const world = defaultWorld();
    world.customerPageSize = 2;
    for (const [i, name] of ['Zeta Ltd', 'Beta LLC', 'Mu GmbH'].entries()) {
      const id = `44444444-0000-4000-8000-00000000000${i}`;
      world.customers.push({ id, tenantId: id, companyName: name, defaultDomain: `${name.split(' ')[0].toLowerCase()}.example`, relationshipToPartner: 'reseller' });
    }
    const w = useCaseWorld({ world });
    const customers = await listCustomers(w.deps, ada.cred, 'corr-1');
    expect(customers.map((c) => c.name)).toEqual(['Adatum Corporation', 'Beta LLC', 'Fabrikam, Inc.', 'Mu GmbH', 'Zeta Ltd']);
    expect(customers.find((c) => c.id === FABRIKAM)).toEqual({ id: FABRIKAM, name: 'Fabrikam, Inc.', domain: 'fabrikam.example' });
    expect(w.callsTo('listCustomers').map((c) => [c.token, c.args[0]])).toEqual([
      ['pc:oid-ada', undefined],
      ['pc:oid-ada', '2'],
      ['pc:oid-ada', '4'],
    ]);
  });

  it('a Partner Center failure reaches the caller with its code', async () => {
    const w = useCaseWorld();
    w.world.failNext.listCustomers = new AppError('PARTNER_CENTER_UNAVAILABLE', '503', { httpStatus: 503, retryable: true });
    expect(await codeOf(() => listCustomers(w.deps, ada.cred, 'corr-1'))).toBe('PARTNER_CENTER_UNAVAILABLE');
  });
});

describe('searchCustomers', () => {
  const list = [
    { id: FABRIKAM, name: 'Fabrikam, Inc.', domain: 'fabrikam.example' },
    { id: ADATUM, name: 'Adatum Corporation', domain: 'adatum.example' },
  ];
  it('matches name or domain case-insensitively, or the exact id; an empty query lists all; within the limit', () => {
    expect(searchCustomers(list, '  FABRI ', 10).map((c) => c.id)).toEqual([FABRIKAM]);
    expect(searchCustomers(list, 'adatum.ex', 10).map((c) => c.id)).toEqual([ADATUM]);
    expect(searchCustomers(list, ADATUM, 10).map((c) => c.id)).toEqual([ADATUM]);
    expect(searchCustomers(list, ADATUM.slice(0, 8), 10)).toEqual([]);
    expect(searchCustomers(list, '', 1)).toHaveLength(1);
    expect(searchCustomers(list, 'contoso', 10)).toEqual([]);
  });
});

describe('loadCustomerForForm', () => {
  it('offers the verified domains only, managed before federated, the default first', async () => {
    const w = useCaseWorld();
    const form = await loadCustomerForForm(w.deps, ada.cred, FABRIKAM, 'corr-1');
    expect(form.customer.companyName).toBe('Fabrikam, Inc.');
    expect(form.domains).toEqual([
      { name: 'fabrikam.example', federated: false, isDefault: true },
      { name: 'fabrikamcorp.onmicrosoft.com', federated: false, isDefault: false },
      { name: 'fed.fabrikam.example', federated: true, isDefault: false },
    ]);
    expect(form.domainsUnavailable).toBeUndefined();
    expect(w.callsTo('listDomains').map((c) => c.token)).toEqual([`customer:${FABRIKAM}:oid-ada`]);
  });

  it('when the customer tenant cannot be read, the form still opens with the default domain and says why (the code)', async () => {
    const w = useCaseWorld();
    w.world.customerTokenErrors[ADATUM] = new AppError('CUSTOMER_NOT_CONNECTED', 'AADSTS700016', { upstreamCode: 'AADSTS700016', httpStatus: 400 });
    const form = await loadCustomerForForm(w.deps, ada.cred, ADATUM, 'corr-1');
    expect(form.domains).toEqual([{ name: 'adatum.example', federated: false, isDefault: true }]);
    expect(form.domainsUnavailable?.code).toBe('CUSTOMER_NOT_CONNECTED');
    expect(form.domainsUnavailable?.upstreamCode).toBe('AADSTS700016');
    expect(w.callsTo('listDomains')).toEqual([]);
    expect(w.logger.withMessage('customer domains unavailable; offering the default domain').map((e) => e.obj.code)).toEqual(['CUSTOMER_NOT_CONNECTED']);
  });

  it('a failure that is not ours to name becomes GRAPH_UNAVAILABLE, never a raw error', async () => {
    const w = useCaseWorld();
    w.world.failNext.listDomains = new TypeError('socket hang up');
    const form = await loadCustomerForForm(w.deps, ada.cred, FABRIKAM, 'corr-1');
    expect(form.domainsUnavailable?.code).toBe('GRAPH_UNAVAILABLE');
    expect(form.domains.map((d) => d.name)).toEqual(['fabrikam.example']);
  });

  it('an unknown customer is refused as Partner Center refuses it (TENANT_NOT_FOUND)', async () => {
    const w = useCaseWorld();
    expect(await codeOf(() => loadCustomerForForm(w.deps, ada.cred, '22222222-0000-4000-8000-0000000000ff', 'corr-1'))).toBe('TENANT_NOT_FOUND');
  });
});
