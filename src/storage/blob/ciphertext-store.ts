import type { ContainerClient } from '@azure/storage-blob';
import type { CiphertextStore } from '../encrypted-password-vault';
import { downloadText, uploadText } from './blob-text';
import { secretBlob } from './names';

/** The vault's ciphertexts under `secrets/`: sealed (AES-GCM) before they get here, never a password. */
export class BlobCiphertextStore implements CiphertextStore {
  constructor(private readonly container: ContainerClient) {}

  async put(key: string, value: string): Promise<void> {
    await uploadText(this.container, secretBlob(key), value);
  }

  async get(key: string): Promise<string | undefined> {
    return (await downloadText(this.container, secretBlob(key)))?.text;
  }

  async delete(key: string): Promise<void> {
    await this.container.getBlockBlobClient(secretBlob(key)).deleteIfExists();
  }
}
