import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import * as yauzl from 'yauzl';

export const REPO = resolve(__dirname, '..', '..', '..');
export const APP_PACKAGE = join(REPO, 'appPackage');

/** A complete example environment, as a partner would fill env/.env.dev. */
export const EXAMPLE_ENV = {
  TEAMS_APP_ID: '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b',
  BOT_ID: '0b1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3',
  BOT_DOMAIN: 'partner-user-desk-dev.azurewebsites.net',
  DEVELOPER_NAME: 'Contoso Partner Services',
  DEVELOPER_WEBSITE_URL: 'https://www.contoso-partner.example',
  DEVELOPER_PRIVACY_URL: 'https://www.contoso-partner.example/privacy',
  DEVELOPER_TERMS_URL: 'https://www.contoso-partner.example/terms',
};

/** A throwaway copy of appPackage/ (manifest and icons, not build/) that a test may break as it likes. */
export function tempAppPackage(): { root: string; dir: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'app-package-'));
  const dir = join(root, 'appPackage');
  for (const f of ['manifest.json', 'color.png', 'outline.png']) cpSync(join(APP_PACKAGE, f), join(dir, f), { recursive: true });
  return { root, dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function editJson(path: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(path, 'utf8'));
  edit(json);
  writeFileSync(path, JSON.stringify(json, null, 2));
}

export interface ZipEntryRead {
  name: string;
  data: Buffer;
  /** 0 stored, 8 deflated. */
  compressionMethod: number;
}

/**
 * Reads a zip with yauzl, a reader that shares no code with the writer (yazl), and checks what yauzl leaves to
 * its caller: every entry's CRC-32 (node:zlib) against the central directory. Entry sizes yauzl checks itself.
 */
export function readZip(buf: Buffer): Promise<ZipEntryRead[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) => {
      if (err) return reject(err);
      const entries: ZipEntryRead[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            const data = Buffer.concat(chunks);
            if (crc32(data) !== entry.crc32) return reject(new Error(`zip: ${entry.fileName} fails its CRC-32`));
            entries.push({ name: entry.fileName, data, compressionMethod: entry.compressionMethod });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
