import { z } from 'zod/v4';
import type { CredentialVault } from '../core/approval/user-request';
import type { UserCredential } from '../core/ports';
import { open, seal, type CiphertextStore } from './encrypted-password-vault';

const credentialSchema = z.object({
  user: z.object({ oid: z.string(), tenantId: z.string(), upn: z.string(), displayName: z.string().optional(), mfa: z.boolean() }),
  assertion: z.string().min(1),
});

/**
 * The sign-in (SSO token and who it belongs to) of a creation in flight, sealed with the data key next to the
 * passwords, under `cred:<request id>`. Only ever a ciphertext in the store; erased when the creation settles.
 */
export class EncryptedCredentialVault implements CredentialVault {
  constructor(
    private readonly key: Buffer,
    private readonly store: CiphertextStore,
  ) {
    if (key.length !== 32) throw new Error('the credential vault needs a 32-byte key');
  }

  async keep(requestId: string, cred: UserCredential): Promise<void> {
    const name = nameOf(requestId);
    await this.store.put(name, seal(this.key, name, JSON.stringify({ user: cred.user, assertion: cred.assertion })));
  }

  async get(requestId: string): Promise<UserCredential | undefined> {
    const name = nameOf(requestId);
    const plain = open(this.key, name, await this.store.get(name));
    if (plain === undefined) return undefined;
    const parsed = credentialSchema.safeParse(JSON.parse(plain));
    return parsed.success ? (parsed.data as UserCredential) : undefined;
  }

  async erase(requestId: string): Promise<void> {
    await this.store.delete(nameOf(requestId));
  }
}

const nameOf = (requestId: string) => `cred:${requestId}`;
