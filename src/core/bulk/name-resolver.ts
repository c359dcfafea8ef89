// The lookups behind the licence, group and manager names of a batch's rows, held for the whole batch (the licence
// list, the Graph token and each manager are read once here; a group search once per name through the batch's
// shared reads, shared-reads.ts); read-row.ts asks it per row.
import { AppError, toAppError } from '../errors';
import type { SkuAvailability, UserCredential } from '../ports';
import type { UserTemplate } from '../templates/user-template';
import type { UseCaseDeps } from '../use-cases/deps';
import type { SharedReads } from './shared-reads';

/** Names in the CSV to ids in the customer's tenant, each name looked up once for the batch. */
export class NameResolver {
  private skuList?: Promise<SkuAvailability[] | AppError>;
  private graphToken?: Promise<string | AppError>;
  private readonly managers = new Map<string, Promise<{ id: string; name: string } | undefined | AppError>>();

  constructor(
    private readonly deps: UseCaseDeps,
    private readonly shared: SharedReads,
    private readonly cred: UserCredential,
    private readonly customerId: string,
    private readonly correlationId: string,
  ) {}

  skus(): Promise<SkuAvailability[] | AppError> {
    this.skuList ??= (async () => {
      if (!this.shared.onboarding) return new AppError('ACTION_NOT_ALLOWED', 'onboarding is not set up');
      const token = (await this.deps.tokens.partnerCenter(this.cred)).token;
      return this.shared.onboarding.licences.listSkuAvailability(token, this.customerId, { correlationId: this.correlationId });
    })().catch((e: unknown) => toAppError(e));
    return this.skuList;
  }

  /** A licence by product name or SKU part number; with a template, only one of its licences. */
  async licence(name: string, template: UserTemplate | undefined): Promise<{ skuId: string; name: string } | undefined | AppError> {
    const n = name.toLowerCase();
    const inTemplate = template?.licences.find((l) => l.name.toLowerCase() === n);
    if (inTemplate) return { ...inTemplate };
    const skus = await this.skus();
    if (skus instanceof AppError) return skus;
    const sku = skus.find((s) => s.productName.toLowerCase() === n || s.skuPartNumber.toLowerCase() === n);
    if (!sku) return undefined;
    if (template && !template.licences.some((l) => l.skuId.toLowerCase() === sku.skuId.toLowerCase())) return undefined;
    return { skuId: sku.skuId, name: sku.productName };
  }

  /** A group by display name (exactly one match); with a template, only one of its groups. */
  async group(name: string, template: UserTemplate | undefined): Promise<{ id: string; name: string } | undefined | AppError> {
    const n = name.toLowerCase();
    if (template) {
      const g = template.groups.find((x) => x.name.toLowerCase() === n);
      return g ? { ...g } : undefined;
    }
    const token = await this.token();
    if (token instanceof AppError) return token;
    try {
      const found = (await this.shared.onboarding!.customerDirectory.searchGroups(token, name, { correlationId: this.correlationId })).filter((g) => g.displayName.toLowerCase() === n);
      return found.length === 1 ? { id: found[0].id, name: found[0].displayName } : undefined;
    } catch (e) {
      return toAppError(e);
    }
  }

  /** A manager by user name (UPN), an active user of the customer. */
  manager(upn: string): Promise<{ id: string; name: string } | undefined | AppError> {
    const key = upn.toLowerCase();
    let hit = this.managers.get(key);
    if (!hit) {
      hit = (async () => {
        const token = (await this.deps.tokens.customerGraph(this.cred, this.customerId)).token;
        const found = await this.shared.directory.findUserByUpn(token, key, { correlationId: this.correlationId });
        return found ? { id: found.id.toLowerCase(), name: found.userPrincipalName } : undefined;
      })().catch((e: unknown) => toAppError(e));
      this.managers.set(key, hit);
    }
    return hit;
  }

  private token(): Promise<string | AppError> {
    this.graphToken ??= (async () => {
      if (!this.shared.onboarding) return new AppError('ACTION_NOT_ALLOWED', 'onboarding is not set up');
      return (await this.shared.onboarding.tokens.customerGraphForOnboarding(this.cred, this.customerId)).token;
    })().catch((e: unknown) => toAppError(e));
    return this.graphToken;
  }
}
