import { z } from 'zod/v4';
import { zod3Issues, zod3Messages } from '../zod3-compat';
import type { FieldIssue } from '../errors';
import { templateContentSchema, type TemplateContent, type TemplateGroup, type TemplateLicence, type TemplateScope } from './user-template';

/** The template card's input ids. */
export const TEMPLATE_FORM_FIELDS = [
  'name',
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
] as const;

const cardText = z.preprocess((v) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : ''), z.string());
const formSchema = z.object(Object.fromEntries(TEMPLATE_FORM_FIELDS.map((f) => [f, cardText])) as Record<(typeof TEMPLATE_FORM_FIELDS)[number], typeof cardText>);

/**
 * Licences and groups are typed one per line as `<id> <name>` (the id a GUID; `|`, `,` or `;` may separate them).
 * The same text comes back on the card when the template is edited.
 */
export function parseIdLines(text: string): Array<{ id: string; name: string }> | { problem: string } {
  const out: Array<{ id: string; name: string }> = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const m = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\s*[|,;]?\s*(.*)$/.exec(line);
    if (!m || m[2].trim() === '') return { problem: `Line ${i + 1}: write the id (a GUID), then the name, for example "c42b9cae-ea4f-4ab7-9717-81576235ccac Microsoft 365 Business Standard".` };
    if (out.some((o) => o.id.toLowerCase() === m[1].toLowerCase())) return { problem: `Line ${i + 1}: ${m[1]} is listed twice.` };
    out.push({ id: m[1].toLowerCase(), name: m[2].trim() });
  }
  return out;
}

export function idLines(items: Array<{ id: string; name: string }>): string {
  return items.map((i) => `${i.id} ${i.name}`).join('\n');
}

/** A stored template as the card's input values (to edit it). */
export function templateFormValues(t: TemplateContent): Record<string, string> {
  return {
    name: t.name,
    userNameFormat: t.userNameFormat,
    domain: t.domain,
    usageLocation: t.usageLocation,
    licences: idLines(t.licences.map((l) => ({ id: l.skuId, name: l.name }))),
    groups: idLines(t.groups),
    jobTitle: t.jobTitle,
    department: t.department,
    officeLocation: t.officeLocation,
    companyName: t.companyName,
    forceChangePassword: String(t.forceChangePassword),
    ticketRequired: String(t.ticketRequired),
    timeZone: t.timeZone ?? '',
  };
}

export type TemplateFormResult = { ok: true; value: TemplateContent } | { ok: false; issues: FieldIssue[]; values: Record<string, string> };

/**
 * The submitted template card (`activity.value`), parsed: every field checked, each problem keyed by its input id,
 * what was typed kept for showing the card again. The scope never comes from the card: the use case gives it
 * (the stored template's, or the one the person was allowed to create in).
 */
export function parseTemplateForm(raw: unknown, scope: TemplateScope): TemplateFormResult {
  const source = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw : {};
  const f = formSchema.parse(Object.fromEntries(TEMPLATE_FORM_FIELDS.map((k) => [k, (source as Record<string, unknown>)[k]])));
  const issues: FieldIssue[] = [];
  const licences = parseIdLines(f.licences);
  const groups = parseIdLines(f.groups);
  if ('problem' in licences) issues.push({ field: 'licences', message: licences.problem });
  if ('problem' in groups) issues.push({ field: 'groups', message: groups.problem });
  const flag = (field: 'forceChangePassword' | 'ticketRequired', fallback: boolean) => {
    if (f[field] === '') return fallback;
    if (f[field] === 'true' || f[field] === 'false') return f[field] === 'true';
    issues.push({ field, message: 'Choose yes or no.' });
    return fallback;
  };
  const candidate = {
    name: f.name,
    scope,
    userNameFormat: f.userNameFormat,
    domain: f.domain,
    usageLocation: f.usageLocation,
    licences: Array.isArray(licences) ? licences.map((l): TemplateLicence => ({ skuId: l.id, name: l.name })) : [],
    groups: Array.isArray(groups) ? groups.map((g): TemplateGroup => ({ id: g.id, name: g.name })) : [],
    jobTitle: f.jobTitle,
    department: f.department,
    officeLocation: f.officeLocation,
    companyName: f.companyName,
    forceChangePassword: flag('forceChangePassword', true),
    ticketRequired: flag('ticketRequired', false),
    ...(f.timeZone.trim() ? { timeZone: f.timeZone.trim() } : {}),
  };
  // zod 3's words: fieldMessage below makes sentences of them, and people read those on the card.
  const parsed = templateContentSchema.safeParse(candidate, { error: zod3Messages });
  if (!parsed.success) {
    for (const issue of zod3Issues(parsed.error)) {
      const field = String(issue.path[0] ?? 'name');
      if (!issues.some((i) => i.field === field)) issues.push({ field, message: fieldMessage(field, issue.message) });
    }
  }
  if (issues.length > 0 || !parsed.success) return { ok: false, issues, values: f };
  return { ok: true, value: parsed.data };
}

const LABELS: Record<string, string> = {
  name: 'The name',
  userNameFormat: 'The user-name format',
  domain: 'The domain',
  usageLocation: 'The usage location',
  licences: 'The licences',
  groups: 'The groups',
  jobTitle: 'The job title',
  department: 'The department',
  officeLocation: 'The office',
  companyName: 'The company name',
  timeZone: 'The time zone',
};

/** zod's message as a sentence about the field (the format and domain rules already are sentences). */
function fieldMessage(field: string, message: string): string {
  // The format and domain rules already speak in sentences; zod's own messages are fragments.
  if (/[.:]$/.test(message)) return message;
  return `${LABELS[field] ?? 'This field'} must be ${message}.`.replace('must be no control', 'must have no control').replace('must be at most', 'can have at most');
}
