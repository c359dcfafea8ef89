import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { PasswordVault, SecretWriteOptions } from '../core/approval/user-request';

/** Where the vault keeps ciphertexts. The in-memory map is the default; durable stores plug in here. */
export interface CiphertextStore {
  put(key: string, value: string, opts?: SecretWriteOptions): Promise<void>;
  get(key: string): Promise<string | undefined>;
  delete(key: string): Promise<void>;
}

export class MemoryCiphertextStore implements CiphertextStore {
  private readonly map = new Map<string, string>();
  async put(key: string, value: string): Promise<void> {
    this.map.set(key, value);
  }
  async get(key: string): Promise<string | undefined> {
    return this.map.get(key);
  }
  async delete(key: string): Promise<void> {
    this.map.delete(key);
  }
  /** For tests that prove no plain password is stored. */
  dump(): string[] {
    return [...this.map.values()];
  }
}

/**
 * AES-256-GCM with a 32-byte key from configuration. The request id is bound in as associated data, so a
 * ciphertext copied onto another request does not decrypt.
 */
export class EncryptedPasswordVault implements PasswordVault {
  constructor(
    private readonly key: Buffer,
    private readonly store: CiphertextStore = new MemoryCiphertextStore(),
  ) {
    if (key.length !== 32) throw new Error('the password vault needs a 32-byte key');
  }

  async put(requestId: string, password: string, opts?: SecretWriteOptions): Promise<void> {
    await this.store.put(requestId, seal(this.key, requestId, password), opts);
  }

  async get(requestId: string): Promise<string | undefined> {
    return open(this.key, requestId, await this.store.get(requestId));
  }

  async erase(requestId: string): Promise<void> {
    await this.store.delete(requestId);
  }
}

/** AES-256-GCM with `aad` bound in: a ciphertext moved under another key name does not decrypt. */
export function seal(key: Buffer, aad: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}

/** The plain text, or undefined when there is none or it does not decrypt (another key, another name). */
export function open(key: Buffer, aad: string, sealed: string | undefined): string | undefined {
  if (!sealed?.startsWith('v1.')) return undefined;
  const raw = Buffer.from(sealed.slice(3), 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    // A different key (rotated, or an ephemeral sandbox key after a restart): the secret is unrecoverable.
    return undefined;
  }
}
