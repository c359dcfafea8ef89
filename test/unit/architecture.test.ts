import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

/** The layering of design.md, held by the lint rules: proven here on probe files, and on the real tree. */
describe('architecture boundaries', () => {
  const root = join(__dirname, '..', '..');
  // ESLint runs in its own process: its flat config loads through a dynamic import that Jest's VM does not allow.
  const errorsFor = async (filePath: string, code: string): Promise<string[]> => {
    const run = spawnSync(process.execPath, [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--stdin', '--stdin-filename', filePath, '--format', 'json'], { cwd: root, input: code, encoding: 'utf8' });
    const [result] = JSON.parse(run.stdout) as Array<{ messages: Array<{ severity: number; ruleId: string }> }>;
    return result.messages.filter((m) => m.severity === 2).map((m) => m.ruleId);
  };

  it.each([
    ["import { TurnContext } from 'botbuilder';"],
    ["import { Application } from '@microsoft/teams-ai';"],
    ["import { ConfidentialClientApplication } from '@azure/msal-node';"],
    ["import express from 'express';"],
    ["import { createPartnerCenterClient } from '../partner-center/client';"],
    ['export const x = fetch;'],
    ['export const x = process.env.PORT;'],
  ])('src/core refuses: %s', async (code) => {
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
