import type { Actor } from '../approval/request-state';
import { checkConnectPermission } from '../connect/connect-permission';
import { AppError, toAppError } from '../errors';
import type { ConnectionRecord, Customer, UserCredential } from '../ports';
import type { UseCaseDeps } from './deps';

/** Microsoft Graph's app id: the resource of the grant. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/**
 * The delegated Graph permissions the bot uses in a customer tenant: the pre-flight's domain and user-name checks,
 * the onboarding's writes (manager and profile: `User.ReadWrite.All`; group memberships:
 * `GroupMember.ReadWrite.All`) and the Temporary Access Pass (`UserAuthenticationMethod.ReadWrite.All` to issue it,
 * `Policy.Read.AuthenticationMethod` for the pre-flight's policy read). Consent grants exactly these, so it must list
 * every permission a use checks in the token's `scp` (identity/msal-token-provider.ts): without the last two, no
 * connected customer could ever get a pass. The engineer's GDAP roles still decide what each call may do.
 */
export const CUSTOMER_GRAPH_SCOPES: readonly string[] = ['Domain.Read.All', 'User.Read.All', 'User.ReadWrite.All', 'GroupMember.ReadWrite.All', 'UserAuthenticationMethod.ReadWrite.All', 'Policy.Read.AuthenticationMethod'];

export interface ConnectResult {
  customer: Customer;
  record: ConnectionRecord;
}

const REFUSALS = new Set(['ADMIN_AGENT_REQUIRED', 'CONNECT_ROLE_MISSING', 'RELATIONSHIP_EXPIRED', 'NO_RELATIONSHIP', 'GDAP_ROLE_MISSING', 'ACCESS_DENIED', 'APP_NOT_MULTI_TENANT', 'MFA_REQUIRED']);

/**
 * Connects a customer: consents the bot's (multi-tenant) app in the customer's tenant through Partner Center, on
 * behalf of the acting engineer with their own Partner Center token, after checking they may. A consent that
 * exists already is replaced (deleted, then created), as Microsoft's own sample does, so its scopes match what the
 * bot needs now. Every attempt, refused or failed ones too, is written to the connection audit.
 */
export async function connectCustomer(deps: UseCaseDeps, cred: UserCredential, actor: Actor, customerId: string, correlationId: string): Promise<ConnectResult> {
  const scopes = [...CUSTOMER_GRAPH_SCOPES];
  const record = (customer: { id: string; companyName: string }, outcome: ConnectionRecord['outcome'], error?: AppError): ConnectionRecord => ({
    id: deps.ids.newId(),
    at: deps.clock.now().toISOString(),
    customerId: customer.id,
    customerName: customer.companyName,
    by: { oid: actor.oid, upn: actor.upn ?? cred.user.upn, name: actor.name },
    outcome,
    ...(error ? { code: error.code, upstreamCode: error.upstreamCode } : {}),
    correlationId,
    scopes,
  });

  let customer: Customer | undefined;
  try {
    const pcToken = (await deps.tokens.partnerCenter(cred)).token;
    customer = await deps.partnerCenter.getCustomer(pcToken, customerId, { correlationId });
    await checkConnectPermission(deps, cred, customer.tenantId, deps.settings.adminAgentsGroupId, correlationId);
    const consent = { applicationId: deps.settings.app.id, displayName: deps.settings.app.displayName, grants: [{ enterpriseApplicationId: GRAPH_APP_ID, scopes }] };
    let outcome: ConnectionRecord['outcome'] = 'connected';
    try {
      await deps.partnerCenter.createApplicationConsent(pcToken, customer.id, consent, { correlationId });
    } catch (e) {
      if (toAppError(e).code !== 'ALREADY_CONNECTED') throw e;
      await deps.partnerCenter.deleteApplicationConsent(pcToken, customer.id, consent.applicationId, { correlationId });
      await deps.partnerCenter.createApplicationConsent(pcToken, customer.id, consent, { correlationId });
      outcome = 'reconnected';
    }
    const done = record(customer, outcome);
    await deps.connections.append(done);
    deps.logger.info({ customerId: customer.id, by: actor.oid, outcome, correlationId }, 'customer connected');
    return { customer, record: done };
  } catch (e) {
    const error = toAppError(e).withCorrelationId(correlationId);
    const failed = record(customer ?? { id: customerId, companyName: '' }, REFUSALS.has(error.code) ? 'refused' : 'failed', error);
    await deps.connections.append(failed).catch((auditError: unknown) => deps.logger.error({ correlationId, code: toAppError(auditError).code }, 'connection audit could not be written'));
    deps.logger.warn({ customerId, by: actor.oid, code: error.code, upstreamCode: error.upstreamCode, correlationId }, 'customer not connected');
    throw error;
  }
}
