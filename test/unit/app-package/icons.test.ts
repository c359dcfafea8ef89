import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { APP_PACKAGE } from './helpers';

/**
 * The committed icons against the Teams rules (color: 192×192 full colour; outline: 32×32, white on a
 * transparent background) and against the manifest's accentColor, which Teams paints behind the colour icon.
 */
const color = PNG.sync.read(readFileSync(join(APP_PACKAGE, 'color.png')));
const outline = PNG.sync.read(readFileSync(join(APP_PACKAGE, 'outline.png')));
const accentColor = String(JSON.parse(readFileSync(join(APP_PACKAGE, 'manifest.json'), 'utf8')).accentColor);

function pixels(img: { data: Uint8Array }): Array<[number, number, number, number]> {
  const out: Array<[number, number, number, number]> = [];
  for (let i = 0; i < img.data.length; i += 4) out.push([img.data[i], img.data[i + 1], img.data[i + 2], img.data[i + 3]]);
  return out;
}

describe('app icons', () => {
  it('color.png is 192×192, opaque, and mostly the manifest accent colour', () => {
    expect([color.width, color.height]).toEqual([192, 192]);
    const px = pixels(color);
    expect(px.every(([, , , a]) => a === 255)).toBe(true);
    expect(accentColor).toMatch(/^#[0-9A-Fa-f]{6}$/);
    const accent = [1, 3, 5].map((i) => parseInt(accentColor.slice(i, i + 2), 16));
    const accentShare = px.filter(([r, g, b]) => r === accent[0] && g === accent[1] && b === accent[2]).length / px.length;
    const whiteShare = px.filter(([r, g, b]) => r === 255 && g === 255 && b === 255).length / px.length;
    expect(accentShare).toBeGreaterThan(0.5); // background
    expect(whiteShare).toBeGreaterThan(0.08); // the person and the plus
  });

  it('outline.png is 32×32 with an alpha channel, and white on transparent only', () => {
    expect([outline.width, outline.height]).toEqual([32, 32]);
    expect(outline.alpha).toBe(true);
    const px = pixels(outline);
    const visible = px.filter(([, , , a]) => a > 0);
    expect(visible.every(([r, g, b]) => r === 255 && g === 255 && b === 255)).toBe(true);
    expect(px.filter(([, , , a]) => a === 0).length).toBeGreaterThan(px.length * 0.3); // a transparent background
    expect(px.filter(([, , , a]) => a === 255).length).toBeGreaterThan(px.length * 0.2); // and a solid glyph
    // The corners are background.
    for (const i of [0, 31, 32 * 31, 32 * 32 - 1]) expect(px[i][3]).toBe(0);
  });
});
