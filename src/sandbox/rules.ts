import { z } from 'zod/v4';
import { PC_TEXT, pcError } from './errors';
import type { SandboxResponse } from './http';
import type { SandboxCustomer } from './world';

/**
 * What Microsoft Entra (through Partner Center) refuses when creating a user, written independently of the bot's
 * own rules in src/core so that a mistake there is caught here rather than mirrored.
 */

/** The body's shape: a missing or mistyped field is refused as that field, before any rule. */
export const newUserBody = z.object({
  userPrincipalName: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  displayName: z.string(),
  usageLocation: z.string(),
  immutableId: z.string().nullish(),
  passwordProfile: z.object({ password: z.string(), forceChangePassword: z.boolean().optional() }),
  attributes: z.unknown().optional(),
});
export type NewUserBody = z.infer<typeof newUserBody>;

// ISO 3166-1 alpha-2, officially assigned codes only (not the reserved or withdrawn ones a locale library accepts).
const COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

export function isCountryCode(code: string): boolean {
  return COUNTRIES.has(code);
}

const UPN_LOCAL = /^[A-Za-z0-9'.\-_!#^~]{1,64}$/;

/** Entra's UPN syntax: allowed local-part characters, no `.` right before `@`, local ≤ 64, domain ≤ 48, all ≤ 113. */
export function isValidUpn(upn: string): boolean {
  const at = upn.indexOf('@');
  if (at < 1 || at !== upn.lastIndexOf('@') || upn.length > 113) return false;
  const local = upn.slice(0, at);
  const domain = upn.slice(at + 1);
  return UPN_LOCAL.test(local) && !local.endsWith('.') && domain.length > 0 && domain.length <= 48 && /^[A-Za-z0-9.-]+$/.test(domain);
}

const PASSWORD_SYMBOLS = new Set("@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<> ");

/** 8–256 characters from lowercase, uppercase, digits and Entra's symbols (nothing else), at least three kinds. */
export function isStrongPassword(password: string): boolean {
  const chars = [...password];
  if (chars.length < 8 || chars.length > 256) return false;
  const kinds = { lower: false, upper: false, digit: false, symbol: false };
  for (const c of chars) {
    if (c >= 'a' && c <= 'z') kinds.lower = true;
    else if (c >= 'A' && c <= 'Z') kinds.upper = true;
    else if (c >= '0' && c <= '9') kinds.digit = true;
    else if (PASSWORD_SYMBOLS.has(c)) kinds.symbol = true;
    else return false;
  }
  return Object.values(kinds).filter(Boolean).length >= 3;
}

const invalid = (field: string) => pcError(400, '2000', PC_TEXT.invalidField(field));

/**
 * The first problem with a create request, as Partner Center would answer it (docs/sandbox-api.md), or undefined
 * when the user may be created. The UPN is unique across active AND soft-deleted users: a soft-deleted user still
 * holds its name until it is purged.
 */
export function checkNewUser(body: NewUserBody, customer: SandboxCustomer): SandboxResponse | undefined {
  const upn = body.userPrincipalName;
  if (!isValidUpn(upn)) return invalid('userPrincipalName');
  const domainName = upn.slice(upn.indexOf('@') + 1).toLowerCase();
  const domain = customer.domains.find((d) => d.name.toLowerCase() === domainName);
  if (!domain || !domain.isVerified) return pcError(400, '2000', PC_TEXT.unverified);
  if (domain.authenticationType === 'Federated') return pcError(400, '2000', PC_TEXT.federated(domain.name));
  for (const [field, max] of [['displayName', 256], ['firstName', 64], ['lastName', 64]] as const) {
    const v = body[field];
    if (v.trim().length === 0 || v.length > max) return invalid(field);
  }
  if (!isCountryCode(body.usageLocation)) return invalid('usageLocation');
  if (body.immutableId !== undefined && body.immutableId !== null && (body.immutableId.length === 0 || /[$_]/.test(body.immutableId))) return invalid('immutableId');
  if (!isStrongPassword(body.passwordProfile.password)) return pcError(400, '2000', PC_TEXT.weakPassword);
  if (customer.users.some((u) => u.userPrincipalName.toLowerCase() === upn.toLowerCase())) return pcError(400, '2000', PC_TEXT.duplicateUpn);
  return undefined;
}
