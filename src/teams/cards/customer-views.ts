import type { CustomerChoice } from '../../core/use-cases/customers';
import type { CustomerConnection } from '../../core/use-cases/connection-state';
import { cleanText, markdownText as md, TEXT_LIMITS } from '../../core/text/people-text';
import { buttonName } from './card-values';

/** Template data for `pick-customer`: the choices are input choices (plain text, not markdown). */
export function pickCustomerData(choices: CustomerChoice[], total: number, opts: { selected?: string; error?: string }): object {
  const shown = choices.map((c) => ({ ...c, name: cleanText(c.name, TEXT_LIMITS.name), domain: cleanText(c.domain, TEXT_LIMITS.name) }));
  return { choices: shown, count: total, selected: opts.selected ?? '', error: opts.error ?? null };
}

/** Template data for `customers`: each customer with its connection state, and Connect where it may help. */
export function customersData(title: string, subtitle: string, rows: CustomerConnection[]): object {
  return {
    title,
    subtitle,
    rows: rows.map((r) => ({
      id: r.id,
      // Partner Center's text on its way into markdown: a company name must not bring a link or emphasis.
      name: md(r.name, TEXT_LIMITS.name),
      buttonName: buttonName(r.name),
      domain: md(r.domain, TEXT_LIMITS.short),
      stateLabel: CONNECTION_LABELS[r.state].label,
      color: CONNECTION_LABELS[r.state].color,
      reason: r.state === 'connected' ? '' : connectionReason(r),
      canConnect: r.state !== 'connected',
    })),
  };
}

const CONNECTION_LABELS: Record<CustomerConnection['state'], { label: string; color: string }> = {
  connected: { label: 'Connected', color: 'Good' },
  'not-connected': { label: 'Not connected', color: 'Warning' },
  unknown: { label: 'Unknown', color: 'Default' },
};

function connectionReason(r: CustomerConnection): string {
  if (r.upstreamCode === 'AADSTS700016') return 'The bot\'s app is not consented in this tenant (AADSTS700016): the domain and user-name checks show as not checked.';
  // AADSTS65001: Entra refused the exchange; SCP_MISSING: its token lacks a permission (src/identity/granted-scopes.ts).
  if (r.code === 'CUSTOMER_CONSENT_MISSING') return `The app is consented without every permission the bot needs (${r.upstreamCode ?? r.code}): connect again.`;
  return `Could not be asked: ${[r.code, r.upstreamCode].filter(Boolean).join(' · ')}${r.code === 'GDAP_ROLE_MISSING' ? ' (you hold no GDAP role in this tenant)' : ''}.`;
}
