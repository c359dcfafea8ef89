import type { FieldIssue } from '../../core/errors';
import type { DomainChoice } from '../../core/use-cases/customers';
import type { Customer } from '../../core/ports';
import { COUNTRIES, CARD_PATTERNS } from '../../core/new-user';
import { COMMON_TIME_ZONES } from '../../core/new-user/start-date';
import type { UserTemplate } from '../../core/templates/user-template';
import type { OnboardingChoices } from '../../core/onboarding/form-choices';
import { cleanText, markdownText as md, TEXT_LIMITS } from '../../core/text/people-text';
import { formTemplateData } from '../templates/form-template-data';
import { errorTitleId } from './card-values';

/**
 * The usage-location choices, built once: with `$data` over the ~250 countries the templating library evaluated two
 * expressions per country on every form it drew, most of a form's render time (issue 16).
 */
export const COUNTRY_CHOICES: ReadonlyArray<{ title: string; value: string }> = Object.freeze(COUNTRIES.map((c) => Object.freeze({ title: `${c.name} (${c.code})`, value: c.code })));

/** What the new-user form is drawn from: the customer, its domains, and what the person typed or was told. */
export interface FormInput {
  customer: Pick<Customer, 'id' | 'companyName' | 'defaultDomain'>;
  domains: DomainChoice[];
  domainsUnavailable?: boolean;
  /** Offer "send to the approvers' channel" (personal chat, when a channel is configured). */
  offerApproval?: boolean;
  values?: Record<string, string>;
  issues?: FieldIssue[];
  requestId?: string;
  /** The templates offered for this customer (its own, then partner-wide); `templateNotes`: what applying one left out. */
  templates?: UserTemplate[];
  templateNotes?: string[];
  /** What "Copy from an existing user" filled in or left out. */
  copyNotes?: string[];
  /** The customer's skus, groups and people for the onboarding (issue #18). */
  onboarding?: OnboardingChoices;
}

/** The partner's settings the form follows. */
export interface FormSettings {
  ticketRequired: boolean;
  defaultUsageLocation: string;
}

/** The fields the form marks by themselves; an issue on any other field is said in the form's error line. */
const KNOWN_FIELDS = new Set(['firstName', 'lastName', 'displayName', 'userName', 'domain', 'usageLocation', 'immutableId', 'password', 'ticket', 'templateId', 'jobTitle', 'department', 'officeLocation', 'companyName', 'licences', 'groups', 'manager', 'employeeId', 'mobilePhone', 'copyFrom', 'startDate', 'startTimeZone', 'passwordMode']);

/** Template data for `new-user-form`. */
export function formData(input: FormInput, settings: FormSettings): object {
  const v = input.values ?? {};
  const errors: Record<string, string> = {};
  // A rule with a stable code carries it as its message's element id (error.<CODE>, as error cards do).
  const codes: Record<string, string> = {};
  for (const issue of input.issues ?? []) {
    errors[issue.field] ??= issue.message;
    if (issue.code) codes[issue.field] ??= errorTitleId(issue.code);
  }
  const templates = formTemplateData(input.templates, v.templateId, input.templateNotes);
  const ticketRequired = settings.ticketRequired || templates.ticketRequired;
  const otherIssues = (input.issues ?? []).filter((i) => !KNOWN_FIELDS.has(i.field)).map((i) => i.message);
  const preferred = input.domains.find((d) => !d.federated && d.isDefault) ?? input.domains.find((d) => !d.federated) ?? input.domains[0];
  return {
    customer: { id: input.customer.id, name: md(input.customer.companyName, TEXT_LIMITS.name) },
    requestId: input.requestId ?? '',
    formError: input.issues?.length ? ['Please correct the marked fields.', ...otherIssues].join(' ') : null,
    domainsNote: input.domainsUnavailable ? "The customer's domains could not be read, so only the default domain is offered. The checks on the next card will say why." : null,
    errors,
    codes,
    onboardingChoices: onboardingChoicesView(input.onboarding, templates),
    // The common zones, plus the one in the values when a template named another.
    timeZones: [...COMMON_TIME_ZONES, ...(v.startTimeZone && !(COMMON_TIME_ZONES as readonly string[]).includes(v.startTimeZone) ? [cleanText(v.startTimeZone, 64)] : [])].map((z) => ({ title: z, value: z })),
    values: {
      firstName: v.firstName ?? '',
      lastName: v.lastName ?? '',
      displayName: v.displayName ?? '',
      userName: v.userName ?? '',
      domain: v.domain ?? preferred?.name ?? '',
      usageLocation: v.usageLocation ?? settings.defaultUsageLocation,
      immutableId: v.immutableId ?? '',
      passwordMode: v.passwordMode ?? 'generate',
      firstCredential: v.firstCredential || 'password',
      tapUsage: v.tapUsage || 'once',
      tapLifetime: v.tapLifetime || 'policy',
      startDate: v.startDate ?? '',
      startTime: v.startTime ?? '',
      // Empty: the template's zone when one was chosen, else UTC (submit-form.ts); Apply template fills it in.
      startTimeZone: v.startTimeZone ?? '',
      forceChangePassword: v.forceChangePassword ?? 'true',
      ticket: v.ticket ?? '',
      templateId: templates.selectedId,
      manager: v.manager ?? '',
      employeeId: v.employeeId ?? '',
      mobilePhone: v.mobilePhone ?? '',
      jobTitle: v.jobTitle ?? '',
      department: v.department ?? '',
      officeLocation: v.officeLocation ?? '',
      companyName: v.companyName ?? '',
      licences: v.licences ?? '',
      groups: v.groups ?? '',
      copyFrom: v.copyFrom ?? '',
    },
    copyNotes: md((input.copyNotes ?? []).join(' '), TEXT_LIMITS.reason * 4),
    templates,
    domains: input.domains.map((d) => ({ name: d.name, title: d.federated ? `${d.name} (federated)` : d.isDefault ? `${d.name} (default)` : d.name })),
    countryChoices: COUNTRY_CHOICES,
    // The password box stays empty when the bot generates one: empty must pass the card's check.
    patterns: { ...CARD_PATTERNS, password: `^$|${CARD_PATTERNS.password}` },
    offerApproval: input.offerApproval ?? false,
    ticketRequired,
    ticketLabel: templates.ticketRequired ? 'Ticket / reference number (required by the template)' : ticketRequired ? 'Ticket / reference number' : 'Ticket / reference number (optional)',
  };
}

/**
 * The form's own onboarding lists: the customer's licences (with free seats) and groups when no template lists
 * its own, and the manager from the customer's people. A list that could not be read says why instead.
 */
function onboardingChoicesView(choices: OnboardingChoices | undefined, templates: { licences: unknown[]; groups: unknown[] }) {
  const c = choices ?? { licences: [], groups: [], people: [] };
  const clean = (list: Array<{ value: string; title: string }>) => list.map((x) => ({ value: x.value, title: md(x.title, TEXT_LIMITS.reason) }));
  return {
    licences: templates.licences.length ? [] : clean(c.licences),
    groups: templates.groups.length ? [] : clean(c.groups),
    people: clean(c.people),
    graphNote: c.graphUnavailable
      ? `Groups and manager are not offered: ${c.graphUnavailable.code === 'CUSTOMER_NOT_CONNECTED' || c.graphUnavailable.code === 'CUSTOMER_CONSENT_MISSING' ? "this bot's app is not connected to the customer's tenant (or lacks the onboarding permissions); connect the customer to use them. Licences still work." : 'the customer\'s tenant could not be read right now.'}`
      : '',
    // Copy from a user reads the customer's tenant like groups and manager: unavailable for the same reason.
    copyNote: c.graphUnavailable ? 'Copy from an existing user is not available: the customer\'s tenant cannot be read (connect the customer first).' : '',
    licencesNote: c.licencesUnavailable ? "The customer's licences could not be read (your GDAP roles may not allow it)." : '',
  };
}
