import { cardInputReader } from '../card-inputs';
import type { RequestedOnboarding, UserRequest } from '../approval/user-request';
import type { FieldIssue } from '../errors';
import { UNSHOWN } from '../new-user/chars';
import { NEW_USER_FIELDS } from '../new-user/new-user-form';
import { applyUserNameFormat } from './user-name-format';
import { PROFILE_LIMITS, type UserTemplate } from './user-template';

/** The new-user form's inputs that templates add (beside NEW_USER_FIELDS). */
export const TEMPLATE_INPUTS = ['templateId', 'jobTitle', 'department', 'officeLocation', 'companyName', 'licences', 'groups'] as const;
type TemplateInput = (typeof TEMPLATE_INPUTS)[number];

/** A template input as text: only a string counts (missing, or anything else: ""). */
export const templateInputText = (v: unknown): string => (typeof v === 'string' ? v : '');
const inputsReader = cardInputReader(TEMPLATE_INPUTS, templateInputText);

/** The template inputs of a submitted form, as text (missing: ""); without zod effects (card-inputs.ts). */
export function readTemplateInputs(raw: unknown): Record<TemplateInput, string> {
  return inputsReader.read(raw);
}

/**
 * The form's values after "Apply template": the person's names (and anything the template does not set) kept,
 * the user name made from the template's format when both names are there, the template's domain when the customer
 * has it, and its usage location, profile attributes, password flag, licences and groups. Everything stays
 * editable. `note` says what could not be applied (a domain the customer lacks, names that give no user name).
 */
export function prefillFromTemplate(template: UserTemplate, current: Record<string, string>, customerDomains: string[]): { values: Record<string, string>; notes: string[] } {
  const values: Record<string, string> = { ...current, templateId: template.id };
  const notes: string[] = [];
  const first = (current.firstName ?? '').trim();
  const last = (current.lastName ?? '').trim();
  if (first && last) {
    const made = applyUserNameFormat(template.userNameFormat, { firstName: first, lastName: last });
    if (made.ok) values.userName = made.userName;
    else notes.push(`User name not filled in: ${made.problem}`);
  } else notes.push(`Type the first and last name, then apply the template again to get the user name (${template.userNameFormat}).`);
  if (template.domain) {
    if (customerDomains.includes(template.domain)) values.domain = template.domain;
    else notes.push(`The template's domain ${template.domain} is not one of this customer's domains; choose one.`);
  }
  if (template.usageLocation) values.usageLocation = template.usageLocation;
  if (template.timeZone) values.startTimeZone = template.timeZone;
  values.jobTitle = template.jobTitle;
  values.department = template.department;
  values.officeLocation = template.officeLocation;
  values.companyName = template.companyName;
  values.forceChangePassword = String(template.forceChangePassword);
  values.licences = template.licences.map((l) => l.skuId).join(',');
  values.groups = template.groups.map((g) => g.id).join(',');
  return { values, notes };
}

/** The form values of a stored request's template and onboarding fields (to edit it). */
export function onboardingFormValues(request: Pick<UserRequest, 'template' | 'onboarding'>): Record<string, string> {
  const o = request.onboarding;
  return {
    templateId: request.template?.id ?? '',
    jobTitle: o?.profile.jobTitle ?? '',
    department: o?.profile.department ?? '',
    officeLocation: o?.profile.officeLocation ?? '',
    companyName: o?.profile.companyName ?? '',
    licences: (o?.licences ?? []).map((l) => l.skuId).join(','),
    groups: (o?.groups ?? []).map((g) => g.id).join(','),
    manager: o?.manager?.id ?? '',
    employeeId: o?.profile.employeeId ?? '',
    mobilePhone: o?.profile.mobilePhone ?? '',
  };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ids = (text: string) => [...new Set(text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean))];

/**
 * The template inputs of a submitted form, checked against the stored template (re-read by the caller: the card's
 * id is all that is trusted). Licences and groups can only be ones the template lists (their names come from the
 * template); profile attributes follow Graph's limits. Issues are keyed by input id.
 */
export function parseTemplateInputs(raw: unknown, template: UserTemplate | undefined): { issues: FieldIssue[]; values: Record<string, string>; onboarding?: RequestedOnboarding } {
  const f = readTemplateInputs(raw);
  const issues: FieldIssue[] = [];
  const profile: RequestedOnboarding['profile'] = {};
  for (const field of ['jobTitle', 'department', 'officeLocation', 'companyName'] as const) {
    const value = f[field].trim();
    if (value.length > PROFILE_LIMITS[field]) issues.push({ field, message: `At most ${PROFILE_LIMITS[field]} characters (it has ${value.length}).` });
    else if (UNSHOWN.test(value)) issues.push({ field, message: 'No control or invisible formatting characters (they would show on cards as other than what the directory gets).' });
    else if (value) profile[field] = value;
  }
  // With a template, its lists are the choice (their names come from it); without one, any customer sku or group
  // id (from the form's own lists): the onboarding checks resolve them, and refuse what cannot be done.
  const free = (id: string) => (GUID.test(id) ? id : undefined);
  const licences = ids(f.licences).map((id) => (template ? template.licences.find((l) => l.skuId === id) : free(id) ? { skuId: id, name: '' } : undefined));
  const groups = ids(f.groups).map((id) => (template ? template.groups.find((g) => g.id === id) : free(id) ? { id, name: '' } : undefined));
  if (licences.some((l) => !l)) issues.push({ field: 'licences', message: 'Choose licences from the template\'s list.' });
  if (groups.some((g) => !g)) issues.push({ field: 'groups', message: 'Choose groups from the template\'s list.' });
  const values = { ...f };
  if (issues.length) return { issues, values };
  const chosen = { licences: licences.filter((l) => l !== undefined), groups: groups.filter((g) => g !== undefined) };
  const empty = !chosen.licences.length && !chosen.groups.length && Object.keys(profile).length === 0;
  return { issues, values, onboarding: empty ? undefined : { ...chosen, profile } };
}

/** What the person typed on the new-user form (every input but the password, which is never echoed), as text. */
export function typedFormValues(raw: unknown): Record<string, string> {
  const source = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const out: Record<string, string> = {};
  for (const key of [...NEW_USER_FIELDS, ...TEMPLATE_INPUTS, 'manager', 'employeeId', 'mobilePhone', 'copyFrom']) {
    if (key === 'password' || key === 'customerId') continue;
    const v = source[key];
    if (typeof v === 'string') out[key] = v;
  }
  return out;
}
