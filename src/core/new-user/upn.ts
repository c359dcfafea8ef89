/**
 * User principal name rules of Microsoft Entra (see partner-center-contract.md): the local part may use
 * A-Z a-z 0-9 ' . - _ ! # ^ ~, may not end with a dot (no "." right before "@"); local part ≤ 64, domain ≤ 48,
 * whole UPN ≤ 113. A leading dot and two dots in a row are refused too: mail systems reject them, and a user name
 * that cannot receive mail is not what a helpdesk wants to create.
 */
export const UPN_LOCAL_MAX = 64;
export const UPN_DOMAIN_MAX = 48;
export const UPN_MAX = 113;

export const USER_NAME_CHARS = /^[A-Za-z0-9'.\-_!#^~]+$/;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** The problem with a user name (the part before "@"), or undefined when it is valid. */
export function userNameProblem(userName: string): string | undefined {
  if (userName.length === 0) return 'Enter a user name.';
  if (userName.length > UPN_LOCAL_MAX) return `The user name can have at most ${UPN_LOCAL_MAX} characters (it has ${userName.length}).`;
  const bad = [...userName].find((ch) => !USER_NAME_CHARS.test(ch));
  if (bad !== undefined) return `The user name can't contain "${bad === ' ' ? 'a space' : bad}": use letters, digits and ' . - _ ! # ^ ~ only.`;
  if (userName.startsWith('.')) return "The user name can't start with a dot.";
  if (userName.endsWith('.')) return "The user name can't end with a dot.";
  if (userName.includes('..')) return "The user name can't contain two dots in a row.";
  return undefined;
}

/** The problem with a domain name, or undefined when it is a syntactically valid DNS name of the allowed length. */
export function domainProblem(domain: string): string | undefined {
  const d = domain.toLowerCase();
  if (d.length === 0) return 'Choose a domain.';
  if (d.length > UPN_DOMAIN_MAX) return `The domain can have at most ${UPN_DOMAIN_MAX} characters.`;
  const labels = d.split('.');
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l))) return `"${domain}" is not a valid domain name.`;
  return undefined;
}

/** The whole UPN: user name as typed, domain in lower case. */
export function buildUpn(userName: string, domain: string): string {
  return `${userName.trim()}@${domain.trim().toLowerCase()}`;
}

export function upnLengthProblem(upn: string): string | undefined {
  return upn.length > UPN_MAX ? `The whole user name (with the domain) can have at most ${UPN_MAX} characters (it has ${upn.length}).` : undefined;
}
