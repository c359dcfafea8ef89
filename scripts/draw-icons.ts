/**
 * Draws the two Teams app icons and writes them to appPackage/: `npx ts-node --transpile-only scripts/draw-icons.ts`.
 *
 * The picture: a person (head and shoulders) with a plus sign, i.e. "add a user". Shapes are tested per
 * sub-sample (8×8 per pixel) and averaged, which gives anti-aliased edges without a drawing library.
 * - color.png, 192×192: white person on the app's accent blue, the plus in a green badge.
 * - outline.png, 32×32: white on transparent only (Teams tints it), the plus set apart by a transparent gap.
 * test/unit/app-package checks that the committed PNGs are exactly what this script draws.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng, type RgbaImage } from './lib/png';

/** The manifest's accentColor; the colour icon's background. */
export const ACCENT = '#1F5FAD';
const BADGE = '#1E9E63';
const WHITE = '#FFFFFF';

type Rgb = [number, number, number];
const hex = (h: string): Rgb => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb;

/** Glyph geometry in a unit box; each icon maps that box onto its own canvas. */
const inCircle = (x: number, y: number, cx: number, cy: number, r: number) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const head = (x: number, y: number) => inCircle(x, y, 0.4, 0.24, 0.19);
/** Shoulders: the top of an ellipse, cut flat at the bottom of the box. */
const shoulders = (x: number, y: number) => y <= 0.98 && ((x - 0.4) / 0.36) ** 2 + ((y - 0.98) / 0.47) ** 2 <= 1;
const person = (x: number, y: number) => head(x, y) || shoulders(x, y);
const plus = (x: number, y: number, cx: number, cy: number, arm: number, half: number) => {
  const dx = Math.abs(x - cx);
  const dy = Math.abs(y - cy);
  return (dx <= arm && dy <= half) || (dy <= arm && dx <= half);
};
const PLUS_X = 0.78;
const PLUS_Y = 0.78;

/** A layer painter: given a point in glyph coordinates, the colour and alpha there (or undefined: nothing). */
type Paint = (gx: number, gy: number) => { rgb: Rgb; a: number } | undefined;

function rasterize(size: number, box: [number, number], paint: Paint, samples = 8): RgbaImage {
  const data = new Uint8Array(size * size * 4);
  const [lo, hi] = box;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const u = (px + (sx + 0.5) / samples) / size;
          const v = (py + (sy + 0.5) / samples) / size;
          const hit = paint((u - lo) / (hi - lo), (v - lo) / (hi - lo));
          if (!hit) continue;
          // Premultiplied accumulation, so edges between transparent and opaque samples blend correctly.
          r += hit.rgb[0] * hit.a;
          g += hit.rgb[1] * hit.a;
          b += hit.rgb[2] * hit.a;
          a += hit.a;
        }
      }
      const i = (py * size + px) * 4;
      const n = samples * samples;
      const alpha = a / n;
      data[i + 3] = Math.round(alpha * 255);
      if (a > 0) {
        data[i] = Math.round(r / a);
        data[i + 1] = Math.round(g / a);
        data[i + 2] = Math.round(b / a);
      }
    }
  }
  return { width: size, height: size, data };
}

/** 192×192, full colour: accent background, white person, green badge with a white plus. */
export function drawColorIcon(): RgbaImage {
  const bg = hex(ACCENT);
  const white = hex(WHITE);
  const badge = hex(BADGE);
  return rasterize(192, [0.17, 0.83], (x, y) => {
    if (plus(x, y, PLUS_X, PLUS_Y, 0.14, 0.045)) return { rgb: white, a: 1 };
    if (inCircle(x, y, PLUS_X, PLUS_Y, 0.24)) return { rgb: badge, a: 1 };
    if (!inCircle(x, y, PLUS_X, PLUS_Y, 0.3) && person(x, y)) return { rgb: white, a: 1 };
    return { rgb: bg, a: 1 };
  });
}

/** 32×32 outline: only white, on transparent. The plus is cut out of the shoulders with a clear gap. */
export function drawOutlineIcon(): RgbaImage {
  const white = hex(WHITE);
  return rasterize(32, [0.04, 0.96], (x, y) => {
    if (plus(x, y, PLUS_X, PLUS_Y, 0.2, 0.07)) return { rgb: white, a: 1 };
    if (!inCircle(x, y, PLUS_X, PLUS_Y, 0.3) && person(x, y)) return { rgb: white, a: 1 };
    return undefined;
  });
}

export function writeIcons(dir: string): string[] {
  const files = [
    { name: 'color.png', img: drawColorIcon() },
    { name: 'outline.png', img: drawOutlineIcon() },
  ];
  return files.map(({ name, img }) => {
    const path = join(dir, name);
    writeFileSync(path, encodePng(img));
    return path;
  });
}

if (require.main === module) {
  for (const path of writeIcons(join(__dirname, '..', 'appPackage'))) console.log(`wrote ${path}`);
}
