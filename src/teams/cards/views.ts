// Over 200 lines on purpose: one method per card template, each the template's whole data binding, so that a
// template and the values it binds are read side by side in one place (cards-verbs.test.ts renders every one).
import type { UserRequest } from '../../core/approval/user-request';
import type { AppError, ErrorCode, FieldIssue } from '../../core/errors';
import type { CustomerChoice, DomainChoice } from '../../core/use-cases/customers';
import type { CustomerConnection } from '../../core/use-cases/connection-state';
import type { Customer } from '../../core/ports';
import { CHECK_TITLES, type CheckStatus, type Checklist } from '../../core/preflight/checks';
import { COUNTRIES, CARD_PATTERNS, countryName } from '../../core/new-user';
import { COMMON_TIME_ZONES, formatStart } from '../../core/new-user/start-date';
import { errorText } from '../error-text';
import { decidedBy } from '../../core/audit/audit-export';
import type { AdaptiveCardJson, CardName, CardTemplates } from './card-templates';
import type { UserTemplate } from '../../core/templates/user-template';
import { formTemplateData, onboardingView } from '../templates/form-template-data';
import { onboardingLines } from '../../core/onboarding/step-outcome';
import type { OnboardingChoices } from '../../core/onboarding/form-choices';
import { cleanText, markdownText as md, TEXT_LIMITS } from '../../core/text/people-text';

/**
 * The usage-location choices, built once: with `$data` over the ~250 countries the templating library evaluated two
 * expressions per country on every form it drew, most of a form's render time (issue 16).
 */
export const COUNTRY_CHOICES: ReadonlyArray<{ title: string; value: string }> = Object.freeze(COUNTRIES.map((c) => Object.freeze({ title: `${c.name} (${c.code})`, value: c.code })));

/**
 * People's text (typed by someone, or read from Partner Center or Graph) as template data: every value that a
 * template puts in a TextBlock or a fact goes through `md`, which shows it as text (escaped, bounded, without
 * control characters). Input values and choice titles are not markdown and keep the raw value.
 */
const showUser = (u: UserRequest['user']) => ({
  ...u,
  // The user's own names are shown whole (Graph allows a display name of 256): the card shows what is created.
  displayName: md(u.displayName, TEXT_LIMITS.short),
  firstName: md(u.firstName, TEXT_LIMITS.name),
  lastName: md(u.lastName, TEXT_LIMITS.name),
  userPrincipalName: md(u.userPrincipalName, TEXT_LIMITS.upn),
  usageLocation: md(u.usageLocation, 8),
});
const showCustomer = (c: { id: string; companyName: string; tenantId?: string; defaultDomain?: string }) => ({
  ...c,
  id: md(c.id),
  companyName: md(c.companyName, TEXT_LIMITS.name),
  tenantId: md(c.tenantId ?? ''),
  defaultDomain: md(c.defaultDomain ?? ''),
});
const showName = (name: string | undefined) => md(name, TEXT_LIMITS.name);

/**
 * A name inside a button title ("Connect <customer>"): plain text (titles are not markdown) and short, since a
 * button does not wrap and a long unbroken name ran past the card's edge in the Agents Playground.
 */
export const buttonName = (name: string): string => cleanText(name, 32);
const showTicket = (ticket: string | undefined) => (ticket ? md(ticket, TEXT_LIMITS.name) : '—');

/**
 * The element id of an error card's title: `error.<CODE>`. Adaptive Cards never show an id, so the stable code
 * travels in the card itself for tests and tools, while people read only the words from error-text.ts.
 */
export const errorTitleId = (code: ErrorCode): string => `error.${code}`;

/**
 * Template data for each card. Every binding a template uses gets a value here (an unbound `${x}` would be shown
 * literally), and only display values go in: card data carries a verb and a request id, nothing else the server
 * trusts.
 */
export class CardViews {
  constructor(
    private readonly templates: CardTemplates,
    private readonly settings: { ticketRequired: boolean; defaultUsageLocation: string },
  ) {}

  /** Any card template with data already made safe for it (src/teams/templates/template-views.ts). */
  render(name: CardName, data: object): AdaptiveCardJson {
    return this.templates.render(name, data);
  }

  welcome(signedInAs?: string): AdaptiveCardJson {
    return this.templates.render('welcome', { signedInAs: signedInAs ? md(signedInAs, TEXT_LIMITS.upn) : null });
  }

  pickCustomer(choices: CustomerChoice[], total: number, opts: { selected?: string; error?: string } = {}): AdaptiveCardJson {
    const shown = choices.map((c) => ({ ...c, name: cleanText(c.name, TEXT_LIMITS.name), domain: cleanText(c.domain, TEXT_LIMITS.name) }));
    return this.templates.render('pick-customer', { choices: shown, count: total, selected: opts.selected ?? '', error: opts.error ?? null });
  }

  form(input: {
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
  }): AdaptiveCardJson {
    const v = input.values ?? {};
    const errors: Record<string, string> = {};
    // A rule with a stable code carries it as its message's element id (error.<CODE>, as error cards do).
    const codes: Record<string, string> = {};
    for (const issue of input.issues ?? []) {
      errors[issue.field] ??= issue.message;
      if (issue.code) codes[issue.field] ??= errorTitleId(issue.code);
    }
    const knownFields = new Set(['firstName', 'lastName', 'displayName', 'userName', 'domain', 'usageLocation', 'immutableId', 'password', 'ticket', 'templateId', 'jobTitle', 'department', 'officeLocation', 'companyName', 'licences', 'groups', 'manager', 'employeeId', 'mobilePhone', 'copyFrom', 'startDate', 'startTimeZone', 'passwordMode']);
    const templates = formTemplateData(input.templates, v.templateId, input.templateNotes);
    const ticketRequired = this.settings.ticketRequired || templates.ticketRequired;
    const otherIssues = (input.issues ?? []).filter((i) => !knownFields.has(i.field)).map((i) => i.message);
    const preferred = input.domains.find((d) => !d.federated && d.isDefault) ?? input.domains.find((d) => !d.federated) ?? input.domains[0];
    return this.templates.render('new-user-form', {
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
        usageLocation: v.usageLocation ?? this.settings.defaultUsageLocation,
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
    });
  }

  confirm(request: UserRequest, customer: Customer, checklist: Checklist): AdaptiveCardJson {
    const u = request.user;
    return this.templates.render('confirm', {
      requestId: request.id,
      customer: showCustomer(customer),
      user: showUser(u),
      usageLocationName: md(`${countryName(u.usageLocation) ?? u.usageLocation} (${u.usageLocation})`),
      immutableId: u.immutableId ? md(u.immutableId) : '—',
      passwordText:
        u.firstCredential?.kind === 'tap'
          ? `A ${u.firstCredential.isUsableOnce ? 'one-time' : 'multi-use'} Temporary Access Pass (shown after creation, to you only); the password is generated and never shown`
          : u.passwordGenerated
            ? 'Generated by the bot (shown after creation)'
            : 'Typed by you (shown after creation)',
      startText: request.startAt ? `First day ${formatStart(request.startAt, request.startTimeZone)}` : '',
      forceChangeText: u.forceChangePassword ? 'Yes' : 'No',
      ticket: showTicket(request.ticket),
      onboarding: onboardingView(request, namesRead(checklist)),
      checks: checklist.checks.map((c) => ({
        ...CHECK_MARKS[c.status],
        // Invisible: the check's id, status and code for tests and tools (tests assert codes, not words).
        checkId: c.id,
        status: c.status,
        code: c.code ?? '',
        title: CHECK_TITLES[c.id],
        // Check texts quote upstream values (domain names, role names, Partner Center messages).
        text: md(c.todo && c.status !== 'ok' ? `${c.text} ${c.todo}` : c.text, TEXT_LIMITS.reason),
        evidence: md(c.evidence ?? '', TEXT_LIMITS.reason),
      })),
      // Hook for the "Connect <customer>" action (verb `connectCustomer`, data `{ customerId }`): set when a check
      // was not made because the bot's app is not connected to the customer's tenant.
      connectCustomerId: checklist.checks.some((c) => c.connectable) ? customer.id : '',
      connectName: buttonName(customer.companyName),
      blockedText: checklist.blocked ? 'Nothing will be sent to Partner Center until every check passes. Fix what is marked ✗, then review again.' : '',
      notCheckedText: !checklist.blocked && checklist.checks.some((c) => c.status === 'not-checked') ? 'Checks marked – were not made; they do not stop the creation, and Partner Center still applies its own rules.' : '',
      canCreate: !checklist.blocked,
      // "Continue without X" for each onboarding step a check blocked (the person may leave it out instead).
      leaveOut: checklist.checks.filter((c) => c.status === 'blocked' && ['licences', 'groups', 'manager', 'profile'].includes(c.id)).map((c) => ({ step: c.id, title: CHECK_TITLES[c.id].toLowerCase() })),
      restorableUserId: checklist.checks.find((c) => c.restorableUserId)?.restorableUserId ?? '',
    });
  }

  creating(request: UserRequest): AdaptiveCardJson {
    const state = request.state;
    return this.templates.render('creating', {
      requestId: request.id,
      user: showUser(request.user),
      customer: showCustomer(request.customer),
      by: showName(state.kind === 'creating' ? state.by.name : request.requester.name),
      attempt: state.kind === 'creating' ? String(state.attempt) : '1',
      ticket: showTicket(request.ticket),
    });
  }

  /** `password` is given only while it may be shown; the later edit renders the same card without it. */
  created(request: UserRequest, password?: string): AdaptiveCardJson {
    const state = request.state;
    if (state.kind !== 'created') throw new Error(`request ${request.id} is ${state.kind}`);
    const tap = request.temporaryAccessPass;
    const tapStep = request.steps?.find((s) => s.name === 'temporary-access-pass');
    const tapFailure = !tap && tapStep?.status === 'failed' ? (tapStep.code ?? 'INTERNAL') : undefined;
    return this.templates.render('created', {
      requestId: request.id,
      correlationId: request.correlationId,
      customer: showCustomer(request.customer),
      created: { ...state.user, displayName: md(state.user.displayName, TEXT_LIMITS.short), userPrincipalName: md(state.user.userPrincipalName, TEXT_LIMITS.upn), id: md(state.user.id), state: md(state.user.state) },
      by: showName(state.by.name),
      ticket: showTicket(request.ticket),
      forceChangeText: request.user.forceChangePassword ? 'Yes' : 'No',
      password: password ?? '',
      // The fallback for clients without CodeBlock is a markdown TextBlock: there the password is escaped.
      passwordMarkdown: password ? md(password, 1024) : '',
      revealUntil: state.passwordRevealUntil ? formatTime(state.passwordRevealUntil) : '',
      passwordNote: tap ? 'The Temporary Access Pass was shown here once and has been removed from this message.' : 'The temporary password was shown here once and has been removed from this message.',
      secretTitle: tap ? 'Temporary Access Pass' : 'Temporary password',
      tap: tap ? { kind: tap.isUsableOnce ? 'one-time' : 'multi-use', validFrom: formatDateTime(tap.validFrom), expiresAt: formatDateTime(tap.expiresAt) } : null,
      tapFailed: tapFailure ? `The Temporary Access Pass was not made: ${errorText(tapFailure).title}. ${errorText(tapFailure).todo} The temporary password is the first credential instead.` : '',
      ...stepsView(request),
    });
  }

  failed(request: UserRequest): AdaptiveCardJson {
    const state = request.state;
    if (state.kind !== 'failed') throw new Error(`request ${request.id} is ${state.kind}`);
    const t = errorText(state.failure.code);
    return this.templates.render('failed', {
      titleId: errorTitleId(state.failure.code),
      requestId: request.id,
      title: `${t.title}: ${md(request.user.userPrincipalName, TEXT_LIMITS.upn)} was not created`,
      text: t.text,
      todo: t.todo,
      user: showUser(request.user),
      customer: showCustomer(request.customer),
      ticket: showTicket(request.ticket),
      // The code is ours (letters and underscores); only Partner Center's code is someone else's text.
      errorCode: [state.failure.code, state.failure.upstreamCode && `Partner Center ${md(state.failure.upstreamCode, 64)}`, state.failure.httpStatus && `HTTP ${state.failure.httpStatus}`].filter(Boolean).join(' · '),
      correlationId: state.failure.correlationId ?? request.correlationId,
      canRetry: state.failure.retryable,
      canEdit: true,
    });
  }

  /** The card for any request, from its stored state: what a repeated or stale action is shown. */
  current(request: UserRequest): AdaptiveCardJson {
    switch (request.state.kind) {
      case 'draft':
        // A scheduled request that became ready: the confirmation card, whose Create runs every check again,
        // uncached, under the clicker's own identity before anything is sent (the bot has no token before that).
        if (request.startAt) {
          const c = request.customer;
          return this.confirm(request, { id: c.id, tenantId: c.id, companyName: c.companyName, defaultDomain: c.defaultDomain ?? '', relationshipToPartner: '' }, { checks: [], blocked: false });
        }
        return this.notice({ title: 'Not created yet', text: `The request for ${md(request.user.userPrincipalName, TEXT_LIMITS.upn)} has not been created. Review it again to create it.` });
      case 'scheduled':
        return this.notice({
          title: 'Scheduled',
          text: `${md(request.user.userPrincipalName, TEXT_LIMITS.upn)} starts on ${formatStart(request.state.startAt, request.startTimeZone)}. At ${formatStart(request.state.readyAt, request.startTimeZone)} a ready card arrives here as a new message; you review and create the user with your own sign-in then. Nothing is created before.`,
          buttons: [{ title: 'Cancel', verb: 'cancel', requestId: request.id, style: 'destructive' }],
        });
      case 'creating':
        return this.creating(request);
      case 'created':
        return this.created(request);
      case 'failed':
        return this.failed(request);
      case 'cancelled':
        return this.notice({ title: 'Request cancelled', text: `Nothing was created for ${md(request.user.userPrincipalName, TEXT_LIMITS.upn)}.`, offerNewUser: true });
      default:
        return this.notice({ title: `Request ${request.state.kind}`, text: `The request for ${md(request.user.userPrincipalName, TEXT_LIMITS.upn)} is ${request.state.kind}.` });
    }
  }

  error(error: AppError, reference?: string): AdaptiveCardJson {
    const t = errorText(error.code);
    const refs = [error.upstreamCode && `Partner Center code ${md(error.upstreamCode, 64)}`, (error.correlationId ?? reference) && `correlation id ${md(error.correlationId ?? reference, 64)}`].filter(Boolean);
    return this.notice({ title: t.title, text: t.text, todo: t.todo, reference: refs.join(' · '), color: 'Attention', offerNewUser: error.code !== 'TENANT_NOT_ALLOWED', code: error.code });
  }

  /** `code`: set on error notices only; it becomes the title's element id (see errorTitleId), never text. */
  notice(n: { title: string; text: string; todo?: string; reference?: string; color?: string; offerNewUser?: boolean; buttons?: NoticeButton[]; code?: ErrorCode }): AdaptiveCardJson {
    return this.templates.render('notice', {
      titleId: n.code ? errorTitleId(n.code) : 'notice',
      title: n.title,
      text: n.text,
      todo: n.todo ?? '',
      reference: n.reference ?? '',
      color: n.color ?? 'Default',
      offerNewUser: n.offerNewUser ?? false,
      buttons: (n.buttons ?? []).map((b) => ({ title: b.title, verb: b.verb, requestId: b.requestId, style: b.style ?? 'default' })),
    });
  }

  approvalRequest(request: UserRequest, view: ApprovalView, refreshUserIds: string[]): AdaptiveCardJson {
    return this.templates.render('approval-request', approvalCardData(request, view, refreshUserIds));
  }

  /**
   * Where `history` cannot sign the person in by itself (a channel or group chat: no OAuth card there), a button
   * whose Action.Execute signs them in through Universal Actions and answers with the history; `command` is
   * parsed again on the click (the scope never comes from the card).
   */
  historyPrompt(title: string, subtitle: string, command: string): AdaptiveCardJson {
    return this.templates.render('history', { title, subtitle, rows: [], prompt: true, command });
  }

  history(title: string, subtitle: string, requests: UserRequest[]): AdaptiveCardJson {
    return this.templates.render('history', {
      title,
      subtitle,
      prompt: false,
      command: '',
      rows: requests.map((r) => {
        const by = decidedBy(r);
        return {
          upn: md(r.user.userPrincipalName, TEXT_LIMITS.upn),
          customer: md(r.customer.companyName, TEXT_LIMITS.name),
          when: `${r.createdAt.slice(0, 16).replace('T', ' ')} UTC`,
          requester: showName(r.requester.name),
          decidedBy: by && by !== r.requester.name ? ` · ${r.state.kind} by ${showName(by)}` : '',
          ticket: r.ticket ? ` · ticket ${md(r.ticket, TEXT_LIMITS.name)}` : '',
          state: STATE_LABELS[r.state.kind].label,
          color: STATE_LABELS[r.state.kind].color,
        };
      }),
    });
  }

  /** The `customers` command: each customer with its connection state, and Connect where it may help. */
  customers(title: string, subtitle: string, rows: CustomerConnection[]): AdaptiveCardJson {
    return this.templates.render('customers', {
      title,
      subtitle,
      rows: rows.map((r) => ({
        id: r.id,
        // Partner Center's text on its way into markdown: a company name must not bring a link or emphasis.
        name: md(r.name, TEXT_LIMITS.name),
        buttonName: buttonName(r.name),
        domain: md(r.domain, TEXT_LIMITS.short),
        stateLabel: CONNECTION_LABELS[r.state].label,
        color: CONNECTION_LABELS[r.state].color,
        reason: r.state === 'connected' ? '' : connectionReason(r),
        canConnect: r.state !== 'connected',
      })),
    });
  }

  confirmRestore(request: UserRequest, deleted: { id: string; displayName: string; softDeletionTime?: string }): AdaptiveCardJson {
    return this.notice({
      title: `Restore ${md(request.user.userPrincipalName, TEXT_LIMITS.upn)}?`,
      text: `${md(deleted.displayName, TEXT_LIMITS.name)} (object id ${md(deleted.id)}) was deleted${deleted.softDeletionTime ? ` on ${md(deleted.softDeletionTime.slice(0, 10))}` : ''} and can still be restored in ${md(request.customer.companyName, TEXT_LIMITS.name)}. Restoring brings the account back with its previous settings; no new user is created and this request ends.`,
      buttons: [
        { title: 'Restore', verb: 'confirmRestore', requestId: request.id, style: 'positive' },
        { title: 'Back to the form', verb: 'edit', requestId: request.id },
      ],
    });
  }

  restored(request: UserRequest, restored: { id: string; userPrincipalName: string; displayName: string }): AdaptiveCardJson {
    return this.notice({
      title: `${md(restored.userPrincipalName, TEXT_LIMITS.upn)} restored`,
      text: `${md(restored.displayName, TEXT_LIMITS.name)} (object id ${md(restored.id)}) is active again in ${md(request.customer.companyName, TEXT_LIMITS.name)}. The user signs in with their previous password, unless an administrator resets it.`,
      reference: `Request ${request.id} · correlation id ${request.correlationId}`,
      color: 'Good',
      offerNewUser: true,
    });
  }
}

export interface NoticeButton {
  title: string;
  verb: string;
  requestId: string;
  style?: 'positive' | 'destructive' | 'default';
}

/** The names the checks read for the onboarding's ids (licences, groups, manager), by lower-case id. */
function namesRead(checklist: Checklist): Map<string, string> {
  return new Map(checklist.checks.flatMap((c) => c.names ?? []).map((n) => [n.id.toLowerCase(), n.name]));
}

/** How each check status looks on a card: a not-checked notice is neither a pass nor a stop. */
const CHECK_MARKS: Record<CheckStatus, { icon: string; color: string }> = {
  ok: { icon: '✓', color: 'Good' },
  warning: { icon: '!', color: 'Warning' },
  blocked: { icon: '✗', color: 'Attention' },
  'not-checked': { icon: '–', color: 'Accent' },
};

const CONNECTION_LABELS: Record<CustomerConnection['state'], { label: string; color: string }> = {
  connected: { label: 'Connected', color: 'Good' },
  'not-connected': { label: 'Not connected', color: 'Warning' },
  unknown: { label: 'Unknown', color: 'Default' },
};

function connectionReason(r: CustomerConnection): string {
  if (r.upstreamCode === 'AADSTS700016') return 'The bot\'s app is not consented in this tenant (AADSTS700016): the domain and user-name checks show as not checked.';
  // AADSTS65001: Entra refused the exchange; SCP_MISSING: its token lacks a permission (src/identity/granted-scopes.ts).
  if (r.code === 'CUSTOMER_CONSENT_MISSING') return `The app is consented without every permission the bot needs (${r.upstreamCode ?? r.code}): connect again.`;
  return `Could not be asked: ${[r.code, r.upstreamCode].filter(Boolean).join(' · ')}${r.code === 'GDAP_ROLE_MISSING' ? ' (you hold no GDAP role in this tenant)' : ''}.`;
}

function formatTime(iso: string): string {
  return `${iso.slice(11, 16)} UTC`;
}

/** A date and time for a card, in UTC (a pass valid from a start date days away needs the date). */
function formatDateTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Which actions a person sees on a channel request card. The base card (everyone) carries them all. */
export type ApprovalView = 'base' | 'approver' | 'requester' | 'observer';

const STATE_LABELS: Record<string, { label: string; color: string }> = {
  draft: { label: 'Draft', color: 'Default' },
  scheduled: { label: 'Scheduled', color: 'Accent' },
  'pending-approval': { label: 'Waiting for approval', color: 'Warning' },
  approved: { label: 'Approved', color: 'Good' },
  creating: { label: 'Creating…', color: 'Accent' },
  created: { label: 'Created', color: 'Good' },
  failed: { label: 'Failed', color: 'Attention' },
  rejected: { label: 'Rejected', color: 'Attention' },
  cancelled: { label: 'Cancelled', color: 'Default' },
  expired: { label: 'Expired', color: 'Default' },
};

/** What the shared card may say about the password: only what happened (never "sent" when it was not). */
function passwordWhereabouts(request: UserRequest): string {
  const d = request.passwordDelivery;
  const requester = request.requester.teamsId;
  if (d && requester && d.waitingFor.some((w) => w.teamsId === requester)) {
    return `The temporary password waits for ${showName(request.requester.name)}: it is sent in a private chat once they open one with the bot. It is never posted here.`;
  }
  if (d && requester && d.sentTo.includes(requester)) return 'The temporary password was sent to the requester in a private chat.';
  return 'The temporary password goes only to the requester, in a private chat; it is never posted here.';
}

export function approvalCardData(request: UserRequest, view: ApprovalView, refreshUserIds: string[]): object {
  const s = request.state;
  const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
  let stateText = '';
  const outcome: Array<{ title: string; value: string }> = [];
  switch (s.kind) {
    case 'pending-approval':
      stateText = `${request.startAt ? `First day ${formatStart(request.startAt, request.startTimeZone)}. ` : ''}An approver who holds User Administrator or Directory Writers for this customer creates the user with their own identity.${s.expiresAt ? ` Expires ${when(s.expiresAt)}.` : ''}`;
      break;
    case 'scheduled':
      stateText = `First day ${formatStart(s.startAt, request.startTimeZone)}. At ${formatStart(s.readyAt, request.startTimeZone)} this request goes to the approvers as a new card; nothing can be approved or created before.`;
      break;
    case 'creating':
      stateText = `Creating… (approved by ${showName(s.by.name)})`;
      break;
    case 'created':
      stateText = `Created by ${showName(s.by.name)} at ${when(s.at)}. ${passwordWhereabouts(request)}`;
      outcome.push({ title: 'Object id', value: md(s.user.id) }, { title: 'State', value: md(s.user.state) });
      break;
    case 'failed': {
      const t = errorText(s.failure.code);
      stateText = `${t.title}: ${t.text} ${t.todo}`;
      outcome.push(
        { title: 'Error code', value: [s.failure.code, s.failure.upstreamCode && `Partner Center ${md(s.failure.upstreamCode, 64)}`].filter(Boolean).join(' · ') },
        { title: 'Correlation id', value: md(s.failure.correlationId ?? request.correlationId) },
        { title: 'Approved by', value: showName(s.by.name) },
      );
      break;
    }
    case 'rejected':
      stateText = `Rejected by ${showName(s.by.name)} at ${when(s.at)}.`;
      outcome.push({ title: 'Reason', value: md(s.reason, TEXT_LIMITS.reason) });
      break;
    case 'cancelled':
      stateText = `Cancelled by ${showName(s.by.name)} at ${when(s.at)}. Nothing was created.`;
      break;
    case 'expired':
      stateText = `Expired at ${when(s.at)} without a decision. Nothing was created.`;
      break;
    case 'draft':
      stateText = 'Not submitted yet.';
      break;
  }
  const pending = s.kind === 'pending-approval';
  const retryable = s.kind === 'failed' && s.failure.retryable;
  return {
    requestId: request.id,
    refreshUserIds,
    user: showUser(request.user),
    customer: showCustomer(request.customer),
    requester: showName(request.requester.name),
    requestedAt: when(request.createdAt),
    ticket: showTicket(request.ticket),
    stateLabel: STATE_LABELS[s.kind].label,
    stateColor: STATE_LABELS[s.kind].color,
    stateText,
    outcome,
    checks: (request.checksAtSubmit ?? []).map((c) => ({
      ...CHECK_MARKS[c.status],
      // Seen by the whole team: the role checked at submit was the requester's, not the reader's.
      title: c.id === 'gdap-role' ? "Requester's GDAP role" : (CHECK_TITLES[c.id as keyof typeof CHECK_TITLES] ?? c.id),
      text: md(c.text, TEXT_LIMITS.reason),
    })),
    showApprove: pending && (view === 'base' || view === 'approver'),
    showReject: pending && (view === 'base' || view === 'approver'),
    // A scheduled request can be withdrawn before it reaches the approvers, as a pending one can.
    showCancel: (pending || s.kind === 'scheduled') && (view === 'base' || view === 'requester'),
    showRetry: retryable && (view === 'base' || view === 'approver'),
    ...stepsView(request),
    showRetrySteps: stepsView(request).canRetrySteps && (view === 'base' || view === 'approver'),
    // Anyone may ask for their own view while the request is open (Teams' automatic refresh is unreliable in channels).
    showRefresh: pending || s.kind === 'failed',
  };
}

const STEP_MARKS = {
  done: { icon: '✓', color: 'Good' },
  failed: { icon: '✗', color: 'Attention' },
  pending: { icon: '…', color: 'Default' },
  skipped: { icon: '–', color: 'Default' },
  'left-out': { icon: '–', color: 'Default' },
} as const;

/** The onboarding steps on the result card: each with ✓ / ✗ and the reason, and Retry when one failed. */
function stepsView(request: UserRequest) {
  const lines = onboardingLines(request);
  return {
    steps: lines.map((l) => ({
      ...STEP_MARKS[l.status],
      // Invisible: the step's name, status and code for tests and tools.
      stepId: `step.${l.name}.${l.status}.${l.code ?? ''}`,
      line: `${STEP_MARKS[l.status].icon} ${l.title}`,
      text:
        request.state.kind !== 'created' ? (l.status === 'left-out' ? 'Left out, as chosen.' : 'Planned: runs once the user is created.') : l.status === 'done' ? 'Done.' : l.status === 'failed' ? `${errorText(l.code ?? 'INTERNAL').title}. ${errorText(l.code ?? 'INTERNAL').todo ?? ''}`.trim() : l.status === 'left-out' ? 'Left out, as chosen before the creation.' : l.status === 'skipped' ? 'Not needed.' : 'Not done yet; it will be finished.',
    })),
    canRetrySteps: lines.some((l) => l.status === 'failed'),
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
