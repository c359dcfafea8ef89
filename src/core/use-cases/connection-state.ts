import { toAppError } from '../errors';
import type { UserCredential } from '../ports';
import type { CustomerChoice } from './customers';
import type { UseCaseDeps } from './deps';

/**
 * Whether the bot's app can reach a customer's tenant: `connected` (Entra issues a Graph token there for this
 * engineer), `not-connected` (AADSTS700016: the app has no service principal there; or AADSTS65001: it has one
 * but without the permissions the bot needs, which connecting again fixes), `unknown` (anything else: most often
 * the engineer holds no GDAP role there, AADSTS50020, so the tenant cannot be asked at all).
 */
export type ConnectionState = 'connected' | 'not-connected' | 'unknown';

export interface CustomerConnection extends CustomerChoice {
  state: ConnectionState;
  /** The code behind a state other than `connected`. */
  code?: string;
  upstreamCode?: string;
}

const PROBES_AT_ONCE = 5;

/**
 * The connection state of each customer, found the one way that cannot drift from reality: asking Entra for the
 * token the pre-flight would use (MSAL caches it, so a later review reuses it).
 */
export async function connectionStates(deps: UseCaseDeps, cred: UserCredential, customers: CustomerChoice[]): Promise<CustomerConnection[]> {
  const out: CustomerConnection[] = new Array(customers.length);
  let next = 0;
  const worker = async () => {
    while (next < customers.length) {
      const i = next++;
      out[i] = await probe(deps, cred, customers[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PROBES_AT_ONCE, customers.length) }, worker));
  return out;
}

async function probe(deps: UseCaseDeps, cred: UserCredential, customer: CustomerChoice): Promise<CustomerConnection> {
  try {
    await deps.tokens.customerGraph(cred, customer.id);
    return { ...customer, state: 'connected' };
  } catch (e) {
    const error = toAppError(e);
    // Read from Entra's own code, whatever our mapping calls it.
    const notConnected = error.upstreamCode === 'AADSTS700016' || error.upstreamCode === 'AADSTS65001';
    return { ...customer, state: notConnected ? 'not-connected' : 'unknown', code: error.code, upstreamCode: error.upstreamCode };
  }
}
