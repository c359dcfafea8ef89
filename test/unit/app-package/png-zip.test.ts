import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from '../../../scripts/lib/crc32';
import { decodePng, encodePng, readPngSize } from '../../../scripts/lib/png';
import { readZip, writeZip } from '../../../scripts/lib/zip';

const hasUnzip = spawnSync('sh', ['-c', 'command -v unzip'], { encoding: 'utf8' }).status === 0;

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });
  it('can be computed in pieces', () => {
    const a = Buffer.from('hello ');
    const b = Buffer.from('world');
    expect(crc32(b, crc32(a))).toBe(crc32(Buffer.concat([a, b])));
  });
});

describe('png', () => {
  const img = {
    width: 3,
    height: 2,
    data: new Uint8Array([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 1, 2, 3, 4, 250, 251, 252, 253, 9, 9, 9, 9]),
  };
  it('round-trips RGBA pixels exactly', () => {
    const png = encodePng(img);
    expect(readPngSize(png)).toEqual({ width: 3, height: 2 });
    const back = decodePng(png);
    expect(back.width).toBe(3);
    expect(Buffer.from(back.data)).toEqual(Buffer.from(img.data));
  });
  it('rejects what is not a PNG, and a corrupted chunk', () => {
    expect(() => readPngSize(Buffer.from('GIF89a not a png at all....'))).toThrow(/not a PNG/);
    const png = encodePng(img);
    png[png.length - 20] ^= 0xff; // inside IDAT
    expect(() => decodePng(png)).toThrow(/CRC/);
  });
});

describe('zip', () => {
  const entries = [
    { name: 'manifest.json', data: Buffer.from(JSON.stringify({ hello: 'world'.repeat(50) })) },
    { name: 'tiny.txt', data: Buffer.from('x') }, // stored: deflate would not shrink it
    { name: 'empty.bin', data: Buffer.alloc(0) },
  ];
  it('reads back what it wrote, in order', () => {
    const back = readZip(writeZip(entries, { mtime: new Date(2024, 0, 2, 3, 4, 6) }));
    expect(back.map((e) => e.name)).toEqual(['manifest.json', 'tiny.txt', 'empty.bin']);
    back.forEach((e, i) => expect(e.data.equals(entries[i].data)).toBe(true));
  });
  it('is byte-identical for the same input and timestamp', () => {
    const mtime = new Date(2024, 5, 1);
    expect(writeZip(entries, { mtime }).equals(writeZip(entries, { mtime }))).toBe(true);
  });
  it('refuses duplicate, absolute or backslashed names', () => {
    expect(() => writeZip([entries[0], entries[0]])).toThrow(/duplicate/);
    expect(() => writeZip([{ name: '/etc/x', data: Buffer.alloc(1) }])).toThrow();
    expect(() => writeZip([{ name: 'a\\b', data: Buffer.alloc(1) }])).toThrow();
  });
  it('detects corruption', () => {
    const zip = writeZip([entries[0]]);
    zip[30 + 'manifest.json'.length + 5] ^= 0xff; // inside the deflated body
    expect(() => readZip(zip)).toThrow();
  });

  (hasUnzip ? it : it.skip)('is accepted by Info-ZIP unzip (test and list)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zip-'));
    try {
      const path = join(dir, 'a.zip');
      writeFileSync(path, writeZip(entries));
      expect(execFileSync('unzip', ['-t', path], { encoding: 'utf8' })).toMatch(/No errors detected/);
      const listing = execFileSync('unzip', ['-Z1', path], { encoding: 'utf8' }).trim().split('\n');
      expect(listing).toEqual(['manifest.json', 'tiny.txt', 'empty.bin']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
