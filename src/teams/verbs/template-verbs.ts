import { z } from 'zod/v4';
import { AppError } from '../../core/errors';
import type { ActionTurn } from '../action-turn';
import { idField, optionalRequestId, textField } from '../card-data';
import { defineVerb, type VerbServices } from './verb';

/**
 * The template cards' verbs (src/teams/templates/templates-flow.ts) and "Apply template" on the new-user form.
 * Card data names a template (or a scope for a new one) and nothing more: every handler re-reads the stored
 * template and re-checks who acts. Managing templates happens in a 1:1 chat only.
 */

/** The template cards live in a 1:1 chat; a click from anywhere else is refused. */
function personalOnly(t: Pick<ActionTurn, 'ctx'>): void {
  if (t.ctx.activity.conversation.conversationType !== 'personal') throw new AppError('PERSONAL_CHAT_ONLY', 'template cards outside a 1:1 chat');
}

const templateId = idField('TEMPLATE_NOT_FOUND', true);

/** "Keep it", "Cancel": the list again. */
export const listTemplates = defineVerb({
  data: z.object({}),
  handle: (t, s: VerbServices) => (personalOnly(t), s.templates.listCard(t.cred, t.correlationId)),
});

/** "New template" with the scope chosen on the list (`partner` or a customer id). */
export const newTemplate = defineVerb({
  data: z.object({ scope: textField }),
  handle: (t, s) => (personalOnly(t), s.templates.newTemplate(t, t.data.scope)),
});

export const editTemplate = defineVerb({
  data: z.object({ templateId }),
  handle: (t, s) => (personalOnly(t), s.templates.editTemplate(t, t.data.templateId)),
});

/** "Save template": the template card's inputs are the core's to parse (core/templates/template-form.ts). */
export const saveTemplate = defineVerb({
  data: z.looseObject({ templateId: idField('TEMPLATE_NOT_FOUND'), scope: textField, etag: textField }),
  handle: (t, s) => (personalOnly(t), s.templates.saveTemplate(t, t.data)),
});

/** "Delete": asks first (the right is checked already). */
export const deleteTemplate = defineVerb({
  data: z.object({ templateId }),
  handle: (t, s) => (personalOnly(t), s.templates.askDelete(t, t.data.templateId)),
});

export const confirmDeleteTemplate = defineVerb({
  data: z.object({ templateId }),
  handle: (t, s) => (personalOnly(t), s.templates.confirmDelete(t, t.data.templateId)),
});

/** "Apply template" on the new-user form (any conversation the form lives in): fills it from the chosen template. */
export const applyTemplate = defineVerb({
  data: z.looseObject({ requestId: optionalRequestId, customerId: idField('CUSTOMER_NOT_FOUND', true) }),
  handle: (t, s) => s.personal.applyTemplate(t, t.data.customerId, t.data, t.request?.id),
});

/** "Copy" on the new-user form: fills it from the chosen user of the customer (re-read, never from card data). */
export const copyFromUser = defineVerb({
  data: z.looseObject({ requestId: optionalRequestId, customerId: idField('CUSTOMER_NOT_FOUND', true) }),
  handle: (t, s) => s.personal.copyFromUser(t, t.data.customerId, t.data, t.request?.id),
});
