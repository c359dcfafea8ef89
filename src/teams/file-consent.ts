import { randomUUID } from 'node:crypto';
import type { Attachment } from 'botbuilder';
import { z } from 'zod/v4';
import { AppError } from '../core/errors';
import type { SharedState } from './sign-in';

/**
 * Sending a file to a person the way Teams documents it for bots in a 1:1 chat: a file consent card, then a
 * `fileConsent/invoke` carrying a OneDrive upload URL when they accept, then a PUT of the bytes to that URL and
 * a file info card pointing at the saved file. Used for the `history csv` export: a thousand rows as a message
 * would pass Teams' ~100 KB message limit (413 MessageSizeTooBig).
 */

export const FILE_CONSENT_CARD = 'application/vnd.microsoft.teams.card.file.consent';
export const FILE_INFO_CARD = 'application/vnd.microsoft.teams.card.file.info';

/** An offer the person has not answered yet expires after this long (the file is kept sealed until then). */
const OFFER_TTL_MS = 15 * 60_000;
/** An upload that has not finished by then is given up (the person can ask again). */
const UPLOAD_TIMEOUT_MS = 60_000;

/**
 * Where an upload URL may point: OneDrive for Business, i.e. SharePoint Online (commercial, GCC High, DoD,
 * 21Vianet). Anything else in a `fileConsent/invoke` is refused, so a crafted invoke cannot make the bot send
 * data to an address of its choosing. Loopback only when the policy says so (sandbox and tests).
 */
const SHAREPOINT_HOST = /^[a-z0-9-]+\.(sharepoint\.com|sharepoint\.us|sharepoint-mil\.us|sharepoint\.cn)$/i;

export interface UploadPolicy {
  allowLoopback: boolean;
}

export function uploadUrlAllowed(raw: string, policy: UploadPolicy): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:' && SHAREPOINT_HOST.test(url.hostname)) return true;
  return policy.allowLoopback && url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** `fileConsent/invoke` value (Teams: type, action, context echoed from the card, uploadInfo on accept). */
export const fileConsentSchema = z.object({
  type: z.string().optional(),
  action: z.enum(['accept', 'decline']),
  // Any GUID, as zod 3's uuid() took it (zod 4's wants the RFC 9562 version and variant digits).
  context: z.looseObject({ offerId: z.guid() }),
  uploadInfo: z
    .object({
      uploadUrl: z.string().min(1).max(4096),
      contentUrl: z.string().max(4096).optional(),
      name: z.string().min(1).max(400),
      uniqueId: z.string().max(400).optional(),
      fileType: z.string().max(40).optional(),
    })
    .optional(),
});
export type FileConsent = z.infer<typeof fileConsentSchema>;

interface StoredOffer {
  owner: string;
  name: string;
  text: string;
  summary: string;
}

/** The file a person was offered, kept sealed in the shared store until they answer (any instance may get it). */
export class FileOffers {
  constructor(private readonly shared: SharedState) {}

  /** Keeps the file for its owner (their Teams user key, SignIn.userKey) and returns the consent card to send them. */
  async offer(owner: string, file: { name: string; text: string; description: string; summary: string }): Promise<Attachment> {
    const offerId = randomUUID();
    await this.shared.put(offerName(offerId), { owner, name: file.name, text: file.text, summary: file.summary } satisfies StoredOffer, OFFER_TTL_MS);
    return {
      contentType: FILE_CONSENT_CARD,
      name: file.name,
      content: { description: file.description, sizeInBytes: Buffer.byteLength(file.text, 'utf8'), acceptContext: { offerId }, declineContext: { offerId } },
    };
  }

  /**
   * The offer an answer is about, taken (so it is used once), or undefined when it expired, was used, or is not
   * this person's: those are answered alike, so an offer id from elsewhere reveals nothing.
   */
  async take(offerId: string, person: string | undefined): Promise<StoredOffer | undefined> {
    const offer = await this.shared.get<StoredOffer>(offerName(offerId));
    if (!offer || !person || offer.owner !== person) return undefined;
    await this.shared.delete(offerName(offerId));
    return offer;
  }
}

/**
 * PUTs the whole file to the upload session in one request, as the OneDrive upload-session API takes it:
 * `Content-Range: bytes 0-(n-1)/n`, no Authorization header (the URL is pre-authenticated; a bearer token
 * there is refused). Throws FILE_UPLOAD_FAILED.
 */
export async function uploadFile(uploadUrl: string, text: string, policy: UploadPolicy): Promise<void> {
  if (!uploadUrlAllowed(uploadUrl, policy)) throw new AppError('FILE_UPLOAD_FAILED', 'the upload URL is not a OneDrive address');
  const bytes = Buffer.from(text, 'utf8');
  let res: Response;
  try {
    res = await fetch(uploadUrl, {
      method: 'PUT',
      // Content-Length comes from the body itself.
      headers: { 'content-range': `bytes 0-${bytes.length - 1}/${bytes.length}` },
      body: bytes,
      redirect: 'error',
      signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
    });
  } catch (e) {
    throw new AppError('FILE_UPLOAD_FAILED', 'the upload did not complete', { cause: e });
  }
  await res.arrayBuffer().catch(() => undefined);
  if (res.status !== 200 && res.status !== 201) throw new AppError('FILE_UPLOAD_FAILED', `the upload session answered ${res.status}`, { httpStatus: res.status });
}

/** The card that shows a saved file in the chat (open, preview, download). */
export function fileInfoCard(upload: NonNullable<FileConsent['uploadInfo']>): Attachment {
  return { contentType: FILE_INFO_CARD, name: upload.name, contentUrl: upload.contentUrl, content: { uniqueId: upload.uniqueId, fileType: upload.fileType } };
}

const offerName = (offerId: string) => `file-offer:${offerId}`;
