import { transition, type Actor } from '../approval/request-state';
import type { UserRequest } from '../approval/user-request';
import { AppError, type FieldIssue } from '../errors';
import { parseNewUserFormInputs, readNewUserForm } from '../new-user';
import { parseTemplateInputs, readTemplateInputs } from '../templates/template-prefill';
import { appliesTo, type UserTemplate } from '../templates/user-template';
import { parseOnboardingForm } from '../onboarding/plan';
import type { Customer, UserCredential } from '../ports';
import type { Checklist } from '../preflight/checks';
import type { UseCaseDeps } from './deps';
import { keepPassword } from './password-lifetime';
import { assertRequester, loadRequest, updateRequest } from './request-access';
import { loadTemplate } from './templates';

export type SubmitResult =
  | { kind: 'invalid'; issues: FieldIssue[]; values: Record<string, string> }
  | { kind: 'ready'; request: UserRequest; customer: Customer; checklist: Checklist };

/**
 * A submitted form becomes a stored draft request (or an edited one, when `requestId` names a draft or failed
 * request of the same person). The password goes to the vault, encrypted; the request keeps everything else.
 * An edit is a different logical call, so it gets a new MS-RequestId.
 */
export async function submitNewUserForm(
  deps: UseCaseDeps,
  cred: UserCredential,
  actor: Actor,
  raw: unknown,
  opts: { requestId?: string; mode: UserRequest['mode'] },
): Promise<SubmitResult> {
  // The template is re-read from the store (the card carries only its id): it decides whether a ticket is required
  // and which licences and groups may be chosen.
  // The form's inputs are read once, here, and parsed from that reading (issue 16: it was read twice).
  const form = readNewUserForm(raw);
  const customerId = form.customerId.trim();
  const { template, templateIssue } = await chosenTemplate(deps, readTemplateInputs(raw).templateId, customerId);
  const ticketRequired = deps.settings.ticketRequired || Boolean(template?.ticketRequired);
  // The first day's zone: the form's choice, else the template's (the customer's), else UTC.
  const parsed = parseNewUserFormInputs(form, { ticketRequired, now: deps.clock.now(), timeZone: template?.timeZone });
  const chosen = parseTemplateInputs(raw, template);
  if (!parsed.ok || chosen.issues.length > 0 || templateIssue) {
    const issues = [...(templateIssue ? [templateIssue] : []), ...(parsed.ok ? [] : parsed.issues), ...chosen.issues].map((i) =>
      // A missing ticket where one is required gets its own code (the form shows it), whoever requires it.
      i.field === 'ticket' && ticketRequired && !form.ticket.trim() ? { ...i, code: 'TICKET_REQUIRED' as const } : i,
    );
    const typed: Record<string, string> = parsed.ok ? { ...form } : parsed.values;
    delete typed.password;
    return { kind: 'invalid', issues, values: { ...typed, ...chosen.values } };
  }
  const draft = parsed.value;
  const templateRef = template ? { id: template.id, name: template.name } : undefined;
  const onboarding = parseOnboardingForm(raw, chosen.onboarding);

  // An edit keeps its request's correlation id (every call made for a request carries the same one).
  const editing = opts.requestId ? (await loadRequest(deps, opts.requestId)).value : undefined;
  if (editing) assertRequester(editing, actor);
  const correlationId = editing?.correlationId ?? deps.ids.newId();
  const user = {
    firstName: draft.firstName,
    lastName: draft.lastName,
    displayName: draft.displayName,
    userName: draft.userName,
    domain: draft.domain,
    userPrincipalName: draft.userPrincipalName,
    usageLocation: draft.usageLocation,
    immutableId: draft.immutableId,
    forceChangePassword: draft.forceChangePassword,
    passwordGenerated: draft.passwordGenerated,
    ...(draft.firstCredential.kind === 'tap' ? { firstCredential: draft.firstCredential } : {}),
  };
  // The pre-flight starts at once, beside the customer read it shares: the confirmation waits for the slowest
  // upstream call, not for the customer read and then the checks (issue 16). That read is the form's, when the
  // form was opened in the last minutes (cached like the other look-ups of the confirmation; the final check
  // before the creation reads it again).
  const customerRead = deps.preflight.customerFor(cred, draft.customerId, { fresh: false, correlationId });
  const preflight = deps.preflight.run({ cred, customerId: draft.customerId, customer: customerRead, user, password: draft.password, useCache: true, correlationId, onboarding, startAt: draft.startAt });
  preflight.catch(() => undefined); // awaited below, unless the customer read fails first
  const customer = await customerRead;
  const now = deps.clock.now().toISOString();
  const customerInfo = { id: customer.id, companyName: customer.companyName, defaultDomain: customer.defaultDomain };

  let request: UserRequest;
  if (opts.requestId) {
    const result = await updateRequest(deps, opts.requestId, (current) => ({
      ...current,
      state: transition(current.state, { type: 'edit' }, deps.clock.now()),
      customer: customerInfo,
      user,
      ticket: draft.ticket,
      template: templateRef,
      onboarding,
      startAt: draft.startAt?.toISOString(),
      startTimeZone: draft.startTimeZone,
      msRequestId: deps.ids.newId(),
      history: [...current.history, { at: now, event: 'edited', actor: { oid: actor.oid, name: actor.name } }],
    }));
    request = result.request;
  } else {
    const id = deps.ids.newId();
    request = (
      await deps.requests.create({
        id,
        mode: opts.mode,
        createdAt: now,
        updatedAt: now,
        requester: actor,
        customer: customerInfo,
        user,
        ticket: draft.ticket,
        ...(templateRef ? { template: templateRef } : {}),
        ...(onboarding ? { onboarding } : {}),
        ...(draft.startAt ? { startAt: draft.startAt.toISOString(), startTimeZone: draft.startTimeZone } : {}),
        msRequestId: deps.ids.newId(),
        correlationId,
        state: { kind: 'draft' },
        history: [{ at: now, event: 'drafted', actor: { oid: actor.oid, name: actor.name }, correlationId }],
      })
    ).value;
  }
  // A personal draft's password is needed only by its own Create, whose move to `creating` syncs the WAL (this write
  // with it) before Partner Center is called; a power cut before that loses a draft nobody else has seen, and Create
  // says it is gone. A request raised for approval is shown to others, and waits: on disk before anyone sees it.
  await keepPassword(deps, request.id, draft.password, { durable: request.mode !== 'personal' });
  deps.logger.info({ requestId: request.id, customerId: customer.id, ticket: request.ticket, correlationId: request.correlationId }, 'request drafted');
  const { checklist } = await preflight;
  return { kind: 'ready', request, customer, checklist };
}

/** The template named on the form, if any: it must still exist and be for this customer (or partner-wide). */
async function chosenTemplate(deps: UseCaseDeps, templateId: string, customerId: string): Promise<{ template?: UserTemplate; templateIssue?: FieldIssue }> {
  if (!templateId.trim()) return {};
  try {
    const { value } = await loadTemplate(deps, templateId.trim());
    if (appliesTo(value, customerId)) return { template: value };
  } catch (e) {
    if (!(e instanceof AppError && e.code === 'TEMPLATE_NOT_FOUND')) throw e;
  }
  return { templateIssue: { field: 'templateId', code: 'TEMPLATE_NOT_FOUND', message: 'This template no longer exists or is not for this customer: choose another one, or none.' } };
}
