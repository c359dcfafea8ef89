import { z } from 'zod';
import { PC_TEXT, pcError } from './errors';
import type { SandboxResponse } from './http';
import type { SandboxCustomer } from './seed';

/**
 * What Microsoft Entra (through Partner Center) refuses when creating a user, written independently of the bot's
 * own rules in src/core so that a mistake there is caught here rather than mirrored.
 */

export const createUserBody = z.object({
  usageLocation: z.unknown(),
  userPrincipalName: z.unknown(),
  firstName: z.unknown(),
  lastName: z.unknown(),
  displayName: z.unknown(),
  immutableId: z.unknown().optional(),
  passwordProfile: z.object({ password: z.unknown(), forceChangePassword: z.unknown().optional() }).partial().optional(),
  attributes: z.unknown().optional(),
});

const LOCAL = /^[A-Za-z0-9'.\-_!#^~]{1,64}$/;
const SYMBOLS = "@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<> ";
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

function isCountry(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || ['EU', 'UN', 'EZ', 'QO', 'XK', 'ZZ'].includes(code)) return false;
  try {
    return regionNames.of(code) !== undefined;
  } catch {
    return false;
  }
}

function passwordOk(p: string): boolean {
  const chars = [...p];
  if (chars.length < 8 || chars.length > 256) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/];
  if (chars.some((c) => !/[A-Za-z0-9]/.test(c) && !SYMBOLS.includes(c))) return false;
  const kinds = classes.filter((r) => chars.some((c) => r.test(c))).length + (chars.some((c) => SYMBOLS.includes(c)) ? 1 : 0);
  return kinds >= 3;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const invalid = (field: string) => pcError(400, '2000', PC_TEXT.invalidField(field));

/** The first problem with a create request, as Partner Center would answer it; undefined when it may go ahead. */
export function checkNewUser(body: z.infer<typeof createUserBody>, customer: SandboxCustomer): SandboxResponse | undefined {
  const upn = str(body.userPrincipalName);
  if (!upn || upn.length > 113 || upn.split('@').length !== 2) return invalid('userPrincipalName');
  const [local, domainRaw] = upn.split('@');
  const domainName = domainRaw.toLowerCase();
  if (!LOCAL.test(local) || local.endsWith('.') || domainName.length > 48) return invalid('userPrincipalName');
  const domain = customer.domains.find((d) => d.name.toLowerCase() === domainName);
  if (!domain || !domain.isVerified) return pcError(400, '2000', PC_TEXT.unverified);
  if (domain.authenticationType === 'Federated') return pcError(400, '2000', PC_TEXT.federated(domain.name));
  for (const [field, max] of [['firstName', 64], ['lastName', 64], ['displayName', 256]] as const) {
    const v = str(body[field]);
    if (v === undefined || v.trim().length === 0 || v.length > max) return invalid(field);
  }
  const location = str(body.usageLocation);
  if (!location || !isCountry(location)) return invalid('usageLocation');
  if (body.immutableId !== undefined && body.immutableId !== null) {
    const id = str(body.immutableId);
    if (id === undefined || /[$_]/.test(id)) return invalid('immutableId');
  }
  const password = str(body.passwordProfile?.password);
  if (!password || !passwordOk(password)) return pcError(400, '2000', PC_TEXT.weakPassword);
  if (customer.users.some((u) => u.userPrincipalName.toLowerCase() === upn.toLowerCase())) return pcError(400, '2000', PC_TEXT.duplicateUpn);
  return undefined;
}
