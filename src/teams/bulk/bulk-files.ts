import { randomUUID } from 'node:crypto';
import type { Attachment } from 'botbuilder';
import { z } from 'zod/v4';
import { BULK_LIMITS } from '../../core/bulk/bulk-limits';
import { decodeCsvBytes } from '../../core/bulk/csv';
import { AppError } from '../../core/errors';
import { uploadUrlAllowed, type UploadPolicy } from '../file-consent';
import type { SharedState } from '../sign-in';

/** What Teams attaches to a 1:1 message when a person sends the bot a file (manifest `supportsFiles`). */
export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

const downloadInfo = z.looseObject({ downloadUrl: z.string().min(1).max(4096), fileType: z.string().max(40).optional() });

/** The CSV file attached to a message, if any (the first one). */
export function attachedFile(attachments: Attachment[] | undefined): { name: string; downloadUrl: string; fileType?: string } | undefined {
  const a = (attachments ?? []).find((x) => x.contentType === FILE_DOWNLOAD_INFO);
  if (!a) return undefined;
  const parsed = downloadInfo.safeParse(a.content);
  if (!parsed.success) throw new AppError('BULK_FILE_UNAVAILABLE', 'a file attachment without a download URL');
  return { name: a.name ?? 'file', downloadUrl: parsed.data.downloadUrl, fileType: parsed.data.fileType };
}

const DOWNLOAD_TIMEOUT_MS = 30_000;

/**
 * Downloads an attached CSV: only from OneDrive / SharePoint (the same host rule as uploads, so a crafted
 * attachment cannot make the bot fetch an address of its choosing), no redirects, at most the batch's byte limit
 * (a larger Content-Length is refused before reading, a body that grows past it is cut off), UTF-8 only.
 */
export async function downloadCsv(file: { name: string; downloadUrl: string; fileType?: string }, policy: UploadPolicy): Promise<string> {
  const type = (file.fileType ?? file.name.split('.').pop() ?? '').toLowerCase();
  if (type !== 'csv' && type !== 'txt') throw new AppError('BULK_FILE_UNAVAILABLE', `a .${type} file, not a CSV`);
  if (!uploadUrlAllowed(file.downloadUrl, policy)) throw new AppError('BULK_FILE_UNAVAILABLE', 'the download URL is not a OneDrive address');
  let res: Response;
  try {
    res = await fetch(file.downloadUrl, { redirect: 'error', signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch (e) {
    throw new AppError('BULK_FILE_UNAVAILABLE', 'the download did not complete', { cause: e });
  }
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => undefined);
    throw new AppError('BULK_FILE_UNAVAILABLE', `the download answered ${res.status}`, { httpStatus: res.status });
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > BULK_LIMITS.maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new AppError('BULK_TOO_LARGE', `the file is ${declared} bytes; the limit is ${BULK_LIMITS.maxBytes}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > BULK_LIMITS.maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new AppError('BULK_TOO_LARGE', `the file is over ${BULK_LIMITS.maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return decodeCsvBytes(bytes);
}

const FILE_TTL_MS = 60 * 60_000;

/**
 * An attached CSV kept (sealed, in the shared store every instance reads) between the attachment and the person's
 * "Check": a file of 256 KB does not fit in a card, so the card carries its id. Only its owner can use it.
 */
export class BulkFiles {
  constructor(private readonly shared: SharedState) {}

  async keep(owner: string, name: string, text: string): Promise<string> {
    const id = randomUUID();
    await this.shared.put(`bulk-file:${id}`, { owner, name, text }, FILE_TTL_MS);
    return id;
  }

  /** The file's text, or BULK_FILE_UNAVAILABLE when it expired or is someone else's (answered alike). */
  async read(id: string, owner: string): Promise<{ name: string; text: string }> {
    const file = await this.shared.get<{ owner: string; name: string; text: string }>(`bulk-file:${id}`);
    if (!file || file.owner !== owner) throw new AppError('BULK_FILE_UNAVAILABLE', 'the attached file is gone or not this person\'s');
    return { name: file.name, text: file.text };
  }
}
