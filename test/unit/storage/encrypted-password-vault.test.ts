import { randomBytes } from 'node:crypto';
import { EncryptedPasswordVault, MemoryCiphertextStore } from '../../../src/storage/encrypted-password-vault';

describe('EncryptedPasswordVault', () => {
  const key = randomBytes(32);

  it('round-trips a password and never stores it in plain text', async () => {
    const store = new MemoryCiphertextStore();
    const vault = new EncryptedPasswordVault(key, store);
    await vault.put('req-1', 'Tr0ub4dor&3 with space');
    expect(await vault.get('req-1')).toBe('Tr0ub4dor&3 with space');
    expect(store.dump().join()).not.toContain('Tr0ub4dor');
  });

  it('erases', async () => {
    const vault = new EncryptedPasswordVault(key);
    await vault.put('req-1', 'Secret-123');
    await vault.erase('req-1');
    expect(await vault.get('req-1')).toBeUndefined();
  });

  it('a ciphertext moved to another request id does not decrypt', async () => {
    const store = new MemoryCiphertextStore();
    const vault = new EncryptedPasswordVault(key, store);
    await vault.put('req-1', 'Secret-123');
    await store.put('req-2', (await store.get('req-1'))!);
    expect(await vault.get('req-2')).toBeUndefined();
  });

  it('another key cannot read it', async () => {
    const store = new MemoryCiphertextStore();
    await new EncryptedPasswordVault(key, store).put('req-1', 'Secret-123');
    expect(await new EncryptedPasswordVault(randomBytes(32), store).get('req-1')).toBeUndefined();
  });

  it('refuses a key of the wrong size', () => {
    expect(() => new EncryptedPasswordVault(randomBytes(16))).toThrow();
  });
});
