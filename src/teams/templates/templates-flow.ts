import type { UserCredential } from '../../core/ports';
import { csvCell } from '../../core/audit/audit-export';
import { scopeKey, type TemplateScope } from '../../core/templates/user-template';
import { listCustomers } from '../../core/use-cases/customers';
import type { UseCaseDeps } from '../../core/use-cases/deps';
import { deleteTemplate, loadTemplate, resolveNewScope, saveTemplate, templateRights, assertMayManage } from '../../core/use-cases/templates';
import { cleanText, TEXT_LIMITS } from '../../core/text/people-text';
import type { AdaptiveCardJson } from '../cards/card-templates';
import type { ActionTurn } from '../action-turn';
import type { TemplateViews } from './template-views';

/** Who acts, as a template handler needs it. */
type Turn = Pick<ActionTurn, 'cred' | 'actor' | 'correlationId'>;

/** How many audit entries `templates log` shows. */
const LOG_ROWS = 200;

/**
 * The `templates` command and its cards: everyone sees the templates; template administrators (see
 * core/templates/template-permission.ts) create, edit and delete them. Every click re-reads the stored template
 * and re-checks the person's right; the card's data names a template and nothing more.
 */
export class TemplatesFlow {
  constructor(
    private readonly deps: UseCaseDeps,
    private readonly views: TemplateViews,
  ) {}

  /**
   * The list card: every template (or, with `filter`, those of the customers whose name holds it, and the
   * partner-wide ones), with Edit / Delete where this person may manage it.
   */
  async listCard(
    cred: UserCredential,
    correlationId: string,
    extra: { notice?: { text: string; color: 'Good' | 'Attention' | 'Default' }; confirmDeleteId?: string; filter?: string } = {},
  ): Promise<AdaptiveCardJson> {
    const needle = extra.filter?.trim().toLowerCase() ?? '';
    const templates = (await this.deps.templates.list()).filter((t) => !needle || t.scope.kind === 'partner' || t.scope.customerName.toLowerCase().includes(needle));
    const partner: TemplateScope = { kind: 'partner' };
    const rights = await templateRights(this.deps, cred, [partner, ...templates.map((t) => t.scope)], correlationId);
    // The customer list only feeds the "New template for" choice: when Partner Center cannot give it, the templates
    // are still listed and partner-wide ones can still be created.
    const customers = await listCustomers(this.deps, cred, correlationId).catch(() => []);
    // With a template group configured, someone outside it may manage nothing: "New template" is not offered. Without
    // one, rights follow each customer's GDAP roles, which are checked when "New template" is clicked.
    const offerNew = this.deps.settings.templateAdminGroupId ? rights.get('') === true : true;
    const scopes = offerNew
      ? [{ title: 'Every customer (partner-wide default)', value: 'partner' }, ...customers.slice(0, this.deps.settings.customerChoiceLimit).map((c) => ({ title: cleanText(`${c.name} (${c.domain})`, TEXT_LIMITS.name), value: c.id }))]
      : [];
    const confirmDelete = extra.confirmDeleteId ? templates.find((t) => t.id === extra.confirmDeleteId) : undefined;
    return this.views.list({ rows: templates.map((template) => ({ template, canManage: rights.get(scopeKey(template.scope)) === true })), scopes, notice: extra.notice, confirmDelete });
  }

  /** `templates log`: the audit of template changes, newest first, as CSV text (no secrets: templates hold none). */
  async auditText(): Promise<string> {
    const entries = await this.deps.templates.auditLog(LOG_ROWS);
    const rows = entries.map((e) =>
      [e.at, e.action, e.templateId, e.templateName, e.by.upn, e.by.name, e.changes.map((c) => `${c.field}: ${c.from ?? '∅'} → ${c.to ?? '∅'}`).join(' | '), e.correlationId].map(csvCell).join(','),
    );
    return `Template changes, newest first (${entries.length} rows):\n\n\`\`\`\n${['at,action,template_id,template,by_upn,by_name,changes,correlation_id', ...rows].join('\n').replace(/`/g, "'")}\n\`\`\``;
  }

  /** "New template" for a scope chosen on the list: the right is checked before the empty form is shown. */
  async newTemplate(t: Turn, rawScope: string | undefined): Promise<AdaptiveCardJson> {
    const scope = await resolveNewScope(this.deps, t.cred, rawScope, t.correlationId);
    await assertMayManage(this.deps, t.cred, scope, t.correlationId);
    return this.views.form({ scope, scopeValue: rawScope === 'partner' ? 'partner' : scopeKey(scope) });
  }

  async editTemplate(t: Turn, templateId: string): Promise<AdaptiveCardJson> {
    const { value, etag } = await loadTemplate(this.deps, templateId);
    await assertMayManage(this.deps, t.cred, value.scope, t.correlationId);
    return this.views.form({ scope: value.scope, scopeValue: '', template: value, etag });
  }

  /** "Save template": a new one (scope on the card) or an edit (template id and the eTag it was shown with). */
  async saveTemplate(t: Turn, data: { templateId?: string; scope?: string; etag?: string } & Record<string, unknown>): Promise<AdaptiveCardJson> {
    const target = data.templateId ? { templateId: data.templateId, etag: data.etag } : { scope: await resolveNewScope(this.deps, t.cred, data.scope, t.correlationId) };
    const result = await saveTemplate(this.deps, t.cred, t.actor, data, target, t.correlationId);
    if (result.kind === 'invalid') {
      const stored = data.templateId ? await loadTemplate(this.deps, data.templateId) : undefined;
      const scope = stored?.value.scope ?? (target as { scope: TemplateScope }).scope;
      return this.views.form({ scope, scopeValue: stored ? '' : (data.scope ?? ''), template: stored?.value, etag: stored?.etag, values: result.values, issues: result.issues });
    }
    const verb = result.audit.action === 'created' ? 'created' : 'saved';
    return this.listCard(t.cred, t.correlationId, { notice: { text: `Template "${cleanText(result.template.name, TEXT_LIMITS.name)}" ${verb}.`, color: 'Good' } });
  }

  /** "Delete": asking already needs the right, so a refusal comes now, not after "are you sure". */
  async askDelete(t: Turn, templateId: string): Promise<AdaptiveCardJson> {
    const { value } = await loadTemplate(this.deps, templateId);
    await assertMayManage(this.deps, t.cred, value.scope, t.correlationId);
    return this.listCard(t.cred, t.correlationId, { confirmDeleteId: value.id });
  }

  async confirmDelete(t: Turn, templateId: string): Promise<AdaptiveCardJson> {
    const deleted = await deleteTemplate(this.deps, t.cred, t.actor, templateId, t.correlationId);
    return this.listCard(t.cred, t.correlationId, { notice: { text: `Template "${cleanText(deleted.name, TEXT_LIMITS.name)}" deleted.`, color: 'Good' } });
  }
}
