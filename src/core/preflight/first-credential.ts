import { ROLE_TITLES, CALL_ROLES, allows } from '../onboarding/step-roles';
import type { AppError } from '../errors';
import type { TapOptions, TapPolicy } from '../ports';
import type { FirstCredential } from '../new-user/first-credential';
import { upstreamOf, type CheckResult } from './checks';

export type { FirstCredential };

/** What the pre-flight could learn about the Temporary Access Pass; the verdict is `judgeTemporaryAccessPass`. */
export interface TapEvidence {
  /** Role template ids the person holds for this customer (GDAP: active relationship, active assignment, member). */
  heldRoleIds: string[];
  /** The customer-tenant token for the pass failed (not connected, consent missing, …). */
  tokenError?: AppError;
  /** The tenant's policy, or why it could not be read. */
  policy?: TapPolicy;
  policyError?: AppError;
  request: Extract<FirstCredential, { kind: 'tap' }>;
  /** When the pass should become valid (the start date), or undefined for at once. */
  startAt?: Date;
}

const needs = (call: 'temporary-access-pass' | 'read-tap-policy') => CALL_ROLES[call].map((r) => ROLE_TITLES[r]).join(' or ');

/** "8 hours", "90 minutes", "7 days": how a lifetime reads on a card. */
export function lifetimeText(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} day(s)`;
  if (minutes % 60 === 0) return `${minutes / 60} hour(s)`;
  return `${minutes} minutes`;
}

/** The lifetime the pass will get: what the form asked for, else the policy's default (when it is known). */
export function effectiveLifetime(e: Pick<TapEvidence, 'policy' | 'request'>): number | undefined {
  return e.request.lifetimeInMinutes ?? e.policy?.defaultLifetimeInMinutes;
}

/**
 * The `first-credential` check. Blocked (so the person chooses a password, or fixes the cause) when the role is
 * missing, the customer is not connected for it (with the Connect action), the policy is disabled, or the form asks
 * for what the policy refuses. A policy the person may not read (an Authentication Administrator without Global
 * Reader) is a warning: Graph still enforces it when the pass is made, and a refusal then fails only that step.
 */
export function judgeTemporaryAccessPass(e: TapEvidence): CheckResult {
  const base = { id: 'first-credential' as const };
  if (!allows(e.heldRoleIds, 'temporary-access-pass')) {
    return { ...base, status: 'blocked', code: 'TAP_ROLE_MISSING', text: `A Temporary Access Pass needs ${needs('temporary-access-pass')} for this customer, and you hold neither.`, todo: 'Choose a password as the first credential, or ask your Partner Center administrator for one of these roles.' };
  }
  if (e.tokenError) {
    const connect = e.tokenError.code === 'CUSTOMER_NOT_CONNECTED' || e.tokenError.code === 'CUSTOMER_CONSENT_MISSING';
    return {
      ...base,
      status: 'blocked',
      code: e.tokenError.code,
      ...upstreamOf(e.tokenError),
      text: connect ? "A Temporary Access Pass is made in the customer's tenant, and the bot's app is not connected there with that permission." : 'The customer-tenant sign-in for the Temporary Access Pass failed.',
      todo: connect ? 'Connect the customer (or connect again to grant the new permission), or choose a password.' : 'Try again, or choose a password.',
      connectable: connect || undefined,
    };
  }
  const when = e.startAt ? `valid from ${e.startAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'valid at once';
  const use = e.request.isUsableOnce ? 'one-time' : 'multi-use';
  if (!e.policy) {
    const lifetime = e.request.lifetimeInMinutes;
    return {
      ...base,
      status: 'warning',
      text: `A ${use} Temporary Access Pass${lifetime ? ` for ${lifetimeText(lifetime)}` : ''}, ${when}; the tenant's policy could not be read, so Microsoft Entra decides when it is made.`,
      evidence: e.policyError?.code === 'GDAP_ROLE_MISSING' ? `reading the policy needs ${needs('read-tap-policy')}` : e.policyError?.code,
    };
  }
  const p = e.policy;
  const range = `${lifetimeText(p.minimumLifetimeInMinutes)} to ${lifetimeText(p.maximumLifetimeInMinutes)}`;
  const evidence = `policy: ${p.enabled ? 'enabled' : 'disabled'} · lifetime ${range}, default ${lifetimeText(p.defaultLifetimeInMinutes)} · ${p.isUsableOnce ? 'one-time only' : 'one-time or multi-use'}`;
  if (!p.enabled) {
    return { ...base, status: 'blocked', code: 'TAP_POLICY_DISABLED', text: "The customer's tenant has Temporary Access Pass disabled.", evidence, todo: "Choose a password, or ask the customer's administrator to enable Temporary Access Pass in Microsoft Entra." };
  }
  const lifetime = effectiveLifetime(e)!;
  if (lifetime < p.minimumLifetimeInMinutes || lifetime > p.maximumLifetimeInMinutes) {
    return { ...base, status: 'blocked', code: 'TAP_LIFETIME_OUT_OF_POLICY', text: `The customer's policy allows a lifetime of ${range}; ${lifetimeText(lifetime)} was asked for.`, evidence, todo: 'Edit the request and choose a lifetime in that range (or leave it empty for the default).' };
  }
  if (p.isUsableOnce && !e.request.isUsableOnce) {
    return { ...base, status: 'blocked', code: 'TAP_ONE_TIME_ONLY', text: "The customer's policy allows one-time passes only.", evidence, todo: 'Edit the request and choose a one-time pass.' };
  }
  return { ...base, status: 'ok', text: `A ${use} Temporary Access Pass for ${lifetimeText(lifetime)}, ${when}.`, evidence };
}

/** TapOptions for Graph from the request (the start date makes the pass valid from the first day). */
export function tapOptions(c: Extract<FirstCredential, { kind: 'tap' }>, startAt?: Date): TapOptions {
  return { lifetimeInMinutes: c.lifetimeInMinutes, isUsableOnce: c.isUsableOnce, startDateTime: startAt };
}
