import { approve, refreshRequest, reject } from './approval-verbs';
import { bulkApprove, bulkCancel, bulkCheck, bulkOpen, bulkReject, bulkConfirm, bulkRefresh, bulkReport, bulkResults, bulkTemplate } from './bulk-verbs';
import { cancelForm, edit, openForm, pickCustomer, submitForm } from './form-verbs';
import { leaveOut, retrySteps } from './onboarding-verbs';
import { connectCustomer, showHistory } from './other-verbs';
import { cancel, confirmRestore, create, restoreUser, retry, reviewReady } from './request-verbs';
import { applyTemplate, confirmDeleteTemplate, copyFromUser, deleteTemplate, editTemplate, listTemplates, newTemplate, saveTemplate } from './template-verbs';
import type { VerbRoute } from './verb';

/**
 * Every card verb (`Action.Execute` `verb`) the bot answers, and its handler: routes as data. A new verb is one
 * line here plus its `defineVerb` in a handler file; test/unit/teams/cards-verbs.test.ts checks that the cards and
 * this table name the same verbs. Anything else gets an explicit UNKNOWN_ACTION answer, never a silent 200.
 */
export const VERB_TABLE = {
  openForm,
  pickCustomer,
  submitForm,
  cancelForm,
  edit,
  create,
  reviewReady,
  retry,
  retrySteps,
  leaveOut,
  cancel,
  restoreUser,
  confirmRestore,
  approve,
  reject,
  refreshRequest,
  connectCustomer,
  showHistory,
  applyTemplate,
  copyFromUser,
  listTemplates,
  newTemplate,
  editTemplate,
  saveTemplate,
  deleteTemplate,
  confirmDeleteTemplate,
  bulkCheck,
  bulkTemplate,
  bulkConfirm,
  bulkCancel,
  bulkRefresh,
  bulkReport,
  bulkResults,
  bulkApprove,
  bulkReject,
  bulkOpen,
} satisfies Record<string, VerbRoute>;

export type Verb = keyof typeof VERB_TABLE;
export const VERBS = Object.keys(VERB_TABLE) as Verb[];

export function isVerb(v: string): v is Verb {
  return Object.prototype.hasOwnProperty.call(VERB_TABLE, v);
}
