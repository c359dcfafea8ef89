import { randomBytes } from 'node:crypto';
import { EncryptedCredentialVault } from '../../../src/storage/encrypted-credential-vault';
import { MemoryCiphertextStore } from '../../../src/storage/encrypted-password-vault';
import { MemoryKeyValueStore } from '../../../src/storage/key-value-store';
import { SealedKeyValues } from '../../../src/storage/sealed-key-values';

const cred = { user: { oid: 'o-1', tenantId: 't-1', upn: 'ada@contoso-partner.example', displayName: 'Ada', mfa: true }, assertion: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl' };

describe('EncryptedCredentialVault', () => {
  it('keeps a sign-in sealed: round-trips, stores no token, erases', async () => {
    const store = new MemoryCiphertextStore();
    const vault = new EncryptedCredentialVault(randomBytes(32), store);
    await vault.keep('r-1', cred);
    expect(await vault.get('r-1')).toEqual(cred);
    expect(store.dump().join()).not.toContain('eyJ');
    expect(store.dump().join()).not.toContain('ada@');
    await vault.erase('r-1');
    expect(await vault.get('r-1')).toBeUndefined();
  });

  it('another key, or a ciphertext moved to another request, does not open', async () => {
    const store = new MemoryCiphertextStore();
    await new EncryptedCredentialVault(randomBytes(32), store).keep('r-1', cred);
    expect(await new EncryptedCredentialVault(randomBytes(32), store).get('r-1')).toBeUndefined();
    const key = randomBytes(32);
    const vault = new EncryptedCredentialVault(key, store);
    await vault.keep('r-1', cred);
    await store.put('cred:r-2', (await store.get('cred:r-1'))!);
    expect(await vault.get('r-2')).toBeUndefined();
  });
});

describe('SealedKeyValues', () => {
  it('seals values, reads them back until they expire, then forgets them', async () => {
    let now = 1_000;
    const kv = new MemoryKeyValueStore();
    const sealed = new SealedKeyValues(randomBytes(32), kv, () => now);
    await sealed.put('sso-session:o-1', { cred, expiresAt: 5 }, 60_000);
    expect(await sealed.get('sso-session:o-1')).toEqual({ cred, expiresAt: 5 });
    expect(JSON.stringify(await kv.read(['sso-session:o-1']))).not.toContain('eyJ');
    now += 60_000;
    expect(await sealed.get('sso-session:o-1')).toBeUndefined();
    expect(await kv.read(['sso-session:o-1'])).toEqual({});
  });
});
