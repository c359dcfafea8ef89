import type { FieldIssue } from '../../core/errors';
import { countryName } from '../../core/new-user';
import { templateFormValues } from '../../core/templates/template-form';
import type { TemplateScope, UserTemplate } from '../../core/templates/user-template';
import { markdownText as md, TEXT_LIMITS } from '../../core/text/people-text';
import type { AdaptiveCardJson } from '../cards/card-templates';
import { buttonName, COUNTRY_CHOICES, type CardViews } from '../cards/views';

/** A template's scope in words (markdown-safe). */
export function scopeLabel(scope: TemplateScope): string {
  return scope.kind === 'partner' ? 'partner-wide default' : md(scope.customerName, TEXT_LIMITS.name);
}

export interface TemplateRow {
  template: UserTemplate;
  canManage: boolean;
}

/**
 * Template data for the `templates` list and the template form. Every text a template holds was typed by
 * someone: it is shown through `md` (escaped, bounded); input values keep the raw text. Card data carries a verb
 * and a template id (plus the eTag the form was shown with), nothing else the server trusts.
 */
export class TemplateViews {
  constructor(private readonly views: CardViews) {}

  list(input: {
    rows: TemplateRow[];
    /** Scopes offered for a new template (value `partner` or a customer id); empty: no "New template". */
    scopes: Array<{ title: string; value: string }>;
    notice?: { text: string; color: 'Good' | 'Attention' | 'Default' };
    confirmDelete?: UserTemplate;
  }): AdaptiveCardJson {
    const manageable = input.rows.some((r) => r.canManage);
    return this.views.render('templates', {
      title: 'User templates',
      subtitle: 'A template pre-fills the new-user form for a customer (or every customer, partner-wide); everything stays editable on the form.',
      notice: input.notice?.text ?? '',
      noticeColor: input.notice?.color ?? 'Default',
      confirmDelete: input.confirmDelete ? { id: input.confirmDelete.id, name: md(input.confirmDelete.name, TEXT_LIMITS.name), buttonName: buttonName(input.confirmDelete.name), scopeLabel: scopeLabel(input.confirmDelete.scope) } : null,
      rows: input.rows.map((r) => ({ id: r.template.id, name: md(r.template.name, TEXT_LIMITS.name), scopeLabel: scopeLabel(r.template.scope), canManage: r.canManage, facts: facts(r.template) })),
      offerNew: input.scopes.length > 0,
      scopes: input.scopes,
      footer: `${manageable || input.scopes.length > 0 ? 'Every change is recorded in the template audit: **templates log**.' : 'Only template administrators may change templates; you can use them on the new-user form.'} One customer's: **templates <customer name>**.`,
    });
  }

  form(input: { scope: TemplateScope; scopeValue: string; template?: UserTemplate; etag?: string; values?: Record<string, string>; issues?: FieldIssue[] }): AdaptiveCardJson {
    const defaults = { name: '', userNameFormat: '{first}.{last}', domain: '', usageLocation: '', licences: '', groups: '', jobTitle: '', department: '', officeLocation: '', companyName: '', forceChangePassword: 'true', ticketRequired: 'false', timeZone: '' };
    const values = { ...defaults, ...(input.template ? templateFormValues(input.template) : {}), ...(input.values ?? {}) };
    const errors: Record<string, string> = {};
    // Messages can quote what was typed: shown as text.
    for (const issue of input.issues ?? []) errors[issue.field] ??= md(issue.message, TEXT_LIMITS.reason);
    return this.views.render('template-form', {
      title: input.template ? `Edit template ${md(input.template.name, TEXT_LIMITS.name)}` : 'New template',
      scopeLabel: scopeLabel(input.scope),
      formError: input.issues?.length ? 'Please correct the marked fields.' : null,
      values,
      errors,
      countryChoices: COUNTRY_CHOICES,
      templateId: input.template?.id ?? '',
      scope: input.template ? '' : input.scopeValue,
      etag: input.etag ?? '',
    });
  }
}

function facts(t: UserTemplate): Array<{ title: string; value: string }> {
  const out = [
    { title: 'User name', value: md(t.userNameFormat, 64) },
    { title: 'Domain', value: t.domain ? md(t.domain) : "customer's default" },
    { title: 'Usage location', value: t.usageLocation ? md(`${countryName(t.usageLocation) ?? t.usageLocation} (${t.usageLocation})`) : "bot's default" },
    { title: 'Time zone (first day)', value: md(t.timeZone ?? 'UTC') },
    { title: 'Licences', value: t.licences.length ? md(t.licences.map((l) => l.name).join(', '), TEXT_LIMITS.reason) : '—' },
    { title: 'Groups', value: t.groups.length ? md(t.groups.map((g) => g.name).join(', '), TEXT_LIMITS.reason) : '—' },
  ];
  const profile = [t.jobTitle, t.department, t.officeLocation, t.companyName].filter(Boolean).join(' · ');
  if (profile) out.push({ title: 'Profile', value: md(profile, TEXT_LIMITS.reason) });
  out.push({ title: 'Password change', value: t.forceChangePassword ? 'at next sign-in' : 'not required' });
  out.push({ title: 'Ticket', value: t.ticketRequired ? 'required' : 'optional' });
  out.push({ title: 'Changed', value: `${t.updatedAt.slice(0, 16).replace('T', ' ')} UTC by ${md(t.updatedBy.name, TEXT_LIMITS.name)}` });
  return out;
}
