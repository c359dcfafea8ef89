import type { StoragePipelineOptions } from '@azure/storage-blob';
import type { Logger } from '../core/ports';
import { BlobCiphertextStore } from './blob/ciphertext-store';
import { DEFAULT_BLOB_PIPELINE, openContainer } from './blob/container';
import { BlobDueWorkStore } from './blob/due-work-store';
import { BlobKeyValueStore } from './blob/key-value-store';
import { BlobRequestStore } from './blob/request-store';
import { BlobTemplateStore } from './blob/template-store';
import type { Stores } from './stores';

/**
 * The scale-out store: Azure Blob storage through @azure/storage-blob, shared by every instance of the bot.
 * Layout of the container:
 *   requests/<id>                                  the request as JSON; its ETag is the request's eTag
 *   index/all/<invertedTime>_<id>                  empty blobs whose names sort newest first, for the audit,
 *   index/customer/<customerId>/…, index/requester/<oid>/…, index/customer-requester/<customerId>/<oid>/…
 *   index/decider/<oid>/…, index/customer-decider/<customerId>/<oid>/…            who decided it (`history` 1:1)
 *   index/conversation/<conversationId>/…, index/customer-conversation/<customerId>/<conversationId>/…
 *                                                  where its card lives (`history` in a channel or group chat)
 *   index/state/<kind>/<id>                        requests by state (recovery after a restart)
 *   secrets/<id>                                   the vault's ciphertexts
 *   due/<key>                                      due work, claim state in the metadata
 *   kv/<key>                                       generic key/value items
 *   templates/<id>                                 user templates; template-audit/<invertedTime>_<entryId> their audit
 */
export { BlobRequestStore } from './blob/request-store';
export { BlobCiphertextStore } from './blob/ciphertext-store';
export { BlobDueWorkStore } from './blob/due-work-store';
export { BlobKeyValueStore } from './blob/key-value-store';
export { DEFAULT_BLOB_PIPELINE, openContainer } from './blob/container';

export interface BlobStoreOptions {
  connectionString: string;
  /** Created when missing; 3–63 lowercase letters, digits and hyphens. */
  container: string;
  /** Retries, timeouts, extra policies (tests count requests with one). */
  pipeline?: StoragePipelineOptions;
  /** Where unreadable stored requests are reported (see RequestCodec). */
  log?: Logger;
}

export async function openBlobStores(options: BlobStoreOptions): Promise<Stores> {
  const container = await openContainer(options.connectionString, options.container, options.pipeline ?? DEFAULT_BLOB_PIPELINE);
  return {
    requests: new BlobRequestStore(container, undefined, options.log),
    ciphertexts: new BlobCiphertextStore(container),
    dueWork: new BlobDueWorkStore(container),
    keyValues: new BlobKeyValueStore(container),
    templates: new BlobTemplateStore(container),
    // Nothing to release: the SDK's HTTP agent keeps no state of ours.
    close: async () => undefined,
  };
}
