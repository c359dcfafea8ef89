import { AppError } from '../../../../src/core/errors';
import { connectCustomer, CUSTOMER_GRAPH_SCOPES, GRAPH_APP_ID } from '../../../../src/core/use-cases/connect-customer';
import { ADATUM, FABRIKAM, codeOf, engineer, errorOf, useCaseWorld } from '../../../support/use-case-world';

const ada = engineer('ada');
const ben = engineer('ben');
const cleo = engineer('cleo');

describe('connectCustomer', () => {
  it('consents the bot app with exactly the Graph scopes it needs, as the engineer, and audits it', async () => {
    const w = useCaseWorld();
    const result = await connectCustomer(w.deps, ada.cred, ada.actor, ADATUM, 'corr-1');
    expect(result.customer.id).toBe(ADATUM);
    expect(w.world.consents[ADATUM]).toEqual([{ applicationId: 'bot-app-id', displayName: 'Partner User Desk', grants: [{ enterpriseApplicationId: GRAPH_APP_ID, scopes: [...CUSTOMER_GRAPH_SCOPES] }] }]);
    expect(w.callsTo('createApplicationConsent').map((c) => c.token)).toEqual(['pc:oid-ada']);
    expect(result.record).toMatchObject({ customerId: ADATUM, customerName: 'Adatum Corporation', outcome: 'connected', correlationId: 'corr-1', by: { oid: 'oid-ada', upn: 'ada@contoso-partner.example', name: 'Ada' }, at: w.clock.now().toISOString() });
    expect(result.record.code).toBeUndefined();
    expect(await w.deps.connections.list(10)).toEqual([result.record]);
  });

  it('an existing consent is replaced (deleted, then created) and audited as reconnected', async () => {
    const w = useCaseWorld();
    w.world.consents[FABRIKAM] = [{ applicationId: 'bot-app-id', grants: [{ enterpriseApplicationId: GRAPH_APP_ID, scopes: ['Domain.Read.All'] }] }];
    const result = await connectCustomer(w.deps, ada.cred, ada.actor, FABRIKAM, 'corr-2');
    expect(result.record.outcome).toBe('reconnected');
    expect(w.world.calls.filter((c) => c.api.endsWith('ApplicationConsent')).map((c) => c.api)).toEqual(['createApplicationConsent', 'deleteApplicationConsent', 'createApplicationConsent']);
    expect(w.world.consents[FABRIKAM][0].grants[0].scopes).toEqual([...CUSTOMER_GRAPH_SCOPES]);
  });

  it('someone outside the AdminAgents group is refused (ADMIN_AGENT_REQUIRED) before anything reaches Partner Center; the refusal is audited', async () => {
    const w = useCaseWorld();
    const error = await errorOf(() => connectCustomer(w.deps, ben.cred, ben.actor, ADATUM, 'corr-3'));
    expect(error).toBeInstanceOf(AppError);
    expect([error.code, error.correlationId]).toEqual(['ADMIN_AGENT_REQUIRED', 'corr-3']);
    expect(w.callsTo('createApplicationConsent')).toEqual([]);
    expect(w.world.consents[ADATUM]).toBeUndefined();
    expect(await w.deps.connections.list(10)).toEqual([expect.objectContaining({ customerId: ADATUM, customerName: 'Adatum Corporation', outcome: 'refused', code: 'ADMIN_AGENT_REQUIRED', correlationId: 'corr-3' })]);
  });

  it('an admin agent without a consenting GDAP role for this customer is refused (CONNECT_ROLE_MISSING)', async () => {
    const w = useCaseWorld();
    w.world.groupsOf['oid-cleo'] = ['grp-admin-agents', 'grp-user-admins'];
    expect(await codeOf(() => connectCustomer(w.deps, cleo.cred, cleo.actor, ADATUM, 'corr-4'))).toBe('CONNECT_ROLE_MISSING');
    expect(w.callsTo('createApplicationConsent')).toEqual([]);
    expect((await w.deps.connections.list(10)).map((r) => [r.outcome, r.code])).toEqual([['refused', 'CONNECT_ROLE_MISSING']]);
  });

  it('an expired relationship is RELATIONSHIP_EXPIRED; with none at all, Partner Center decides', async () => {
    const w = useCaseWorld();
    w.world.relationships = w.world.relationships.map((r) => (r.customerTenantId === ADATUM ? { ...r, status: 'expired' } : r));
    expect(await codeOf(() => connectCustomer(w.deps, ada.cred, ada.actor, ADATUM, 'corr-5'))).toBe('RELATIONSHIP_EXPIRED');

    w.world.relationships = w.world.relationships.filter((r) => r.customerTenantId !== ADATUM);
    w.world.failNext.createApplicationConsent = new AppError('NO_RELATIONSHIP', 'no relationship', { httpStatus: 403, upstreamCode: '20002' });
    expect(await codeOf(() => connectCustomer(w.deps, ada.cred, ada.actor, ADATUM, 'corr-6'))).toBe('NO_RELATIONSHIP');
    expect((await w.deps.connections.list(10)).map((r) => [r.outcome, r.code, r.upstreamCode])).toEqual([
      ['refused', 'NO_RELATIONSHIP', '20002'],
      ['refused', 'RELATIONSHIP_EXPIRED', undefined],
    ]);
  });

  it('an upstream failure is audited as failed, carries the correlation id, and is not a refusal', async () => {
    const w = useCaseWorld();
    w.world.failNext.createApplicationConsent = new AppError('PARTNER_CENTER_UNAVAILABLE', '503', { httpStatus: 503, retryable: true });
    const error = await errorOf(() => connectCustomer(w.deps, ada.cred, ada.actor, FABRIKAM, 'corr-7'));
    expect([error.code, error.correlationId, error.retryable]).toEqual(['PARTNER_CENTER_UNAVAILABLE', 'corr-7', true]);
    expect((await w.deps.connections.list(10)).map((r) => [r.outcome, r.code])).toEqual([['failed', 'PARTNER_CENTER_UNAVAILABLE']]);
  });

  it('an unknown customer is audited with its id (no name known) and fails as Partner Center answers', async () => {
    const w = useCaseWorld();
    const unknown = '22222222-0000-4000-8000-0000000000ff';
    expect(await codeOf(() => connectCustomer(w.deps, ada.cred, ada.actor, unknown, 'corr-8'))).toBe('TENANT_NOT_FOUND');
    expect(await w.deps.connections.list(10)).toEqual([expect.objectContaining({ customerId: unknown, customerName: '', outcome: 'failed', code: 'TENANT_NOT_FOUND' })]);
  });

  it('with no AdminAgents group configured, the GDAP role alone decides', async () => {
    const w = useCaseWorld({ settings: { adminAgentsGroupId: undefined } });
    w.world.groupsOf['oid-cleo'] = ['grp-app-admins'];
    expect((await connectCustomer(w.deps, cleo.cred, cleo.actor, ADATUM, 'corr-9')).record.outcome).toBe('connected');
    expect(w.callsTo('checkMemberGroups').map((c) => c.args[0])).toEqual([['grp-app-admins']]);
  });
});
