import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CardTemplates, defaultCardsDir } from '../../../src/teams/cards/card-templates';

// The templating library loads after start (issue 16), but a missing or unparsable template still stops the start.
describe('CardTemplates (templating loaded lazily)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cards-'));
    for (const f of readdirSync(defaultCardsDir())) copyFileSync(join(defaultCardsDir(), f), join(dir, f));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to start with a missing template', () => {
    rmSync(join(dir, 'confirm.json'));
    expect(() => new CardTemplates(dir)).toThrow(/confirm\.json is missing/);
  });

  it('refuses to start with a template that is not JSON', () => {
    writeFileSync(join(dir, 'created.json'), '{ "type": "AdaptiveCard", ');
    expect(() => new CardTemplates(dir)).toThrow(SyntaxError);
  });

  it('renders without warm() and the same after it', () => {
    const t = new CardTemplates(dir);
    const before = t.render('notice', { title: 'T', text: 'x' });
    t.warm();
    expect(t.render('notice', { title: 'T', text: 'x' })).toEqual(before);
    expect(before.type).toBe('AdaptiveCard');
    expect(JSON.stringify(before)).toContain('"T"');
  });
});
