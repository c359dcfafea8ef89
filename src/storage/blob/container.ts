import { BlobServiceClient, type ContainerClient, type StoragePipelineOptions } from '@azure/storage-blob';

/** Azure's rule for container names: 3–63 characters, lowercase letters, digits and single hyphens. */
const CONTAINER_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * A few quick tries, each cut off after 5 s, instead of the SDK's default (4 tries 4–120 s apart, no per-try
 * timeout): a person waiting on a card should get an error in seconds, not minutes, when storage is down.
 */
export const DEFAULT_BLOB_PIPELINE: StoragePipelineOptions = {
  retryOptions: { maxTries: 3, tryTimeoutInMs: 5_000, retryDelayInMs: 200, maxRetryDelayInMs: 1_000 },
};

/**
 * The container, created when missing. A credential scoped to the container (a container SAS) may not create
 * containers: then an existing container is enough.
 */
export async function openContainer(connectionString: string, container: string, pipeline: StoragePipelineOptions = DEFAULT_BLOB_PIPELINE): Promise<ContainerClient> {
  if (!CONTAINER_NAME.test(container)) {
    throw new Error(`storage container name "${container}" is invalid: 3-63 lowercase letters, digits and single hyphens`);
  }
  const client = BlobServiceClient.fromConnectionString(connectionString, pipeline).getContainerClient(container);
  try {
    await client.createIfNotExists();
  } catch (e) {
    if (statusOf(e) !== 403 || !(await client.exists())) throw e;
  }
  return client;
}

/** The HTTP status of a failed storage call (RestError), or undefined for anything else. */
export function statusOf(e: unknown): number | undefined {
  const status = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Listings give ETags bare (`0x8D…`), headers quoted; conditions want the quoted form. */
export function quoted(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

/** The whole body of a download, as text. */
export async function readText(stream: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!stream) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs `fn` over `items` with at most `width` calls in flight; results keep the input order. */
export async function mapLimited<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}
