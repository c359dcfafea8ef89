import { z } from 'zod';
import type { FieldIssue } from '../errors';
import { isCountryCode } from './countries';
import { DISPLAY_NAME_MAX, NAME_MAX, defaultDisplayName, immutableIdProblem, nameProblem, ticketProblem } from './names';
import { generatePassword as defaultGenerator, passwordProblem } from './password';
import { buildUpn, domainProblem, upnLengthProblem, userNameProblem } from './upn';

/** A valid new-user request as the form produced it; the password is generated here when asked for. */
export interface NewUserDraft {
  customerId: string;
  firstName: string;
  lastName: string;
  displayName: string;
  userName: string;
  domain: string;
  userPrincipalName: string;
  usageLocation: string;
  immutableId?: string;
  password: string;
  passwordGenerated: boolean;
  forceChangePassword: boolean;
  ticket?: string;
}

export type ParseResult = { ok: true; value: NewUserDraft } | { ok: false; issues: FieldIssue[]; values: Record<string, string> };

/** The card's inputs. Adaptive Cards send strings (or nothing); anything else is treated as empty. */
const FIELDS = ['customerId', 'firstName', 'lastName', 'displayName', 'userName', 'domain', 'usageLocation', 'immutableId', 'passwordMode', 'password', 'forceChangePassword', 'ticket'] as const;
const text = z.preprocess((v) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : ''), z.string());
const formSchema = z.object(Object.fromEntries(FIELDS.map((f) => [f, text])) as Record<(typeof FIELDS)[number], typeof text>);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Parses a submitted new-user form with the same rules the card applies client-side, plus the ones a card cannot
 * express. Never throws: bad input comes back as one issue per field, with what the person typed (minus the
 * password) so the form can be shown again with their values kept.
 */
export function parseNewUserForm(raw: unknown, opts: { ticketRequired: boolean; generatePassword?: () => string }): ParseResult {
  const source = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw : {};
  const f = formSchema.parse(source);
  const v = {
    customerId: f.customerId.trim(),
    firstName: f.firstName.trim(),
    lastName: f.lastName.trim(),
    displayName: f.displayName.trim(),
    userName: f.userName.trim(),
    domain: f.domain.trim().toLowerCase(),
    usageLocation: f.usageLocation.trim().toUpperCase(),
    immutableId: f.immutableId.trim(),
    passwordMode: f.passwordMode === 'manual' ? 'manual' : 'generate',
    forceChangePassword: f.forceChangePassword === 'false' ? 'false' : 'true',
    ticket: f.ticket.trim(),
  };
  const displayName = v.displayName || defaultDisplayName(v.firstName, v.lastName);
  const issues: FieldIssue[] = [];
  const add = (field: string, message: string | undefined) => {
    if (message) issues.push({ field, message });
  };

  add('customerId', GUID.test(v.customerId) ? undefined : 'Choose a customer.');
  add('firstName', nameProblem('first name', v.firstName, NAME_MAX, true));
  add('lastName', nameProblem('last name', v.lastName, NAME_MAX, true));
  add('displayName', nameProblem('display name', displayName, DISPLAY_NAME_MAX, true));
  add('userName', userNameProblem(v.userName));
  add('domain', domainProblem(v.domain));
  if (!issues.some((i) => i.field === 'userName' || i.field === 'domain')) add('userName', upnLengthProblem(buildUpn(v.userName, v.domain)));
  add('usageLocation', isCountryCode(v.usageLocation) ? undefined : 'Choose the country where the user works.');
  add('immutableId', immutableIdProblem(v.immutableId));
  if (v.passwordMode === 'manual') add('password', f.password ? passwordProblem(f.password) : 'Type a password, or choose to generate one.');
  add('ticket', ticketProblem(v.ticket, opts.ticketRequired));

  if (issues.length > 0) return { ok: false, issues, values: { ...v } };
  const generated = v.passwordMode === 'generate';
  return {
    ok: true,
    value: {
      customerId: v.customerId.toLowerCase(),
      firstName: v.firstName,
      lastName: v.lastName,
      displayName,
      userName: v.userName,
      domain: v.domain,
      userPrincipalName: buildUpn(v.userName, v.domain),
      usageLocation: v.usageLocation,
      immutableId: v.immutableId || undefined,
      password: generated ? (opts.generatePassword ?? defaultGenerator)() : f.password,
      passwordGenerated: generated,
      forceChangePassword: v.forceChangePassword === 'true',
      ticket: v.ticket || undefined,
    },
  };
}
