/**
 * The first credential of a new user: the password Partner Center needs anyway (generated and never shown when a
 * Temporary Access Pass is chosen), or a Temporary Access Pass made in the customer's tenant right after the
 * creation. `lifetimeInMinutes` absent: the tenant policy's default.
 */
export type FirstCredential = { kind: 'password' } | { kind: 'tap'; lifetimeInMinutes?: number; isUsableOnce: boolean };

/** The lifetimes the form offers (minutes); Graph allows 10–43200, the tenant's policy narrows it. */
export const TAP_LIFETIME_CHOICES = [60, 240, 480, 1440, 4320, 10080] as const;

/** The form's first-credential inputs for a stored choice (Edit shows what was asked for, not the default). */
export function firstCredentialFormValues(c: FirstCredential | undefined): { firstCredential: string; tapUsage: string; tapLifetime: string } {
  if (c?.kind !== 'tap') return { firstCredential: 'password', tapUsage: 'once', tapLifetime: 'policy' };
  return { firstCredential: 'tap', tapUsage: c.isUsableOnce ? 'once' : 'multi', tapLifetime: c.lifetimeInMinutes === undefined ? 'policy' : String(c.lifetimeInMinutes) };
}
