import { PC_TEXT, pcError } from './errors';
import { holdsAny, ONBOARDING_ROLES } from './gdap';
import type { Router, SandboxRequest, SandboxResponse } from './http';
import type { partnerCenterGuard } from './partner-center-guard';
import type { SandboxState } from './state';
import type { SandboxCustomer, SandboxSku, SandboxUser } from './world';

/**
 * Partner Center's licence routes: the customer's subscribed skus with their seat counts, one user's licences, and
 * assigning licences (`licenseupdates`). Each checks the caller's GDAP roles for that call as Microsoft documents
 * them (ONBOARDING_ROLES in ./gdap.ts).
 */

/** The texts of refusals (docs/sandbox-api.md); the exhausted-seat one is Microsoft's documented answer verbatim. */
export const LICENCE_TEXT = {
  /** "Assign licenses to a user", response example "license isn't available": code 60012 (a JSON number there). */
  noSeat: "We&#39;re sorry, it looks like you've run out of licenses. Buy more licenses, and then try again.",
  noSeatData: (customerId: string, skuId: string) => `LicenseQuotaExceededException : Subscription with Account ${customerId} and SKU ${skuId} does not have any available licenses left.`,
  /** The text partners report from this call (microsoft/Partner-Center-DotNet-Samples#131); status and code UNCONFIRMED. */
  noUsageLocation: 'License assignment cannot be done for user with invalid usage location.',
  /** UNCONFIRMED: Microsoft says only that such a request "fails with the appropriate error". */
  mixedGroups: 'A license assignment request must contain licenses from a single license group.',
  /** UNCONFIRMED wording. */
  unknownSku: (skuId: string) => `License ${skuId} is not available for this customer.`,
  invalidBody: "Invalid value specified for property 'LicensesToAssign' of resource 'LicenseUpdate'.",
  badGroup: 'The licenseGroupIds parameter is not valid.',
};

type Guard = ReturnType<typeof partnerCenterGuard>;

interface Helpers {
  userOf(c: SandboxCustomer, userId: string): SandboxUser | undefined;
  jsonBody(req: SandboxRequest): Record<string, unknown> | SandboxResponse;
}

const isAnswer = (v: unknown): v is SandboxResponse => typeof v === 'object' && v !== null && 'status' in v && typeof (v as { status: unknown }).status === 'number';

/** `licenseGroupIds=Group1&licenseGroupIds=Group2` ("by license group" pages); absent: the default, group1 only. */
function licenceGroups(req: SandboxRequest): Set<string> | SandboxResponse {
  const asked = req.query.getAll('licenseGroupIds').flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()).filter(Boolean);
  if (asked.some((g) => g !== 'group1' && g !== 'group2')) return pcError(400, '400', LICENCE_TEXT.badGroup);
  return new Set(asked.length > 0 ? asked : ['group1']);
}

function productSku(s: SandboxSku) {
  return { id: s.id, name: s.name, skuPartNumber: s.skuPartNumber, targetType: 'User', licenseGroupId: s.licenseGroupId };
}

export function licenceRoutes(router: Router, state: SandboxState, guarded: Guard, { userOf, jsonBody }: Helpers): void {
  /** The customer when it exists and the caller holds one of `roles` there: else 404 60003, 403 20002 or 403 900150. */
  const customerWith = (id: string, oid: string, roles: readonly string[]): SandboxCustomer | SandboxResponse => {
    const customer = state.customer(id);
    if (!customer) return pcError(404, '60003', PC_TEXT.tenantNotFound);
    if (customer.relationships.length === 0) return pcError(403, '20002', PC_TEXT.noRelationship);
    if (!holdsAny(state.world, oid, customer, roles)) return pcError(403, '900150', PC_TEXT.noRole);
    return customer;
  };

  router.add('GET', '/v1/customers/:id/subscribedskus', guarded((req, { id }, caller) => {
    const c = customerWith(id, caller.oid, ONBOARDING_ROLES.listSkus);
    if (isAnswer(c)) return c;
    const groups = licenceGroups(req);
    if (isAnswer(groups)) return groups;
    const items = c.skus.filter((s) => groups.has(s.licenseGroupId)).map((s) => ({
      availableUnits: s.total - s.consumed,
      activeUnits: s.total,
      consumedUnits: s.consumed,
      suspendedUnits: 0,
      totalUnits: s.total,
      warningUnits: 0,
      productSku: productSku(s),
      servicePlans: [],
      capabilityStatus: 'Enabled',
      attributes: { objectType: 'SubscribedSku' },
    }));
    return { status: 200, body: { totalCount: items.length, items, attributes: { objectType: 'Collection' } } };
  }));

  router.add('GET', '/v1/customers/:id/users/:userId/licenses', guarded((req, { id, userId }, caller) => {
    const c = customerWith(id, caller.oid, ONBOARDING_ROLES.userLicenses);
    if (isAnswer(c)) return c;
    const u = userOf(c, userId);
    if (!u || u.state !== 'active') return pcError(404, '60002', PC_TEXT.userNotFound);
    const groups = licenceGroups(req);
    if (isAnswer(groups)) return groups;
    const items = c.skus
      .filter((s) => u.licenses.includes(s.id) && groups.has(s.licenseGroupId))
      .map((s) => ({ servicePlans: [], productSku: productSku(s), attributes: { objectType: 'License' } }));
    return { status: 200, body: { totalCount: items.length, items, attributes: { objectType: 'Collection' } } };
  }));

  /**
   * Assigning is idempotent by nature: a sku the user already has is neither charged again nor refused, even when
   * no seat is left. Order of the checks: role, user, body, skus known, one licence group, usage location, seats.
   */
  router.add('POST', '/v1/customers/:id/users/:userId/licenseupdates', guarded((req, { id, userId }, caller) => {
    const c = customerWith(id, caller.oid, ONBOARDING_ROLES.assignLicenses);
    if (isAnswer(c)) return c;
    const body = jsonBody(req);
    if (isAnswer(body)) return body;
    const u = userOf(c, userId);
    if (!u || u.state !== 'active') return pcError(404, '60002', PC_TEXT.userNotFound);
    const raw = body.LicensesToAssign ?? body.licensesToAssign;
    const wanted = Array.isArray(raw) ? (raw as Array<{ SkuId?: unknown; skuId?: unknown } | null>) : undefined;
    if (!wanted || wanted.length === 0 || wanted.some((l) => typeof (l?.SkuId ?? l?.skuId) !== 'string')) return pcError(400, '2000', LICENCE_TEXT.invalidBody);
    const ids = wanted.map((l) => String(l?.SkuId ?? l?.skuId));
    const skus = ids.map((skuId) => c.skus.find((s) => s.id.toLowerCase() === skuId.toLowerCase()));
    const unknown = ids.find((_s, i) => !skus[i]);
    if (unknown) return pcError(400, '2000', LICENCE_TEXT.unknownSku(unknown));
    const known = skus as SandboxSku[];
    if (new Set(known.map((s) => s.licenseGroupId)).size > 1) return pcError(400, '2000', LICENCE_TEXT.mixedGroups);
    const toAdd = known.filter((s, i) => !u.licenses.includes(s.id) && known.findIndex((x) => x.id === s.id) === i);
    if (toAdd.length > 0 && !u.usageLocation) return pcError(400, '2000', LICENCE_TEXT.noUsageLocation);
    const exhausted = toAdd.find((s) => s.consumed >= s.total);
    if (exhausted) {
      return { status: 400, body: { code: 60012, description: LICENCE_TEXT.noSeat, data: [LICENCE_TEXT.noSeatData(c.id, exhausted.id)], source: 'PartnerFD' } };
    }
    for (const sku of toAdd) {
      u.licenses.push(sku.id);
      sku.consumed += 1;
    }
    return { status: 201, body: { licensesToAssign: known.map((s) => ({ skuId: s.id })), licenseWarnings: [], attributes: { objectType: 'LicenseUpdate' } } };
  }, { idempotent: true }));
}
