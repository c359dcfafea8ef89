import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

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
