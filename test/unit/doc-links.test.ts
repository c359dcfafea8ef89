import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkDocLinks, slug } from '../../scripts/check-doc-links';

/** README.md and docs/*.md send a newcomer to files: every one of them must be there (scripts/check-doc-links.ts). */
describe('links and paths in README.md and docs/*.md', () => {
  it('all resolve', () => {
    expect(checkDocLinks(resolve(__dirname, '../..'))).toEqual([]);
  });

  it('a missing file, heading, backticked path or npm script is each reported', () => {
    const root = mkdtempSync(join(tmpdir(), 'doc-links-'));
    try {
      mkdirSync(join(root, 'docs'));
      mkdirSync(join(root, 'src'));
      writeFileSync(join(root, 'src', 'here.ts'), '');
      writeFileSync(join(root, 'package.json'), JSON.stringify({ scripts: { start: 'x', 'test:unit': 'y' } }));
      writeFileSync(join(root, 'docs', 'guide.md'), '# Guide\n\n## 7. Or: the whole thing\n');
      writeFileSync(
        join(root, 'README.md'),
        [
          '# Title',
          'See [the guide](docs/guide.md#7-or-the-whole-thing) and [gone](docs/gone.md), ![shot](docs/screenshots/01.png).',
          'Also [a heading](docs/guide.md#nowhere), `src/here.ts`, `src/missing.ts`, `appPackage/build/x.zip`, `$DATA_DIR/x.db`.',
          '```sh',
          'cat `src/inside-a-fence.ts`',
          'npm start && npm run test:unit && npm run tset',
          '```',
          'Then `npm test`.',
        ].join('\n'),
      );
      const broken = checkDocLinks(root).map((b) => `${b.file}:${b.line} ${b.target}`);
      expect(broken).toEqual(['README.md:2 docs/gone.md', 'README.md:2 docs/screenshots/01.png', 'README.md:3 docs/guide.md#nowhere', 'README.md:3 src/missing.ts', 'README.md:6 npm run tset', 'README.md:8 npm test']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("slugs headings the way GitHub anchors them", () => {
    expect(slug('7. Or: the whole thing with the Microsoft 365 Agents Toolkit')).toBe('7-or-the-whole-thing-with-the-microsoft-365-agents-toolkit');
    expect(slug('Rotating secrets')).toBe('rotating-secrets');
    expect(slug('Why `STORAGE=blob` scales')).toBe('why-storageblob-scales');
  });
});
