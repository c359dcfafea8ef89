import { z } from 'zod/v4';
import type { FieldIssue } from '../../core/errors';
import { cancelRequest } from '../../core/use-cases/create-user';
import { assertRequester } from '../../core/use-cases/request-access';
import { submitNewUserForm } from '../../core/use-cases/submit-form';
import { flagField, idField, optionalRequestId, requestIdSchema, requiredRequestId, textField } from '../card-data';
import { defineVerb } from './verb';

/** "New user", "Create another", "Start over": the form for the customer on the card, or the customer list. */
export const openForm = defineVerb({
  data: z.object({ requestId: optionalRequestId, customerId: idField('CUSTOMER_NOT_FOUND') }),
  handle: (t, s) => (t.data.customerId ? s.personal.form(t, t.data.customerId) : s.personal.customerPicker(t.cred, t.correlationId)),
});

/** "Next" on the customer list: a customer that is not one from the list is asked for again. */
export const pickCustomer = defineVerb({
  data: z.object({ requestId: optionalRequestId, customerId: textField }),
  handle: async (t, s) => {
    const { customerId } = t.data;
    if (!customerId || !requestIdSchema.safeParse(customerId).success) return s.personal.customerPicker(t.cred, t.correlationId, 'Choose a customer from the list.');
    return s.personal.form(t, customerId);
  },
});

/**
 * "Review": the form becomes a draft to confirm (1:1 chat) or a request for approval (channel, group chat, the
 * approvers' channel toggle, or an approval request being edited). The form's fields are the core's to parse.
 */
export const submitForm = defineVerb({
  data: z.looseObject({ requestId: optionalRequestId, customerId: textField, sendForApproval: flagField }),
  handle: async (t, s) => {
    const invalid = (values: Record<string, string>, issues: FieldIssue[]) => s.personal.form(t, t.data.customerId ?? '', { values, issues, requestId: t.request?.id });
    // In a channel or group chat the same form becomes a request for approval.
    if (t.ctx.activity.conversation.conversationType !== 'personal') return s.approvals.submit(t, invalid);
    // An approval request edited here stays one: it goes back to its approvers, never straight to Create.
    if (t.request?.mode === 'approval') return s.approvals.submit(t, invalid, await s.approvalChannel.reference());
    if (t.data.sendForApproval) {
      const channel = await s.approvalChannel.reference();
      if (!channel) {
        return s.views.notice({
          title: "The approvers' channel is not reachable yet",
          text: "The bot learns where the approvers' channel is when it sees activity there. Mention the bot once in that channel (or add the app to the team), then submit again.",
          color: 'Attention',
        });
      }
      return s.approvals.submit(t, invalid, channel);
    }
    const result = await submitNewUserForm(s.deps, t.cred, t.actor, t.data, { requestId: t.request?.id, mode: 'personal' });
    if (result.kind === 'ready') return s.views.confirm(result.request, result.customer, result.checklist);
    return invalid(result.values, result.issues);
  },
});

/** Cancel on the form: a request being edited is cancelled; a new one simply is not made. */
export const cancelForm = defineVerb({
  data: z.object({ requestId: optionalRequestId }),
  handle: async (t, s) => {
    if (t.request) return s.views.current(await cancelRequest(s.deps, t.actor, t.request.id));
    return s.views.notice({ title: 'Cancelled', text: 'Nothing was created.', offerNewUser: true });
  },
});

/** Edit (and "Edit and retry"): the form again with the request's values, while it is a draft or failed. */
export const edit = defineVerb({
  data: z.object({ requestId: requiredRequestId }),
  handle: async (t, s) => {
    assertRequester(t.request, t.actor);
    if (t.request.state.kind !== 'draft' && t.request.state.kind !== 'failed') return s.views.current(t.request);
    return s.personal.editForm(t, t.request);
  },
});
