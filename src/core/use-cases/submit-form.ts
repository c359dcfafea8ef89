import { transition, type Actor } from '../approval/request-state';
import type { UserRequest } from '../approval/user-request';
import type { FieldIssue } from '../errors';
import { parseNewUserForm } from '../new-user';
import type { Customer, UserCredential } from '../ports';
import type { Checklist } from '../preflight/checks';
import type { UseCaseDeps } from './deps';
import { keepPassword } from './password-lifetime';
import { assertRequester, loadRequest, updateRequest } from './request-access';

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
  const parsed = parseNewUserForm(raw, { ticketRequired: deps.settings.ticketRequired });
  if (!parsed.ok) return { kind: 'invalid', issues: parsed.issues, values: parsed.values };
  const draft = parsed.value;

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
  };
  // The pre-flight starts at once, beside the customer read it shares: the confirmation waits for the slowest
  // upstream call, not for the customer read and then the checks (issue 16).
  const pcToken = (await deps.tokens.partnerCenter(cred)).token;
  const customerRead = deps.partnerCenter.getCustomer(pcToken, draft.customerId, { correlationId });
  const preflight = deps.preflight.run({ cred, customerId: draft.customerId, customer: customerRead, user, password: draft.password, useCache: true, correlationId });
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
        msRequestId: deps.ids.newId(),
        correlationId,
        state: { kind: 'draft' },
        history: [{ at: now, event: 'drafted', actor: { oid: actor.oid, name: actor.name }, correlationId }],
      })
    ).value;
  }
  await keepPassword(deps, request.id, draft.password);
  deps.logger.info({ requestId: request.id, customerId: customer.id, ticket: request.ticket, correlationId: request.correlationId }, 'request drafted');
  const { checklist } = await preflight;
  return { kind: 'ready', request, customer, checklist };
}
