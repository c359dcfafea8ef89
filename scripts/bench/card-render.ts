/**
 * Micro-benchmark of card rendering (issue 16): every sample card of test/support/card-samples.ts rendered by the
 * templating library alone (one Template per card, built once, `expand` per render: how main rendered before) and
 * by CardTemplates.render (what the bot does now), in µs per render.
 *
 *   node -r ts-node/register/transpile-only scripts/bench/card-render.ts [rounds=200] [filter]
 *
 * Both run in this one process, interleaved round by round, so a busy machine slows both alike.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Template } from 'adaptivecards-templating';
import { CardTemplates, defaultCardsDir, type CardName } from '../../src/teams/cards/card-templates';
import { cardSamples, sampleViews } from '../../test/support/card-samples';

const rounds = Number(process.argv[2] ?? 200);
const filter = process.argv[3] ?? '';
/** The first rounds warm the JIT up and are not counted. */
const warmUp = Math.min(20, Math.floor(rounds / 4));
const measured = rounds - warmUp;

/** The data each sample hands to the templates, captured once (the views' own work is not what is measured). */
const calls: Array<{ label: string; name: CardName; data: object }> = [];
class Capturing extends CardTemplates {
  label = '';
  override render(name: CardName, data: object) {
    calls.push({ label: this.label, name, data });
    return super.render(name, data);
  }
}
const capturing = new Capturing(defaultCardsDir());
for (const [label, render] of cardSamples(sampleViews(capturing))) {
  if (!label.includes(filter)) continue;
  capturing.label = label;
  render();
}

const library = new Map<CardName, Template>();
const templateOf = (name: CardName) => {
  let t = library.get(name);
  if (!t) library.set(name, (t = new Template(JSON.parse(readFileSync(join(defaultCardsDir(), `${name}.json`), 'utf8')))));
  return t;
};
const ours = new CardTemplates(defaultCardsDir());

const byCard = new Map<CardName, { before: number; after: number; n: number }>();
for (let round = 0; round < rounds; round++) {
  for (const c of calls) {
    const t = templateOf(c.name);
    const a = performance.now();
    t.expand({ $root: c.data });
    const b = performance.now();
    ours.render(c.name, c.data);
    const e = performance.now();
    if (round < warmUp) continue;
    const row = byCard.get(c.name) ?? { before: 0, after: 0, n: 0 };
    row.before += b - a;
    row.after += e - b;
    row.n += 1;
    byCard.set(c.name, row);
  }
}

const us = (ms: number) => (ms * 1000).toFixed(1).padStart(9);
console.log(`${calls.length} sample renders × ${rounds} rounds; µs per render (mean), library expand vs CardTemplates.render`);
console.log(`${'card'.padEnd(18)}${'samples'.padStart(8)}${'before'.padStart(9)}${'after'.padStart(9)}${'ratio'.padStart(8)}`);
let before = 0;
let after = 0;
for (const [name, r] of [...byCard].sort((x, y) => y[1].before - x[1].before)) {
  before += r.before;
  after += r.after;
  console.log(`${name.padEnd(18)}${String(r.n / measured).padStart(8)}${us(r.before / r.n)}${us(r.after / r.n)}${(r.after / r.before).toFixed(2).padStart(8)}`);
}
console.log(`all samples, one round: before ${(before / measured).toFixed(2)} ms, after ${(after / measured).toFixed(2)} ms`);
