import { randomUUID } from 'node:crypto';
import { AppError } from '../core/errors';
import type { Versioned } from '../core/approval/user-request';
import type { TemplateStore } from '../core/templates/template-store';
import { appliesTo, compareTemplates, type TemplateAuditEntry, type UserTemplate } from '../core/templates/user-template';

/** In-process templates with the same compare-and-swap and audit semantics as the durable stores; copies in and out. */
export class MemoryTemplateStore implements TemplateStore {
  private readonly items = new Map<string, Versioned<UserTemplate>>();
  private readonly audit: TemplateAuditEntry[] = [];

  async get(id: string): Promise<Versioned<UserTemplate> | undefined> {
    const item = this.items.get(id);
    return item && { value: structuredClone(item.value), etag: item.etag };
  }

  async list(query: { customerId?: string } = {}): Promise<UserTemplate[]> {
    return [...this.items.values()]
      .map((i) => i.value)
      .filter((t) => !query.customerId || appliesTo(t, query.customerId))
      .sort(compareTemplates)
      .map((t) => structuredClone(t));
  }

  async create(template: UserTemplate, audit: TemplateAuditEntry): Promise<Versioned<UserTemplate>> {
    if (this.items.has(template.id)) throw new AppError('CONCURRENT_UPDATE', `template ${template.id} exists`);
    return this.write(template, audit);
  }

  async update(template: UserTemplate, etag: string, audit: TemplateAuditEntry): Promise<Versioned<UserTemplate>> {
    this.check(template.id, etag);
    return this.write(template, audit);
  }

  async delete(id: string, etag: string, audit: TemplateAuditEntry): Promise<void> {
    this.check(id, etag);
    this.items.delete(id);
    this.audit.unshift(structuredClone(audit));
  }

  async auditLog(limit: number): Promise<TemplateAuditEntry[]> {
    return this.audit.slice(0, Math.max(0, limit)).map((e) => structuredClone(e));
  }

  private check(id: string, etag: string): void {
    const current = this.items.get(id);
    if (!current) throw new AppError('TEMPLATE_NOT_FOUND', `template ${id} not found`);
    if (current.etag !== etag) throw new AppError('CONCURRENT_UPDATE', `template ${id} changed since it was read`);
  }

  private write(template: UserTemplate, audit: TemplateAuditEntry): Versioned<UserTemplate> {
    const stored = { value: structuredClone(template), etag: randomUUID() };
    this.items.set(template.id, stored);
    this.audit.unshift(structuredClone(audit));
    return { value: structuredClone(template), etag: stored.etag };
  }
}
