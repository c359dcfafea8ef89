import { loadOnboardingChoices, type OnboardingChoices } from '../onboarding/form-choices';
import type { Customer, CustomerDomain, UserCredential } from '../ports';
import { AppError } from '../errors';
import type { UseCaseDeps } from './deps';

export interface CustomerChoice {
  id: string;
  name: string;
  domain: string;
}

/** Partner Center pages customers; a helpdesk may serve thousands, so stop at a sane bound. */
const MAX_CUSTOMERS = 5000;

/** Every customer of the partner, sorted by name, read page by page from Partner Center. */
export async function listCustomers(deps: UseCaseDeps, cred: UserCredential, correlationId: string): Promise<CustomerChoice[]> {
  const token = (await deps.tokens.partnerCenter(cred)).token;
  const all: CustomerChoice[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await deps.partnerCenter.listCustomers(token, { size: 500, continuationToken }, { correlationId });
    for (const c of page.items) all.push({ id: c.id, name: c.companyName, domain: c.defaultDomain });
    continuationToken = page.continuationToken;
  } while (continuationToken && all.length < MAX_CUSTOMERS);
  return all.sort((a, b) => a.name.localeCompare(b.name));
}

/** Case-insensitive match on name, domain or id, for type-ahead. */
export function searchCustomers(customers: CustomerChoice[], query: string, limit: number): CustomerChoice[] {
  const q = query.trim().toLowerCase();
  const matches = q ? customers.filter((c) => c.name.toLowerCase().includes(q) || c.domain.toLowerCase().includes(q) || c.id === q) : customers;
  return matches.slice(0, limit);
}

export interface DomainChoice {
  name: string;
  federated: boolean;
  isDefault: boolean;
}

export interface CustomerForForm {
  customer: Customer;
  domains: DomainChoice[];
  /** Set when the customer's domains could not be read (no GDAP access yet): only the default domain is offered. */
  domainsUnavailable?: AppError;
  /** Licences, groups and people the onboarding may use (issue #18); absent without onboarding ports. */
  onboarding?: OnboardingChoices;
}

/**
 * The customer as Partner Center knows it now, and the domains a new user may get: the verified ones, managed
 * first. When Graph in the customer tenant cannot be read, the form still opens with the default domain, and the
 * pre-flight checks explain what is missing.
 */
export async function loadCustomerForForm(deps: UseCaseDeps, cred: UserCredential, customerId: string, correlationId: string): Promise<CustomerForForm> {
  // Read now, and kept for the confirmation of the request this form becomes.
  const customer = await deps.preflight.customerFor(cred, customerId, { fresh: true, correlationId });
  const onboarding = await loadOnboardingChoices(deps, cred, customer.id, correlationId);
  try {
    const graphToken = (await deps.tokens.customerGraph(cred, customer.tenantId)).token;
    const domains = await deps.directory.listDomains(graphToken, { correlationId });
    return { customer, domains: toChoices(domains), onboarding };
  } catch (e) {
    const error = e instanceof AppError ? e : new AppError('GRAPH_UNAVAILABLE', 'domains could not be read', { cause: e });
    deps.logger.warn({ customerId, correlationId, code: error.code }, 'customer domains unavailable; offering the default domain');
    return { customer, domains: [{ name: customer.defaultDomain, federated: false, isDefault: true }], domainsUnavailable: error, onboarding };
  }
}

function toChoices(domains: CustomerDomain[]): DomainChoice[] {
  return domains
    .filter((d) => d.isVerified)
    .map((d) => ({ name: d.id, federated: d.authenticationType.toLowerCase() === 'federated', isDefault: d.isDefault }))
    .sort((a, b) => Number(a.federated) - Number(b.federated) || Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name));
}
