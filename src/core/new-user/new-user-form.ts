import { z } from 'zod/v4';
import type { FieldIssue } from '../errors';
import { checkNames, defaultDisplayName, immutableIdProblem, ticketProblem, usageLocationProblem } from './names';
import { checkPassword, generatePassword as defaultGenerator } from './password';
import { buildUpn, checkUpn } from './upn';
import { TAP_LIFETIME_CHOICES, type FirstCredential } from './first-credential';
import { isTimeZone, parseStart } from './start-date';
import { cardInputReader } from '../card-inputs';

/** A valid new-user request as the form produced it; the password is generated here when asked for. */
export interface NewUserDraft {
  /** Lower case. */
  customerId: string;
  firstName: string;
  lastName: string;
  displayName: string;
  userPrincipalName: string;
  userName: string;
  /** Lower case. */
  domain: string;
  /** Upper case. */
  usageLocation: string;
  immutableId?: string;
  /** Never logged, stored in plain text or echoed. */
  password: string;
  passwordGenerated: boolean;
  forceChangePassword: boolean;
  ticket?: string;
  /** A Temporary Access Pass as the first credential: the password is then always generated and never shown. */
  firstCredential: FirstCredential;
  /** The first day (a pass becomes valid then). */
  startAt?: Date;
  /** The IANA zone the first day was entered in (with a first day only). */
  startTimeZone?: string;
}

export type ParseResult = { ok: true; value: NewUserDraft } | { ok: false; issues: FieldIssue[]; values: Record<string, string> };

export interface ParseOptions {
  ticketRequired: boolean;
  /**
   * The zone the start date and time are in when the form names none (IANA; the template's when it has one).
   * Default UTC. A zone chosen on the form (`startTimeZone`) wins.
   */
  timeZone?: string;
  /** For the start date's "in the future" rule; the real time by default. */
  now?: Date;
  /** Injected by tests; `generatePassword()` (16 characters, crypto random) by default. */
  generatePassword?: () => string;
}

/** The card's input ids: every FieldIssue names one of these. */
export const NEW_USER_FIELDS = [
  'customerId',
  'firstName',
  'lastName',
  'displayName',
  'userName',
  'domain',
  'usageLocation',
  'immutableId',
  'firstCredential',
  'tapLifetime',
  'tapUsage',
  'passwordMode',
  'password',
  'forceChangePassword',
  'ticket',
  'startDate',
  'startTime',
  'startTimeZone',
] as const;
export type NewUserField = (typeof NEW_USER_FIELDS)[number];

/**
 * Adaptive Cards submit every input as a string, and leave out inputs nobody touched. A number or boolean (a
 * hand-made or older client) becomes its text; anything else, or a missing key, becomes "" so that the rules
 * below report it as missing rather than the parse failing as a whole. Unknown keys (`verb`, `requestId`) are
 * dropped. Read without zod effects (card-inputs.ts); `newUserFormSchema` is the same rule as one zod schema.
 */
const cardTextOf = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');
const cardText = z.preprocess(cardTextOf, z.string());
export const newUserFormSchema = z.object(
  Object.fromEntries(NEW_USER_FIELDS.map((f) => [f, cardText])) as Record<NewUserField, typeof cardText>,
);
export type NewUserForm = z.infer<typeof newUserFormSchema>;
const formReader = cardInputReader(NEW_USER_FIELDS, cardTextOf);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The form's inputs as text (what `newUserFormSchema` gives for the same input); anything not an object reads as none. */
export function readNewUserForm(raw: unknown): NewUserForm {
  return formReader.read(raw);
}

/** '' means the card sent nothing: the card's own default applies. */
function choice<T extends string>(value: string, allowed: readonly T[], fallback: T): T | undefined {
  if (value === '') return fallback;
  return (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

/**
 * Parses a submitted new-user form (`activity.value` of the card) with the same rules the card applies
 * client-side, plus the ones a card cannot express. Never throws: bad input comes back as one issue per bad
 * field, keyed by the card input id, together with what the person typed (minus the password) so the form can
 * be shown again with their values kept.
 */
export function parseNewUserForm(raw: unknown, opts: ParseOptions): ParseResult {
  return parseNewUserFormInputs(readNewUserForm(raw), opts);
}

/** parseNewUserForm for inputs already read with readNewUserForm (the caller needed them too: read once). */
export function parseNewUserFormInputs(f: NewUserForm, opts: ParseOptions): ParseResult {
  const t = {
    customerId: f.customerId.trim(),
    userName: f.userName.trim(),
    domain: f.domain.trim(),
    usageLocation: f.usageLocation.trim(),
    immutableId: f.immutableId.trim(),
    ticket: f.ticket.trim(),
  };
  const passwordMode = choice(f.passwordMode, ['generate', 'manual'] as const, 'generate');
  const forceChange = choice(f.forceChangePassword, ['true', 'false'] as const, 'true');
  const credential = choice(f.firstCredential, ['password', 'tap'] as const, 'password');
  const tapUsage = choice(f.tapUsage, ['once', 'multi'] as const, 'once');
  // '' (or "policy"): the tenant policy's default lifetime.
  const lifetimeText = f.tapLifetime.trim() === 'policy' ? '' : f.tapLifetime.trim();
  const tapLifetime = lifetimeText === '' ? undefined : (TAP_LIFETIME_CHOICES as readonly number[]).includes(Number(lifetimeText)) ? Number(lifetimeText) : NaN;

  const issues: FieldIssue[] = [];
  const add = (field: NewUserField, message: string | undefined, code?: FieldIssue['code']) => {
    if (message) issues.push({ field, message, ...(code ? { code } : {}) });
  };
  add('customerId', GUID.test(t.customerId) ? undefined : 'Choose a customer.');
  issues.push(...checkNames(f));
  issues.push(...checkUpn(t.userName, t.domain));
  add('usageLocation', usageLocationProblem(t.usageLocation));
  add('immutableId', immutableIdProblem(t.immutableId));
  add('firstCredential', credential ? undefined : 'Choose a password or a Temporary Access Pass.');
  const tap = credential === 'tap';
  if (tap) {
    add('tapUsage', tapUsage ? undefined : 'Choose a one-time or a multi-use pass.');
    add('tapLifetime', Number.isNaN(tapLifetime) ? 'Choose one of the offered lifetimes.' : undefined);
  }
  add('passwordMode', passwordMode ? undefined : 'Choose whether to generate the password or type one.');
  // With a pass, the password is generated and never shown: a typed one is ignored, not checked.
  if (passwordMode === 'manual' && !tap) {
    // Passwords are never trimmed: a space is a legal character, and changing a password silently would lock
    // the new user out.
    if (f.password === '') add('password', 'Type a password, or choose to generate one.');
    else issues.push(...checkPassword(f.password));
  }
  add('forceChangePassword', forceChange ? undefined : 'Choose whether the user must change the password at first sign-in.');
  add('ticket', ticketProblem(t.ticket, opts.ticketRequired));
  // The zone: the form's choice, else the template's, else UTC; validated with Intl (any IANA zone Node knows).
  const zone = f.startTimeZone.trim() || opts.timeZone || 'UTC';
  const zoneOk = isTimeZone(zone);
  add('startTimeZone', zoneOk ? undefined : 'Choose a time zone from the list.');
  const start = parseStart(f.startDate.trim(), f.startTime.trim(), zoneOk ? zone : 'UTC', opts.now ?? new Date());
  add('startDate', start.ok ? undefined : start.message, start.ok ? undefined : start.code);
  // A scheduled request keeps no secret for days (the rules allow an encrypted copy while it must outlive a turn,
  // but days of a typed password waiting in a store is what a helpdesk least expects): refused with its own code,
  // the password is generated when the request becomes ready instead.
  if (start.ok && start.startAt && passwordMode === 'manual' && !tap) add('passwordMode', 'With a first day, the password is generated when the request becomes ready: choose to generate it.', 'START_PASSWORD_TYPED');

  if (issues.length > 0 || !passwordMode || !forceChange || !credential) {
    const values: Record<string, string> = { ...f, passwordMode: passwordMode ?? f.passwordMode, forceChangePassword: forceChange ?? f.forceChangePassword };
    delete values.password;
    return { ok: false, issues, values };
  }

  const firstName = f.firstName.trim();
  const lastName = f.lastName.trim();
  const generated = passwordMode === 'generate' || tap;
  return {
    ok: true,
    value: {
      customerId: t.customerId.toLowerCase(),
      firstName,
      lastName,
      displayName: f.displayName.trim() || defaultDisplayName(firstName, lastName),
      userPrincipalName: buildUpn(t.userName, t.domain),
      userName: t.userName,
      domain: t.domain.toLowerCase(),
      usageLocation: t.usageLocation.toUpperCase(),
      immutableId: t.immutableId || undefined,
      password: generated ? (opts.generatePassword ?? defaultGenerator)() : f.password,
      passwordGenerated: generated,
      forceChangePassword: forceChange === 'true',
      ticket: t.ticket || undefined,
      ...(start.ok && start.startAt ? { startAt: start.startAt, startTimeZone: zone } : {}),
      firstCredential: tap ? { kind: 'tap', isUsableOnce: tapUsage !== 'multi', ...(tapLifetime === undefined ? {} : { lifetimeInMinutes: tapLifetime }) } : { kind: 'password' },
    },
  };
}
