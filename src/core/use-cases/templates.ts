import type { Actor } from '../approval/request-state';
import type { Versioned } from '../approval/user-request';
import { AppError, type FieldIssue } from '../errors';
import type { UserCredential } from '../ports';
import { parseTemplateForm } from '../templates/template-form';
import { assertTemplateAdmin, mayManageTemplates } from '../templates/template-permission';
import { scopeKey, templateChanges, type TemplateAuditEntry, type TemplateScope, type UserTemplate } from '../templates/user-template';
import type { UseCaseDeps } from './deps';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Re-reads a stored template: card data carries only its id. A malformed id is answered like a missing one. */
export async function loadTemplate(deps: UseCaseDeps, templateId: string): Promise<Versioned<UserTemplate>> {
  const found = GUID.test(templateId) ? await deps.templates.get(templateId.toLowerCase()) : undefined;
  if (!found) throw new AppError('TEMPLATE_NOT_FOUND', `template ${templateId} not found`);
  return found;
}

const settingsOf = (deps: UseCaseDeps) => ({ templateAdminGroupId: deps.settings.templateAdminGroupId, adminAgentsGroupId: deps.settings.adminAgentsGroupId });

/** Whether this engineer may manage templates of each scope key ('' = partner-wide), asked once per scope. */
export async function templateRights(deps: UseCaseDeps, cred: UserCredential, scopes: TemplateScope[], correlationId: string): Promise<Map<string, boolean>> {
  const rights = new Map<string, boolean>();
  for (const scope of scopes) {
    const key = scopeKey(scope);
    if (!rights.has(key)) rights.set(key, await mayManageTemplates(deps, cred, scope, settingsOf(deps), correlationId));
  }
  return rights;
}

/**
 * The scope a new template is asked for on the card: `partner`, or a customer id, which must be a customer the
 * engineer reaches in Partner Center (its name is taken from there, never from the card).
 */
export async function resolveNewScope(deps: UseCaseDeps, cred: UserCredential, raw: string | undefined, correlationId: string): Promise<TemplateScope> {
  if (raw === 'partner') return { kind: 'partner' };
  if (!raw || !GUID.test(raw)) throw new AppError('CUSTOMER_NOT_FOUND', 'no scope on the template card');
  const token = (await deps.tokens.partnerCenter(cred)).token;
  const customer = await deps.partnerCenter.getCustomer(token, raw.toLowerCase(), { correlationId });
  return { kind: 'customer', customerId: customer.id.toLowerCase(), customerName: customer.companyName };
}

export async function assertMayManage(deps: UseCaseDeps, cred: UserCredential, scope: TemplateScope, correlationId: string): Promise<void> {
  await assertTemplateAdmin(deps, cred, scope, settingsOf(deps), correlationId);
}

export type SaveTemplateResult = { kind: 'invalid'; issues: FieldIssue[]; values: Record<string, string> } | { kind: 'saved'; template: UserTemplate; audit: TemplateAuditEntry };

/**
 * Creates (no `templateId`; `scope` resolved by resolveNewScope) or changes a template from its submitted card.
 * The stored template is re-read and the person's right re-checked on every call (card data is untrusted); an edit
 * keeps the stored scope. The change and its audit entry (who, when, which fields from what to what) are one write.
 */
export async function saveTemplate(
  deps: UseCaseDeps,
  cred: UserCredential,
  actor: Actor,
  raw: unknown,
  target: { templateId: string; etag?: string } | { scope: TemplateScope },
  correlationId: string,
): Promise<SaveTemplateResult> {
  const existing = 'templateId' in target ? await loadTemplate(deps, target.templateId) : undefined;
  const scope = existing ? existing.value.scope : (target as { scope: TemplateScope }).scope;
  await assertMayManage(deps, cred, scope, correlationId);
  const parsed = parseTemplateForm(raw, scope);
  if (!parsed.ok) return { kind: 'invalid', issues: parsed.issues, values: parsed.values };
  const now = deps.clock.now().toISOString();
  const by = { oid: actor.oid, name: actor.name };
  const template: UserTemplate = existing
    ? { ...existing.value, ...parsed.value, scope, updatedAt: now, updatedBy: by }
    : { ...parsed.value, id: deps.ids.newId().toLowerCase(), createdAt: now, updatedAt: now, createdBy: by, updatedBy: by };
  const audit = auditEntry(deps, actor, existing ? 'updated' : 'created', template, existing?.value, template, correlationId);
  if (existing) {
    // The eTag the card was shown with, when it carries one: an edit of a version someone has changed since is refused.
    const etag = 'etag' in target && target.etag ? target.etag : existing.etag;
    await deps.templates.update(template, etag, audit);
  } else await deps.templates.create(template, audit);
  deps.logger.info({ templateId: template.id, action: audit.action, fields: audit.changes.map((c) => c.field), correlationId }, 'template saved');
  return { kind: 'saved', template, audit };
}

/** Deletes a template after re-reading it and re-checking the person's right; audited like every change. */
export async function deleteTemplate(deps: UseCaseDeps, cred: UserCredential, actor: Actor, templateId: string, correlationId: string): Promise<UserTemplate> {
  const { value, etag } = await loadTemplate(deps, templateId);
  await assertMayManage(deps, cred, value.scope, correlationId);
  await deps.templates.delete(value.id, etag, auditEntry(deps, actor, 'deleted', value, value, undefined, correlationId));
  deps.logger.info({ templateId: value.id, action: 'deleted', correlationId }, 'template deleted');
  return value;
}

function auditEntry(
  deps: UseCaseDeps,
  actor: Actor,
  action: TemplateAuditEntry['action'],
  template: UserTemplate,
  before: UserTemplate | undefined,
  after: UserTemplate | undefined,
  correlationId: string,
): TemplateAuditEntry {
  return {
    id: deps.ids.newId(),
    at: deps.clock.now().toISOString(),
    templateId: template.id,
    templateName: template.name,
    action,
    by: { oid: actor.oid, upn: actor.upn ?? '', name: actor.name },
    changes: templateChanges(before, after),
    correlationId,
  };
}
