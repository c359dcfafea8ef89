import type { Versioned } from '../approval/user-request';
import type { TemplateAuditEntry, UserTemplate } from './user-template';

/**
 * Durable template storage with compare-and-swap on eTags (like the request store). Every change is written
 * together with its audit entry: on SQLite in one transaction; on Blob the entry right after the change landed;
 * a change that loses its compare-and-swap writes no entry.
 */
export interface TemplateStore {
  get(id: string): Promise<Versioned<UserTemplate> | undefined>;
  /**
   * Templates, customer ones first, then partner-wide, each by name. `customerId`: that customer's templates and
   * the partner-wide ones; absent: all of them. Templates are few (tens per partner), so listing reads them all.
   */
  list(query?: { customerId?: string }): Promise<UserTemplate[]>;
  /** Fails with CONCURRENT_UPDATE when the id exists. */
  create(template: UserTemplate, audit: TemplateAuditEntry): Promise<Versioned<UserTemplate>>;
  /** Fails with TEMPLATE_NOT_FOUND when it is gone, CONCURRENT_UPDATE when its eTag is no longer `etag`. */
  update(template: UserTemplate, etag: string, audit: TemplateAuditEntry): Promise<Versioned<UserTemplate>>;
  /** Same failures as `update`. */
  delete(id: string, etag: string, audit: TemplateAuditEntry): Promise<void>;
  /** The audit of template changes, newest first. */
  auditLog(limit: number): Promise<TemplateAuditEntry[]>;
}
