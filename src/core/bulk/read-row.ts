// The per-row half of "Check": one CSV row read with the single form's rules and its names resolved; the batch-wide
// steps (duplicates, the pre-flight, seat counting) stay in check-batch.ts.
import type { RequestedOnboarding, RequestedUser } from '../approval/user-request';
import { AppError, type ErrorCode, type FieldIssue } from '../errors';
import { UNSHOWN } from '../new-user/chars';
import { parseNewUserForm } from '../new-user/new-user-form';
import { buildUpn } from '../new-user/upn';
import { applyUserNameFormat } from '../templates/user-name-format';
import { PROFILE_LIMITS, type UserTemplate } from '../templates/user-template';
import type { UseCaseDeps } from '../use-cases/deps';
import type { BatchRow, RowProblem } from './batch';
import type { BulkColumn } from './bulk-limits';
import { namesIn, type CsvRow } from './bulk-rows';
import type { NameResolver } from './name-resolver';

/** One CSV row to a batch row: the single form's rules over the row (with its template's defaults), names resolved. */
export async function readRow(deps: UseCaseDeps, resolve: NameResolver, templates: UserTemplate[], defaultDomain: string | undefined, customerId: string, csv: CsvRow): Promise<BatchRow> {
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
    else if (UNSHOWN.test(value)) problems.push({ code: 'VALIDATION_FAILED', column: field, text: 'No control or invisible formatting characters (they would show on cards as other than what the directory gets).' });
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
