import type { DueWorkStore } from '../core/approval/due-work';
import type { RequestStore } from '../core/approval/user-request';
import type { TemplateStore } from '../core/templates/template-store';
import type { CiphertextStore } from './encrypted-password-vault';
import type { KeyValueStore } from './key-value-store';

/** Everything the bot keeps, on one backend. `close` releases the file or connections; call it once on shutdown. */
export interface Stores {
  requests: RequestStore;
  /** For EncryptedPasswordVault: only ever sees ciphertexts. */
  ciphertexts: CiphertextStore;
  dueWork: DueWorkStore;
  /** Generic eTag key/value (to wrap as botbuilder `Storage` for turn state or SSO sessions). */
  keyValues: KeyValueStore;
  /** User templates and the audit of their changes. */
  templates: TemplateStore;
  close(): Promise<void>;
}
