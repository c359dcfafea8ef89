/**
 * What the "user name free" check says when it cannot look everywhere: Partner Center refusing its user list for
 * lack of a role, the bot's app not connected to the customer's tenant, a deleted user holding the name.
 */
import { AppError } from '../errors';
import { evidenceOf, type CheckResult } from './checks';

/**
 * Partner Center's user list has no documented filter by user name (Get a list of all user accounts for a
 * customer), so it is paged; about 100 users a page, this many pages at most per check.
 */
export const MAX_USER_PAGES = 50;

export const UPN_ENFORCED = 'Partner Center still refuses a user name that is taken when it creates the user; the card then says so and you can edit and retry.';
const LIST_ROLES = 'Directory Readers, Global Reader or User Administrator';

/**
 * Partner Center's refusal of its user list for lack of a GDAP role ("Get a list of all user accounts for a
 * customer" names Directory Reader, Global reader, User Administrator), returned instead of thrown; any other
 * failure still throws and blocks the check.
 */
export async function listingRefused<T>(listing: Promise<T>): Promise<T | AppError> {
  try {
    return await listing;
  } catch (e) {
    if (e instanceof AppError && (e.code === 'GDAP_ROLE_MISSING' || e.code === 'ACCESS_DENIED')) return e;
    throw e;
  }
}

/**
 * The user-name notice when Partner Center would not list the customer's users: `upn` when Graph found no active
 * user with it (that half is checked), `notConnectedError` when Graph could not be asked either.
 */
export function listNotAllowed(refusal: AppError, notConnectedError?: AppError, upn?: string): CheckResult {
  const why = `Partner Center lists a customer's users only for ${LIST_ROLES}, which you do not hold for this customer`;
  const noRestore = 'Without that list a deleted user holding the name cannot be found, so restoring one instead is not offered.';
  const evidence = [`Partner Center user list: ${evidenceOf(refusal)}`, notConnectedError && evidenceOf(notConnectedError)].filter(Boolean).join('; ');
  if (upn) {
    return { id: 'upn-free', status: 'not-checked', code: refusal.code, text: `${upn} is not taken by an active user, but deleted users were not checked: ${why}.`, todo: `${UPN_ENFORCED} ${noRestore}`, evidence };
  }
  return {
    id: 'upn-free',
    status: 'not-checked',
    code: refusal.code,
    connectable: Boolean(notConnectedError),
    text: `Not checked: ${why}${notConnectedError ? `, and ${whyNotConnected(notConnectedError)}` : ''}.`,
    todo: `${UPN_ENFORCED} ${noRestore}`,
    evidence,
  };
}

/** The refusal that means "the bot's app is not in (or not consented in) the customer's tenant", else undefined. */
export function notConnected(e: unknown): AppError | undefined {
  return e instanceof AppError && (e.code === 'CUSTOMER_NOT_CONNECTED' || e.code === 'CUSTOMER_CONSENT_MISSING') ? e : undefined;
}

export function whyNotConnected(e: AppError): string {
  return e.code === 'CUSTOMER_NOT_CONNECTED'
    ? "this bot's app is not connected to the customer's tenant"
    : "this bot's app lacks a permission in the customer's tenant";
}

export function restorable(upn: string, deleted: { id: string; softDeletionTime?: string }): Omit<CheckResult, 'id' | 'status'> {
  return {
    code: 'UPN_SOFT_DELETED',
    text: `${upn} belongs to a deleted user who can still be restored.`,
    evidence: `object id ${deleted.id}${deleted.softDeletionTime ? `, deleted ${deleted.softDeletionTime.slice(0, 10)}` : ''}`,
    todo: 'Restore that user, or choose a different user name.',
    restorableUserId: deleted.id,
  };
}
