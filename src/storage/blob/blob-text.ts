import type { ContainerClient } from '@azure/storage-blob';
import { readText, statusOf } from './container';

/** A blob's text and ETag, or undefined when there is no such blob. */
export async function downloadText(container: ContainerClient, name: string): Promise<{ text: string; etag: string } | undefined> {
  try {
    const res = await container.getBlockBlobClient(name).download();
    return { text: await readText(res.readableStreamBody), etag: res.etag ?? '' };
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw e;
  }
}

export interface UploadOptions {
  ifMatch?: string;
  ifNoneMatch?: string;
  metadata?: Record<string, string>;
}

/** Writes `text` (JSON unless said otherwise) and returns the new ETag. */
export async function uploadText(container: ContainerClient, name: string, text: string, options: UploadOptions = {}): Promise<string> {
  const body = Buffer.from(text, 'utf8');
  const res = await container.getBlockBlobClient(name).upload(body, body.length, {
    blobHTTPHeaders: { blobContentType: 'application/json; charset=utf-8' },
    conditions: { ifMatch: options.ifMatch, ifNoneMatch: options.ifNoneMatch },
    metadata: options.metadata,
  });
  return res.etag ?? '';
}
