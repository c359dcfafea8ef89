import { randomUUID } from 'node:crypto';
import { AppError } from '../../core/errors';
import type { Versioned } from '../../core/approval/user-request';
import type { TemplateStore } from '../../core/templates/template-store';
import { compareTemplates, scopeKey, userTemplateSchema, type TemplateAuditEntry, type UserTemplate } from '../../core/templates/user-template';
import { DecodedTexts } from '../decoded-texts';
import type { SqliteStore } from './database';

const INSERT = 'INSERT INTO templates (id, etag, customer_id, body) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING';
const SWAP = 'UPDATE templates SET etag = ?, customer_id = ?, body = ? WHERE id = ? AND etag = ?';
const REMOVE = 'DELETE FROM templates WHERE id = ? AND etag = ?';
const AUDIT = 'INSERT INTO template_audit (id, at, template_id, body) VALUES (?, ?, ?, ?)';

/** Templates as JSON beside their scope column; each change and its audit entry are one IMMEDIATE transaction. */
export class SqliteTemplateStore implements TemplateStore {
  /** Every form reads the customer's templates (pick customer → form): each was a JSON and a schema parse. */
  private readonly decoded = new DecodedTexts<UserTemplate>((text) => userTemplateSchema.parse(JSON.parse(text)));

  constructor(readonly store: SqliteStore) {}

  async get(id: string): Promise<Versioned<UserTemplate> | undefined> {
    const row = this.store.statement('SELECT body, etag FROM templates WHERE id = ?').get(id) as { body: string; etag: string } | undefined;
    return row && { value: this.decoded.read(id, row.body), etag: row.etag };
  }

  async list(query: { customerId?: string } = {}): Promise<UserTemplate[]> {
    const rows = (
      query.customerId
        ? this.store.statement("SELECT id, body FROM templates WHERE customer_id IN ('', ?)").all(query.customerId.toLowerCase())
        : this.store.statement('SELECT id, body FROM templates').all()
    ) as Array<{ id: string; body: string }>;
    return rows.map((r) => this.decoded.read(r.id, r.body)).sort(compareTemplates);
  }

  async create(template: UserTemplate, audit: TemplateAuditEntry): Promise<Versioned<UserTemplate>> {
    const etag = randomUUID();
    const landed = this.withAudit(audit, () => this.store.statement(INSERT).run(template.id, etag, scopeKey(template.scope), JSON.stringify(template)).changes);
    if (!landed) throw new AppError('CONCURRENT_UPDATE', `template ${template.id} exists`);
    return { value: structuredClone(template), etag };
  }

  async update(template: UserTemplate, etag: string, audit: TemplateAuditEntry): Promise<Versioned<UserTemplate>> {
    const next = randomUUID();
    const landed = this.withAudit(audit, () => this.store.statement(SWAP).run(next, scopeKey(template.scope), JSON.stringify(template), template.id, etag).changes);
    if (!landed) throw this.refusal(template.id);
    return { value: structuredClone(template), etag: next };
  }

  async delete(id: string, etag: string, audit: TemplateAuditEntry): Promise<void> {
    if (!this.withAudit(audit, () => this.store.statement(REMOVE).run(id, etag).changes)) throw this.refusal(id);
  }

  async auditLog(limit: number): Promise<TemplateAuditEntry[]> {
    const rows = this.store.statement('SELECT body FROM template_audit ORDER BY seq DESC LIMIT ?').all(Math.max(0, limit)) as Array<{ body: string }>;
    return rows.map((r) => JSON.parse(r.body) as TemplateAuditEntry);
  }

  /** The guarded write, and its audit entry only when it landed. */
  private withAudit(audit: TemplateAuditEntry, guarded: () => number): boolean {
    return this.store.db
      .transaction(() => {
        if (guarded() === 0) return false;
        this.store.statement(AUDIT).run(audit.id, audit.at, audit.templateId, JSON.stringify(audit));
        return true;
      })
      .immediate();
  }

  private refusal(id: string): AppError {
    const exists = this.store.statement('SELECT 1 FROM templates WHERE id = ?').get(id);
    return exists ? new AppError('CONCURRENT_UPDATE', `template ${id} changed since it was read`) : new AppError('TEMPLATE_NOT_FOUND', `template ${id} not found`);
  }
}
