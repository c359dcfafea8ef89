import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

/** The layering of design.md, held by the lint rules: proven here on probe files, and on the real tree. */
describe('architecture boundaries', () => {
  const root = join(__dirname, '..', '..');
  const coreRefusals = [
    ["import { TurnContext } from 'botbuilder';"],
    ["import { Application } from '@microsoft/teams-ai';"],
    ["import { ConfidentialClientApplication } from '@azure/msal-node';"],
    ["import express from 'express';"],
    ["import { createPartnerCenterClient } from '../partner-center/client';"],
    ['export const x = fetch;'],
    ['export const x = process.env.PORT;'],
  ];
  const probes: Array<[filePath: string, code: string]> = [
    ...coreRefusals.map(([code]): [string, string] => ['src/core/probe.ts', code]),
    ['src/storage/probe.ts', "import { MemoryStorage } from 'botbuilder';"],
    ['src/identity/probe.ts', "import { TeamsAdapter } from '@microsoft/teams-ai';"],
    ['src/teams/probe.ts', "import { MemoryStorage } from 'botbuilder';"],
  ];
  // ESLint runs in its own process: its flat config loads through a dynamic import that Jest's VM does not allow.
  // One process lints every probe (ESLint's lintText, what `eslint --stdin --stdin-filename` calls), instead of
  // one ESLint start per probe: each start loads typescript-eslint and TypeScript again, about a second apiece.
  const lintScript = `
    const { ESLint } = require('eslint');
    (async () => {
      const probes = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
      const eslint = new ESLint({ cwd: process.cwd() });
      const out = [];
      for (const [filePath, code] of probes) out.push(await eslint.lintText(code, { filePath }));
      process.stdout.write(JSON.stringify(out.map(([result]) => result)));
    })().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });`;
  const linted = new Map<string, string[]>();
  beforeAll(() => {
    const run = spawnSync(process.execPath, ['-e', lintScript], { cwd: root, input: JSON.stringify(probes), encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`ESLint failed: ${run.stderr}`);
    const results = JSON.parse(run.stdout) as Array<{ messages: Array<{ severity: number; ruleId: string }> }>;
    probes.forEach(([filePath, code], i) => linted.set(`${filePath}\0${code}`, results[i].messages.filter((m) => m.severity === 2).map((m) => m.ruleId)));
  }, 60_000);
  const errorsFor = async (filePath: string, code: string): Promise<string[]> => {
    const errors = linted.get(`${filePath}\0${code}`);
    if (!errors) throw new Error(`probe not linted: ${filePath}: ${code}`);
    return errors;
  };

  it.each(coreRefusals)('src/core refuses: %s', async (code) => {
    expect(await errorsFor('src/core/probe.ts', code)).not.toHaveLength(0);
  });

  it('only src/teams may import botbuilder or teams-ai', async () => {
    expect(await errorsFor('src/storage/probe.ts', "import { MemoryStorage } from 'botbuilder';")).toContain('no-restricted-imports');
    expect(await errorsFor('src/identity/probe.ts', "import { TeamsAdapter } from '@microsoft/teams-ai';")).toContain('no-restricted-imports');
    expect(await errorsFor('src/teams/probe.ts', "import { MemoryStorage } from 'botbuilder';")).toEqual([]);
  });

  it('no file outside src/teams imports botbuilder or teams-ai (the real tree)', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts') && !p.includes(`${join('src', 'teams')}`) && /from ['"](botbuilder|@microsoft\/teams-ai|botframework-)/.test(readFileSync(p, 'utf8'))) offenders.push(p);
      }
    };
    walk(join(__dirname, '..', '..', 'src'));
    expect(offenders).toEqual([]);
  });
});
