import type { UserTemplate } from '../../core/templates/user-template';
import type { UserRequest } from '../../core/approval/user-request';
import { cleanText, markdownText as md, TEXT_LIMITS } from '../../core/text/people-text';

/**
 * The template part of the new-user form's data: the picker's choices (this customer's templates, then the
 * partner-wide ones), the chosen template's licences and groups as choices, and whether it requires a ticket.
 * Choice titles are not markdown: they keep the text, without control characters and bounded.
 */
export function formTemplateData(templates: UserTemplate[] | undefined, selectedId: string | undefined, notes: string[] = []) {
  const list = templates ?? [];
  const selected = list.find((t) => t.id === selectedId?.trim().toLowerCase());
  return {
    offered: list.length > 0,
    /** A template that is gone (deleted since the request was made) is not shown as chosen. */
    selectedId: selected?.id ?? '',
    choices: list.map((t) => ({ title: cleanText(`${t.name}${t.scope.kind === 'partner' ? ' (partner-wide)' : ''}`, TEXT_LIMITS.name), value: t.id })),
    licences: (selected?.licences ?? []).map((l) => ({ title: cleanText(l.name, TEXT_LIMITS.name), value: l.skuId })),
    groups: (selected?.groups ?? []).map((g) => ({ title: cleanText(g.name, TEXT_LIMITS.name), value: g.id })),
    notes: notes.join(' '),
    ticketRequired: Boolean(selected?.ticketRequired),
  };
}

/**
 * The confirmation card's onboarding block: what the steps after the creation will apply (template or form), each
 * licence, group and the manager by name. `namesRead` are the names the checks just read for those ids (product
 * names from Partner Center, display names from the customer's directory); they come first, then the name stored
 * with the request (a template's licence or group), and only an id nobody named is shown as the id, marked so.
 * Names are for reading: the actions carry the request id only, and the server re-reads the ids.
 */
export function onboardingView(request: Pick<UserRequest, 'template' | 'onboarding'>, namesRead: ReadonlyMap<string, string> = new Map()) {
  const o = request.onboarding;
  const named = (id: string, stored: string | undefined) => namesRead.get(id.toLowerCase()) || stored || `${id} (name unknown)`;
  const facts: Array<{ title: string; value: string }> = [];
  if (request.template) facts.push({ title: 'Template', value: md(request.template.name, TEXT_LIMITS.name) });
  if (o?.licences.length) facts.push({ title: 'Licences', value: md(o.licences.map((l) => named(l.skuId, l.name)).join(', '), TEXT_LIMITS.reason) });
  if (o?.groups.length) facts.push({ title: 'Groups', value: md(o.groups.map((g) => named(g.id, g.name)).join(', '), TEXT_LIMITS.reason) });
  // The manager's stored name is whatever the submitted card said (plan.ts): only a name the check read is shown.
  if (o?.manager) facts.push({ title: 'Manager', value: md(named(o.manager.id, undefined), TEXT_LIMITS.reason) });
  const p = o?.profile ?? {};
  for (const [title, value] of [['Job title', p.jobTitle], ['Department', p.department], ['Office', p.officeLocation], ['Company name', p.companyName], ['Employee id', p.employeeId], ['Mobile phone', p.mobilePhone]] as const) {
    if (value) facts.push({ title, value: md(value, TEXT_LIMITS.name) });
  }
  return { shown: facts.length > 0, facts };
}
