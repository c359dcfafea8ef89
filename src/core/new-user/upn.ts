import type { FieldIssue } from '../errors';
import { describeCharacter } from './chars';

/**
 * User principal name rules of Microsoft Entra (partner-center-contract.md): the local part uses
 * A-Z a-z 0-9 ' . - _ ! # ^ ~ and has no "." right before "@"; local part ≤ 64, domain ≤ 48, whole ≤ 113.
 * We also refuse a leading dot and two dots in a row: the contract does not list them, but mail systems reject
 * such addresses, and a helpdesk never means to create a user who cannot receive mail.
 */
export const UPN_LOCAL_MAX = 64;
export const UPN_DOMAIN_MAX = 48;
/** 64 + "@" + 48: two valid parts can never exceed it; checked anyway because it is the documented limit. */
export const UPN_MAX = 113;

/** One allowed character of the local part (as a regex character class body, shared with the card pattern). */
export const USER_NAME_CLASS = "A-Za-z0-9'.\\-_!#^~";
const USER_NAME_CHAR = new RegExp(`^[${USER_NAME_CLASS}]$`);
/** A DNS label: letters, digits, hyphens, not starting or ending with a hyphen, at most 63 characters. */
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** The problem with a user name (the part before "@", already trimmed), or undefined when it is valid. */
export function userNameProblem(userName: string): string | undefined {
  if (userName.length === 0) return 'Enter a user name.';
  if (userName.length > UPN_LOCAL_MAX) return `The user name can have at most ${UPN_LOCAL_MAX} characters (it has ${userName.length}).`;
  const bad = [...userName].find((ch) => !USER_NAME_CHAR.test(ch));
  if (bad !== undefined) return `The user name can't contain ${describeCharacter(bad)}. Use letters A–Z, digits and ' . - _ ! # ^ ~ only.`;
  if (userName.startsWith('.')) return "The user name can't start with a dot.";
  if (userName.endsWith('.')) return "The user name can't end with a dot.";
  if (userName.includes('..')) return "The user name can't contain two dots in a row.";
  return undefined;
}

/**
 * The problem with a domain name (already trimmed), or undefined when it is a DNS name of the allowed length.
 * The check runs on the text as given, before lower-casing, so that a look-alike such as the Kelvin sign (U+212A)
 * (which lower-cases to an ASCII "k") is refused rather than silently turned into another domain.
 */
export function domainProblem(domain: string): string | undefined {
  if (domain.length === 0) return 'Choose a domain.';
  if (domain.length > UPN_DOMAIN_MAX) return `The domain can have at most ${UPN_DOMAIN_MAX} characters (it has ${domain.length}).`;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l))) {
    return 'The domain must be a DNS name such as contoso.com: letters, digits and hyphens, separated by single dots.';
  }
  // An all-digit last label would make "10.0.0.1" a domain; no top-level domain is numeric.
  if (/^[0-9]+$/.test(labels[labels.length - 1])) return 'The domain must end with a name such as .com, not a number.';
  return undefined;
}

/** The whole UPN: user name as typed (trimmed), domain trimmed and in lower case. */
export function buildUpn(userName: string, domain: string): string {
  return `${userName.trim()}@${domain.trim().toLowerCase()}`;
}

export function upnLengthProblem(upn: string): string | undefined {
  return upn.length > UPN_MAX ? `The whole user name with the domain can have at most ${UPN_MAX} characters (it has ${upn.length}).` : undefined;
}

/**
 * The UPN rules as card-field issues: `userName` for the local part (and the whole length), `domain` for the
 * domain. Both values are trimmed first, as `buildUpn` does.
 */
export function checkUpn(userName: string, domain: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const userProblem = userNameProblem(userName.trim());
  const domainIssue = domainProblem(domain.trim());
  if (userProblem) issues.push({ field: 'userName', message: userProblem });
  if (domainIssue) issues.push({ field: 'domain', message: domainIssue });
  if (issues.length === 0) {
    const whole = upnLengthProblem(buildUpn(userName, domain));
    if (whole) issues.push({ field: 'userName', message: whole });
  }
  return issues;
}
