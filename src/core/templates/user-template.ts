import { z } from 'zod/v4';
import { CONTROL } from '../new-user/chars';
import { isCountryCode } from '../new-user/countries';
import { domainProblem } from '../new-user/upn';
import { userNameFormatProblem } from './user-name-format';
import { isTimeZone } from '../new-user/start-date';

/**
 * A user template: the defaults a helpdesk applies to a new user of one customer (or of every customer, a
 * partner-wide default). It pre-fills the new-user form; everything stays editable there. Licences and groups are
 * stored and shown on the form and carried on the request; assigning them after creation is the onboarding steps'
 * work. No secret is ever part of a template.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const guid = z.string().trim().regex(GUID, 'a GUID').transform((v) => v.toLowerCase());

/** Free text shown to people: trimmed, bounded, no control characters. Empty means "not set". */
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .refine((v) => !CONTROL.test(v), 'no control characters');

/**
 * Limits for the profile attributes the onboarding steps will set, as the Graph user resource page gives them:
 * companyName and department 64, jobTitle 128 (UNCONFIRMED here: not re-checked against the page offline);
 * officeLocation has no published limit and is bounded like jobTitle.
 */
export const PROFILE_LIMITS = { jobTitle: 128, department: 64, officeLocation: 128, companyName: 64 } as const;
export const TEMPLATE_NAME_MAX = 64;
export const TEMPLATE_LIST_MAX = { licences: 20, groups: 50 } as const;

export const templateScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('partner') }),
  z.object({ kind: z.literal('customer'), customerId: guid, customerName: text(256).pipe(z.string().min(1)) }),
]);
export type TemplateScope = z.infer<typeof templateScopeSchema>;

export const licenceSchema = z.object({ skuId: guid, name: text(128).pipe(z.string().min(1)) });
export const groupSchema = z.object({ id: guid, name: text(256).pipe(z.string().min(1)) });
export type TemplateLicence = z.infer<typeof licenceSchema>;
export type TemplateGroup = z.infer<typeof groupSchema>;

/** What a person sets on a template (the template form); ids and who/when are added by the use case. */
export const templateContentSchema = z.object({
  name: text(TEMPLATE_NAME_MAX).pipe(z.string().min(1, 'a name')),
  scope: templateScopeSchema,
  userNameFormat: z.string().trim().superRefine((v, ctx) => {
    const problem = userNameFormatProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  /** Lower case; '' = the customer's default domain. A partner-wide default usually leaves it empty. */
  domain: z
    .string()
    .trim()
    .superRefine((v, ctx) => {
      const problem = v === '' ? undefined : domainProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform((v) => v.toLowerCase()),
  /** Upper case; '' = the deployment's default. */
  usageLocation: z
    .string()
    .trim()
    .refine((v) => v === '' || (/^[A-Za-z]{2}$/.test(v) && isCountryCode(v)), 'a country from the list')
    .transform((v) => v.toUpperCase()),
  licences: z.array(licenceSchema).max(TEMPLATE_LIST_MAX.licences),
  groups: z.array(groupSchema).max(TEMPLATE_LIST_MAX.groups),
  jobTitle: text(PROFILE_LIMITS.jobTitle),
  department: text(PROFILE_LIMITS.department),
  officeLocation: text(PROFILE_LIMITS.officeLocation),
  companyName: text(PROFILE_LIMITS.companyName),
  forceChangePassword: z.boolean(),
  ticketRequired: z.boolean(),
  /**
   * The customer's time zone (IANA, e.g. Europe/Berlin): the form's default for the first day's zone. Absent on
   * templates stored before it existed (and when not set): UTC.
   */
  timeZone: z.string().trim().refine(isTimeZone, 'an IANA time zone, e.g. Europe/Berlin').optional(),
});
export type TemplateContent = z.infer<typeof templateContentSchema>;

const person = z.object({ oid: z.string().min(1), name: z.string() });

/** A stored template: its content plus identity and who changed it last. Parsed on every read from storage. */
export const userTemplateSchema = templateContentSchema.extend({
  id: guid,
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: person,
  updatedBy: person,
});
export type UserTemplate = z.infer<typeof userTemplateSchema>;

/** The fields an audit entry compares, in the order people read them. */
export const AUDITED_FIELDS = [
  'name',
  'scope',
  'userNameFormat',
  'domain',
  'usageLocation',
  'licences',
  'groups',
  'jobTitle',
  'department',
  'officeLocation',
  'companyName',
  'forceChangePassword',
  'ticketRequired',
  'timeZone',
] as const satisfies ReadonlyArray<keyof TemplateContent>;

/** One change of a template, as the audit keeps it: who, when, what changed (values as text; none is a secret). */
export interface TemplateAuditEntry {
  id: string;
  at: string;
  templateId: string;
  templateName: string;
  action: 'created' | 'updated' | 'deleted';
  by: { oid: string; upn: string; name: string };
  changes: Array<{ field: (typeof AUDITED_FIELDS)[number]; from?: string; to?: string }>;
  correlationId: string;
}

/** A field's value as the audit shows it. */
export function auditValue(field: (typeof AUDITED_FIELDS)[number], t: TemplateContent): string {
  const v = t[field];
  if (field === 'scope') return t.scope.kind === 'partner' ? 'partner-wide' : `customer ${t.scope.customerId} (${t.scope.customerName})`;
  if (field === 'licences') return t.licences.map((l) => `${l.name} [${l.skuId}]`).join('; ');
  if (field === 'groups') return t.groups.map((g) => `${g.name} [${g.id}]`).join('; ');
  if (field === 'timeZone') return t.timeZone ?? 'UTC';
  return String(v);
}

/** The changed fields between two versions (`before` absent: created; `after` absent: deleted). */
export function templateChanges(before: TemplateContent | undefined, after: TemplateContent | undefined): TemplateAuditEntry['changes'] {
  const out: TemplateAuditEntry['changes'] = [];
  for (const field of AUDITED_FIELDS) {
    const from = before ? auditValue(field, before) : undefined;
    const to = after ? auditValue(field, after) : undefined;
    if (from !== to) out.push({ field, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
  }
  return out;
}

/** The scope key a template is listed under: its customer id, or '' for a partner-wide default. */
export function scopeKey(scope: TemplateScope): string {
  return scope.kind === 'customer' ? scope.customerId : '';
}

/** Whether a template may be offered on a form for this customer. */
export function appliesTo(t: Pick<UserTemplate, 'scope'>, customerId: string): boolean {
  return t.scope.kind === 'partner' || t.scope.customerId === customerId.toLowerCase();
}

/** Customer templates first (the more specific), then partner-wide defaults; each by name. */
export function compareTemplates(a: UserTemplate, b: UserTemplate): number {
  const rank = (t: UserTemplate) => (t.scope.kind === 'customer' ? 0 : 1);
  return rank(a) - rank(b) || a.name.localeCompare(b.name, 'en') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
