import type { ContainerClient } from '@azure/storage-blob';
import { AppError } from '../../core/errors';
import type { Versioned } from '../../core/approval/user-request';
import type { TemplateStore } from '../../core/templates/template-store';
import { appliesTo, compareTemplates, userTemplateSchema, type TemplateAuditEntry, type UserTemplate } from '../../core/templates/user-template';
import { epochMs } from '../time';
import { mapLimited, quoted, statusOf } from './container';
import { downloadText, uploadText } from './blob-text';
import { invertedTime, segment } from './names';

const templateBlob = (id: string) => `templates/${segment(id)}`;
/** Names sort newest first; the entry id breaks ties between entries of the same millisecond. */
const auditBlob = (e: TemplateAuditEntry) => `template-audit/${invertedTime(epochMs(e.at, `template audit ${e.id} at`))}_${segment(e.id)}`;

/**
 * One JSON blob per template under `templates/`, guarded by its ETag; the audit as one blob per entry under
 * `template-audit/`, written once the change landed (a change that loses its compare-and-swap leaves none; a crash
 * between the two could lose one entry, never invent one).
 */
export class BlobTemplateStore implements TemplateStore {
  constructor(private readonly container: ContainerClient) {}

  async get(id: string): Promise<Versioned<UserTemplate> | undefined> {
    const blob = await downloadText(this.container, templateBlob(id));
    return blob && { value: userTemplateSchema.parse(JSON.parse(blob.text)), etag: blob.etag };
  }

  async list(query: { customerId?: string } = {}): Promise<UserTemplate[]> {
    const names: string[] = [];
    for await (const b of this.container.listBlobsFlat({ prefix: 'templates/' })) names.push(b.name);
    const all = await mapLimited(names, 16, (name) => downloadText(this.container, name));
    return all
      .filter((b): b is { text: string; etag: string } => b !== undefined)
      .map((b) => userTemplateSchema.parse(JSON.parse(b.text)))
      .filter((t) => !query.customerId || appliesTo(t, query.customerId))
      .sort(compareTemplates);
  }

  async create(template: UserTemplate, audit: TemplateAuditEntry): Promise<Versioned<UserTemplate>> {
    const json = JSON.stringify(template);
    let etag: string;
    try {
      etag = await uploadText(this.container, templateBlob(template.id), json, { ifNoneMatch: '*' });
    } catch (e) {
      if (statusOf(e) !== 409 && statusOf(e) !== 412) throw e;
      // A retried upload whose first attempt landed finds its own bytes (see BlobRequestStore).
      const stored = await downloadText(this.container, templateBlob(template.id));
      if (stored?.text !== json) throw new AppError('CONCURRENT_UPDATE', `template ${template.id} exists`);
      etag = stored.etag;
    }
    await this.append(audit);
    return { value: JSON.parse(json) as UserTemplate, etag };
  }

  async update(template: UserTemplate, etag: string, audit: TemplateAuditEntry): Promise<Versioned<UserTemplate>> {
    const json = JSON.stringify(template);
    let next: string;
    try {
      next = await uploadText(this.container, templateBlob(template.id), json, { ifMatch: quoted(etag) });
    } catch (e) {
      if (statusOf(e) !== 412 && statusOf(e) !== 404) throw e;
      const stored = await downloadText(this.container, templateBlob(template.id));
      if (!stored) throw new AppError('TEMPLATE_NOT_FOUND', `template ${template.id} not found`);
      if (stored.text !== json) throw new AppError('CONCURRENT_UPDATE', `template ${template.id} changed since it was read`);
      next = stored.etag;
    }
    await this.append(audit);
    return { value: JSON.parse(json) as UserTemplate, etag: next };
  }

  async delete(id: string, etag: string, audit: TemplateAuditEntry): Promise<void> {
    try {
      await this.container.getBlockBlobClient(templateBlob(id)).delete({ conditions: { ifMatch: quoted(etag) } });
    } catch (e) {
      if (statusOf(e) !== 404 && statusOf(e) !== 412) throw e;
      // A conditional delete of a blob that is gone may answer 412 as well as 404: which one it is, is looked up.
      if (statusOf(e) === 404 || !(await this.container.getBlockBlobClient(templateBlob(id)).exists())) throw new AppError('TEMPLATE_NOT_FOUND', `template ${id} not found`);
      throw new AppError('CONCURRENT_UPDATE', `template ${id} changed since it was read`);
    }
    await this.append(audit);
  }

  async auditLog(limit: number): Promise<TemplateAuditEntry[]> {
    const max = Math.max(0, Math.floor(limit));
    if (max === 0) return [];
    const names: string[] = [];
    for await (const page of this.container.listBlobsFlat({ prefix: 'template-audit/' }).byPage({ maxPageSize: Math.min(max, 5000) })) {
      for (const b of page.segment.blobItems) if (names.length < max) names.push(b.name);
      if (names.length >= max) break;
    }
    const entries = await mapLimited(names, 16, (name) => downloadText(this.container, name));
    return entries.filter((b): b is { text: string; etag: string } => b !== undefined).map((b) => JSON.parse(b.text) as TemplateAuditEntry);
  }

  private async append(audit: TemplateAuditEntry): Promise<void> {
    await uploadText(this.container, auditBlob(audit), JSON.stringify(audit));
  }
}
