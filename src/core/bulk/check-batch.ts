import type { Actor } from '../approval/request-state';
import type { RequestedOnboarding, RequestedUser } from '../approval/user-request';
import { AppError, toAppError, type ErrorCode, type FieldIssue } from '../errors';
import { CONTROL } from '../new-user/chars';
import { parseNewUserForm } from '../new-user/new-user-form';
import { buildUpn } from '../new-user/upn';
import type { SkuAvailability, UserCredential } from '../ports';
import { applyUserNameFormat } from '../templates/user-name-format';
import { PROFILE_LIMITS, type UserTemplate } from '../templates/user-template';
import type { UseCaseDeps } from '../use-cases/deps';
import { acceptedRows, type Batch, type BatchRow, type RowProblem } from './batch';
import type { BatchStore } from './batch';
import { BULK_LIMITS, type BulkColumn } from './bulk-limits';
import { namesIn, readBulkCsv, type CsvRow } from './bulk-rows';
import { sharedReads, type SharedReads } from './shared-reads';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface BulkDeps extends UseCaseDeps {
  batches: BatchStore;
}

/**
 * "Check" on the bulk card: every row of the CSV is validated with the single form's rules, its names (template,
 * licences, groups, manager) resolved, and pre-flighted with the single request's checks under the requester's
 * identity, all before anything is created. Reads that are the same for every row are made once (shared-reads.ts),
 * and licence seats are counted across the rows (22 free seats and 23 rows asking: the 23rd is blocked). The batch
 * is stored `checked`; nothing per row is stored until the person confirms. A CSV that cannot be read as a whole
 * throws its code (BULK_*); a row that cannot be used carries its problems and is left out.
 */
export async function checkBatch(deps: BulkDeps, cred: UserCredential, actor: Actor, input: { customerId: string; csv: string; mode: Batch['mode'] }): Promise<Batch> {
  const customerId = input.customerId.trim().toLowerCase();
  if (!GUID.test(customerId)) throw new AppError('CUSTOMER_NOT_FOUND', 'no customer chosen for the batch');
  const csvRows = readBulkCsv(input.csv);
  const correlationId = deps.ids.newId();
  const opts = { correlationId };
  const shared = sharedReads(deps);
  const pcToken = (await deps.tokens.partnerCenter(cred)).token;
  const customerRead = shared.partnerCenter.getCustomer(pcToken, customerId, opts);
  const customer = await customerRead;
  const templates = await deps.templates.list({ customerId });
  const resolve = new NameResolver(deps, shared, cred, customerId, correlationId);

  const rows: BatchRow[] = [];
  for (const csvRow of csvRows) rows.push(await readRow(deps, resolve, templates, customer.defaultDomain, customerId, csvRow));
  markDuplicates(rows);

  // The single request's pre-flight, per row still clean, a few at a time over the shared reads.
  await inPool(
    rows.filter((r) => r.problems.length === 0),
    BULK_LIMITS.concurrency,
    async (row) => {
      const { checklist } = await shared.preflight.run({ cred, customerId, customer: customerRead, user: row.user!, useCache: true, correlationId, onboarding: row.onboarding });
      // A channel batch is created by its approver: the requester's own roles and MFA do not decide a row (the
      // approver's are checked, uncached, when they approve each row).
      const forApproval = (c: { id: string; code?: string }) => input.mode === 'approval' && (c.id === 'gdap-role' || c.id === 'mfa' || c.code === 'GDAP_ROLE_MISSING');
      for (const c of checklist.checks.filter((x) => x.status === 'blocked' && !forApproval(x))) row.problems.push({ code: c.code ?? 'INTERNAL', column: c.id, text: c.text });
    },
  );
  await countSeats(rows, () => resolve.skus());

  const now = deps.clock.now().toISOString();
  for (const row of rows) {
    if (row.problems.length === 0) row.requestId = deps.ids.newId();
    else delete row.user;
  }
  const batch: Batch = {
    id: deps.ids.newId(),
    mode: input.mode,
    createdAt: now,
    updatedAt: now,
    requester: actor,
    customer: { id: customer.id, companyName: customer.companyName, defaultDomain: customer.defaultDomain },
    correlationId,
    state: { kind: 'checked', at: now },
    rows,
  };
  const stored = (await deps.batches.create(batch)).value;
  deps.logger.info({ batchId: batch.id, customerId, correlationId, rows: rows.length, accepted: acceptedRows(batch).length }, 'bulk batch checked');
  return stored;
}

/** One CSV row to a batch row: the single form's rules over the row (with its template's defaults), names resolved. */
async function readRow(deps: UseCaseDeps, resolve: NameResolver, templates: UserTemplate[], defaultDomain: string | undefined, customerId: string, csv: CsvRow): Promise<BatchRow> {
  const v = csv.values;
  const problems: RowProblem[] = [];
  const values = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as Record<string, string>;
  let template: UserTemplate | undefined;
  if (v.template) {
    template = templates.find((t) => t.name.trim().toLowerCase() === v.template!.toLowerCase());
    if (!template) problems.push({ code: 'TEMPLATE_NOT_FOUND', column: 'template', text: `No template "${v.template}" for this customer.` });
  }
  const firstName = v.firstName ?? '';
  const lastName = v.lastName ?? '';
  let userName = v.userName ?? '';
  if (!userName && template && firstName.trim() && lastName.trim()) {
    const made = applyUserNameFormat(template.userNameFormat, { firstName, lastName });
    if (made.ok) userName = made.userName;
  }
  const domain = v.domain || template?.domain || defaultDomain || '';
  const form = {
    customerId,
    firstName,
    lastName,
    displayName: v.displayName ?? '',
    userName,
    domain,
    usageLocation: v.usageLocation || template?.usageLocation || deps.settings.defaultUsageLocation,
    passwordMode: 'generate',
    forceChangePassword: String(template?.forceChangePassword ?? true),
    ticket: v.ticket ?? '',
    firstCredential: credentialChoice(v.firstCredential),
    tapUsage: 'once',
    tapLifetime: '',
  };
  const ticketRequired = deps.settings.ticketRequired || Boolean(template?.ticketRequired);
  const parsed = parseNewUserForm(form, { ticketRequired, now: deps.clock.now() });
  if (!parsed.ok) problems.push(...parsed.issues.map((i) => fieldProblem(i, ticketRequired)));
  const userPrincipalName = parsed.ok ? parsed.value.userPrincipalName.toLowerCase() : userName && domain ? buildUpn(userName.trim(), domain.trim()).toLowerCase() : '';

  const onboarding: RequestedOnboarding = { licences: [], groups: [], profile: {} };
  for (const field of ['jobTitle', 'department', 'officeLocation', 'companyName'] as const) {
    const value = v[field] || template?.[field] || '';
    if (value.length > PROFILE_LIMITS[field]) problems.push({ code: 'VALIDATION_FAILED', column: field, text: `At most ${PROFILE_LIMITS[field]} characters.` });
    else if (CONTROL.test(value)) problems.push({ code: 'VALIDATION_FAILED', column: field, text: 'No control characters.' });
    else if (value) onboarding.profile[field] = value;
  }
  if (v.employeeId) onboarding.profile.employeeId = v.employeeId.slice(0, 16);
  if (v.mobilePhone) onboarding.profile.mobilePhone = v.mobilePhone.slice(0, 64);

  const licenceNames = namesIn(v.licences);
  if (licenceNames.length === 0 && template) onboarding.licences = template.licences.map((l) => ({ ...l }));
  for (const name of licenceNames) {
    const found = await resolve.licence(name, template);
    if (found instanceof AppError || !found) problems.push(found ? problemOf(found, 'licences') : { code: 'LICENCE_UNKNOWN', column: 'licences', text: `No licence "${name}"${template ? ' in the template' : ' in the customer\'s subscriptions'}.` });
    else onboarding.licences.push(found);
  }
  const groupNames = namesIn(v.groups);
  if (groupNames.length === 0 && template) onboarding.groups = template.groups.map((g) => ({ ...g }));
  for (const name of groupNames) {
    const found = await resolve.group(name, template);
    if (found instanceof AppError || !found) problems.push(found ? problemOf(found, 'groups') : { code: 'GROUP_NOT_FOUND', column: 'groups', text: `No group "${name}"${template ? ' in the template' : ' in the customer\'s tenant'}.` });
    else onboarding.groups.push(found);
  }
  if (v.manager) {
    const found = await resolve.manager(v.manager);
    if (found instanceof AppError || !found) problems.push(found ? problemOf(found, 'manager') : { code: 'USER_NOT_FOUND', column: 'manager', text: `No user ${v.manager} to be the manager.` });
    else onboarding.manager = found;
  }

  const asks = onboarding.licences.length || onboarding.groups.length || onboarding.manager || Object.keys(onboarding.profile).length;
  const user: RequestedUser | undefined = parsed.ok
    ? {
        firstName: parsed.value.firstName,
        lastName: parsed.value.lastName,
        displayName: parsed.value.displayName,
        userName: parsed.value.userName,
        domain: parsed.value.domain,
        userPrincipalName: parsed.value.userPrincipalName,
        usageLocation: parsed.value.usageLocation,
        forceChangePassword: parsed.value.forceChangePassword,
        passwordGenerated: true,
        ...(parsed.value.firstCredential.kind === 'tap' ? { firstCredential: parsed.value.firstCredential } : {}),
      }
    : undefined;
  return {
    line: csv.line,
    values,
    userPrincipalName,
    problems,
    ...(user ? { user } : {}),
    ...(asks ? { onboarding } : {}),
    ...(template ? { template: { id: template.id, name: template.name } } : {}),
    ...(parsed.ok && parsed.value.ticket ? { ticket: parsed.value.ticket } : {}),
  };
}

/** The form's input ids and the CSV's columns are the same names, but for the fields a CSV row has no column for. */
function fieldProblem(i: FieldIssue, ticketRequired: boolean): RowProblem {
  const column = (['firstName', 'lastName', 'displayName', 'userName', 'domain', 'usageLocation', 'ticket', 'firstCredential'] as string[]).includes(i.field) ? (i.field as BulkColumn) : undefined;
  const code: ErrorCode = i.code ?? (i.field === 'ticket' && ticketRequired ? 'TICKET_REQUIRED' : 'VALIDATION_FAILED');
  return { code, column, text: i.message };
}

/** The `firstCredential` cell as the form's choice: empty is a password; anything but the two names is refused by the form's parser. */
function credentialChoice(cell: string | undefined): string {
  const c = (cell ?? '').replace(/[\s_-]/g, '').toLowerCase();
  return c === '' || c === 'password' ? 'password' : c === 'tap' || c === 'temporaryaccesspass' ? 'tap' : (cell ?? '');
}

function problemOf(e: AppError, column: BulkColumn): RowProblem {
  return { code: e.code, column, text: `Could not be looked up (${e.code}).` };
}

/** Every row whose user name another row also asks for is left out: which one was meant is the person's call. */
function markDuplicates(rows: BatchRow[]): void {
  const lines = new Map<string, number[]>();
  for (const r of rows) if (r.userPrincipalName) lines.set(r.userPrincipalName, [...(lines.get(r.userPrincipalName) ?? []), r.line]);
  for (const r of rows) {
    const same = lines.get(r.userPrincipalName) ?? [];
    if (same.length > 1) r.problems.push({ code: 'BULK_DUPLICATE_USER', column: 'userName', text: `${r.userPrincipalName} is also on line ${same.filter((l) => l !== r.line).join(', ')}.` });
  }
}

/**
 * Seats are counted across the batch, in file order: each row's own check saw the free seats before any row of
 * this batch took one, so rows beyond the free seats of a licence are left out here with NO_FREE_SEAT.
 */
async function countSeats(rows: BatchRow[], skus: () => Promise<SkuAvailability[] | AppError>): Promise<void> {
  const asking = rows.filter((r) => r.problems.length === 0 && r.onboarding?.licences.length && !r.onboarding.leaveOut?.includes('licences'));
  if (asking.length === 0) return;
  const list = await skus();
  if (list instanceof AppError) return;
  const free = new Map(list.map((s) => [s.skuId.toLowerCase(), s.availableUnits]));
  for (const row of asking) {
    const ids = row.onboarding!.licences.map((l) => l.skuId.toLowerCase());
    const short = ids.find((id) => (free.get(id) ?? 0) < 1);
    if (short) {
      const name = row.onboarding!.licences.find((l) => l.skuId.toLowerCase() === short)?.name ?? short;
      row.problems.push({ code: 'NO_FREE_SEAT', column: 'licences', text: `No free seat of ${name} left for this row: the rows above it take the last ones.` });
      continue;
    }
    for (const id of ids) free.set(id, free.get(id)! - 1);
  }
}

/** Names in the CSV to ids in the customer's tenant, each name looked up once for the batch. */
class NameResolver {
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

/** Runs `work` over `items`, at most `limit` at once. */
export async function inPool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}
