import type { FieldIssue } from '../errors';
import { UNSHOWN, describeCharacter } from './chars';
import { isCountryCode } from './countries';

/** Name, identifier and usage-location rules of Microsoft Entra for a new user (partner-center-contract.md). */
export const NAME_MAX = 64;
export const DISPLAY_NAME_MAX = 256;
export const TICKET_MAX = 64;

/**
 * immutableId (the source anchor). The only published length rule is Entra Connect's: fewer than 60 characters,
 * each character other than A–Z, a–z, 0–9 counting as three because it gets encoded. Graph publishes no limit
 * of its own (UNCONFIRMED), and a real anchor always satisfies Entra Connect's rule (the usual one, a base64
 * objectGUID, is 24 characters), so we use it rather than an arbitrary bound. IMMUTABLE_ID_MAX is the plain
 * character count that rule allows at best (all letters and digits): what a card input can enforce.
 */
export const IMMUTABLE_ID_WEIGHTED_MAX = 59;
export const IMMUTABLE_ID_MAX = IMMUTABLE_ID_WEIGHTED_MAX;
/** "$" and "_" are refused by the contract; whitespace and controls never occur in an anchor and hide typos. */
export const IMMUTABLE_ID_FORBIDDEN = /[$_\s\u0000-\u001f\u007f-\u009f]/;

function controlProblem(label: string, value: string): string | undefined {
  const bad = [...value].find((ch) => UNSHOWN.test(ch));
  return bad === undefined ? undefined : `The ${label} can't contain ${describeCharacter(bad)}.`;
}

/** The problem with a (trimmed) name, or undefined. `label` is how the message names the field. */
export function nameProblem(label: string, value: string, max: number, required: boolean): string | undefined {
  if (value.length === 0) return required ? `Enter a ${label}.` : undefined;
  if (value.length > max) return `The ${label} can have at most ${max} characters (it has ${value.length}).`;
  return controlProblem(label, value);
}

/** "First Last", the display name when none is typed. Two valid names always give a valid display name. */
export function defaultDisplayName(firstName: string, lastName: string): string {
  return `${firstName.trim()} ${lastName.trim()}`.trim();
}

/**
 * First, last and display name as card-field issues. Values are trimmed first; an empty display name is fine
 * (it defaults to "First Last"), so a bad first name is reported once, on `firstName`, not again on a display
 * name the person never typed.
 */
export function checkNames(input: { firstName: string; lastName: string; displayName: string }): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (field: string, message: string | undefined) => {
    if (message) issues.push({ field, message });
  };
  add('firstName', nameProblem('first name', input.firstName.trim(), NAME_MAX, true));
  add('lastName', nameProblem('last name', input.lastName.trim(), NAME_MAX, true));
  add('displayName', nameProblem('display name', input.displayName.trim(), DISPLAY_NAME_MAX, false));
  return issues;
}

/** Entra Connect's weighted length: letters and digits count one, anything else three. */
export function immutableIdWeight(value: string): number {
  let weight = 0;
  for (const ch of value) weight += /[A-Za-z0-9]/.test(ch) ? 1 : 3;
  return weight;
}

/** The problem with a (trimmed) immutable id; empty is fine, it is needed only for federated domains. */
export function immutableIdProblem(value: string): string | undefined {
  if (value.length === 0) return undefined;
  const bad = [...value].find((ch) => IMMUTABLE_ID_FORBIDDEN.test(ch));
  if (bad !== undefined) return `The immutable id can't contain ${describeCharacter(bad)}.`;
  const weight = immutableIdWeight(value);
  if (weight > IMMUTABLE_ID_WEIGHTED_MAX) {
    return `The immutable id is too long: at most ${IMMUTABLE_ID_WEIGHTED_MAX}, where each character other than A–Z, a–z and 0–9 counts as three (it counts ${weight}).`;
  }
  return undefined;
}

/** The problem with a (trimmed) ticket or reference number; empty is fine unless the deployment requires one. */
export function ticketProblem(value: string, required: boolean): string | undefined {
  if (value.length === 0) return required ? 'Enter the ticket or reference number.' : undefined;
  if (value.length > TICKET_MAX) return `The ticket can have at most ${TICKET_MAX} characters (it has ${value.length}).`;
  return controlProblem('ticket', value);
}

/**
 * The problem with a (trimmed) usage location. Only ASCII letters are looked up, so that "ß" (upper-cased
 * "SS", South Sudan) or a dotless "ı" never slips through case folding.
 */
export function usageLocationProblem(code: string): string | undefined {
  if (code.length === 0) return 'Choose the country where the user works.';
  if (!/^[A-Za-z]{2}$/.test(code) || !isCountryCode(code)) return 'The usage location must be a country from the list (a two-letter code such as US).';
  return undefined;
}
