import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'adaptivecards-templating';
import { ERROR_CODES } from '../../../src/core/errors';
import { cardTemplate } from '../../../src/teams/cards/card-template';
import { CARD_NAMES, CardTemplates, defaultCardsDir, type CardName } from '../../../src/teams/cards/card-templates';
import { cardSamples, sampleViews } from '../../support/card-samples';

/**
 * Cards render byte for byte as the templating library alone renders them (issue 16: static parts expanded once,
 * paths read directly). The reference is the plain library path, a new Template per render:
 * `new Template(json).expand({ $root: data })`.
 */
const CARDS = defaultCardsDir();
const jsonOf = (name: CardName): unknown => JSON.parse(readFileSync(join(CARDS, `${name}.json`), 'utf8'));
const plain = (json: unknown, data: unknown): unknown => new Template(json).expand({ $root: data });

describe('card rendering is identical to the templating library alone', () => {
  const calls: Array<{ label: string; name: CardName; data: object; card: unknown }> = [];
  class Recording extends CardTemplates {
    label = '';
    override render(name: CardName, data: object) {
      const card = super.render(name, data);
      calls.push({ label: this.label, name, data, card });
      return card;
    }
  }
  const recording = new Recording(CARDS);
  const samples = cardSamples(sampleViews(recording));
  for (const [label, render] of samples) {
    recording.label = label;
    render();
  }

  it('the samples reach every template and every error code', () => {
    expect(CARD_NAMES.filter((n) => !calls.some((c) => c.name === n))).toEqual([]);
    expect(ERROR_CODES.filter((code) => !calls.some((c) => JSON.stringify(c.card).includes(`"error.${code}"`)))).toEqual([]);
    expect(calls.length).toBeGreaterThan(200);
  });

  it.each(samples.map(([label]) => [label]))('%s', (label) => {
    const mine = calls.filter((c) => c.label === label);
    expect(mine.length).toBeGreaterThan(0);
    for (const c of mine) {
      const reference = plain(jsonOf(c.name), c.data);
      expect(JSON.stringify(c.card)).toBe(JSON.stringify(reference));
      expect(c.card).toEqual(reference);
    }
  });

  it('each render is a fresh card: changing one changes neither the next nor the template', () => {
    const templates = new CardTemplates(CARDS);
    const data = calls.find((c) => c.name === 'confirm')!.data;
    const first = templates.render('confirm', data) as unknown as { body: Array<Record<string, unknown>>; actions: unknown[] };
    const before = JSON.stringify(first);
    first.body[0].text = 'changed';
    (first.body[1] as Record<string, unknown>).extra = { x: 1 };
    first.actions.length = 0;
    expect(JSON.stringify(templates.render('confirm', data))).toBe(before);
  });
});

describe('paths read directly keep the library’s rules', () => {
  // Each line is one rule of adaptive-expressions' path reading; a value the library would print differently fails.
  const template = {
    type: 'AdaptiveCard',
    body: [
      { type: 'TextBlock', text: '${name}' },
      { type: 'TextBlock', text: 'Hello ${user.name}, ${user.missing} and ${missing.deeper}!' },
      // Keys match case-insensitively, the first in key order winning.
      { type: 'TextBlock', text: '${TITLE} / ${title} / ${Other.Key}' },
      // Non-string values keep their type where the expression is the whole value, and are printed in a string.
      { type: 'X', number: '${n}', zero: '${zero}', flag: '${flag}', off: '${off}', nothing: '${nothing}', list: '${list}', obj: '${user}', empty: '${empty}' },
      { type: 'TextBlock', text: 'n=${n} zero=${zero} flag=${flag} off=${off} empty=[${empty}]' },
      // Inside a falsy or primitive value there is nothing to read.
      { type: 'X', a: '${zero.x}', b: '${empty.length}', c: '${off.x}', d: '${name.length}', e: '${list.length}' },
      // A Map is read by key, then case-insensitively.
      { type: 'X', a: '${map.k}', b: '${map.K}', c: '${map.nope}' },
      // $root, $data and $index inside a repetition, and conditions on paths.
      { type: 'TextBlock', $data: '${items}', text: '${$index}: ${label} of ${$root.name} (${$data.label})', $when: "${label != 'skip'}" },
      { type: 'TextBlock', $when: '${flag}', text: 'flag is on' },
      { type: 'TextBlock', $when: '${missing}', text: 'never' },
      { type: 'TextBlock', $when: '${nothing}', text: 'never either' },
      { type: 'TextBlock', $when: '${count(list) > 1 && user.name == ${q}x${q}}', text: 'lists' },
      { type: 'TextBlock', $when: '${!off}', text: 'negated' },
    ],
    actions: [{ type: 'Action.Execute', data: { static: [1, [2, 3], null, { a: [] }], id: '${user.id}' } }],
  };
  const q = "'";
  const data = {
    name: 'Ada *x* ${y}',
    user: { name: 'x', id: 7, Name: 'shadowed' },
    Title: 'first', title: 'second',
    other: { key: 'k1', KEY: 'k2' },
    n: 42, zero: 0, flag: true, off: false, nothing: null, list: ['a', 'b'], empty: '',
    map: new Map<string, string>([['k', 'v'], ['Kx', 'w']]),
    items: [{ label: 'one' }, { label: 'skip' }, { label: 'three' }],
    q,
  };

  it('renders as the library alone renders it', () => {
    const json = JSON.parse(JSON.stringify(template).replace(/\$\{q\}/g, q));
    const library = new Template(json);
    const reference = library.expand({ $root: data });
    const ours = cardTemplate(json);
    const fast = ours.expand({ $root: data });
    expect(JSON.stringify(fast)).toBe(JSON.stringify(reference));
    expect(fast).toEqual(reference);
    // The library's warnings (a `$when` that came out false, printed) are the same too, render after render.
    expect(library.getLastTemplateExpansionWarnings().length).toBeGreaterThan(0);
    expect(ours.getLastTemplateExpansionWarnings()).toEqual(library.getLastTemplateExpansionWarnings());
    ours.expand({ $root: data });
    expect(ours.getLastTemplateExpansionWarnings()).toEqual(library.getLastTemplateExpansionWarnings());
    // The rules above are really exercised (a template the library read differently would show it here).
    expect(JSON.stringify(reference)).toContain('Hello x, ${user.missing} and ${missing.deeper}!');
    expect(JSON.stringify(reference)).toContain('first / first');
  });

  it('a value the library cannot print fails as it does', () => {
    const json = { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'x ${nothing}' }] };
    expect(() => plain(json, { nothing: null })).toThrow();
    expect(() => cardTemplate(json).expand({ $root: { nothing: null } })).toThrow();
  });
});

describe('the walk decided once per node keeps the library’s rules', () => {
  // Each line is one rule of the library's walk (Template.internalExpand); a card it expanded differently fails.
  const template = {
    type: 'AdaptiveCard',
    $root: 'dropped', $index: 'dropped', $host: 'dropped', $_acTemplateVersion: 'dropped',
    body: [
      // An object repeated over an array, a nested repetition inside it, and $index and $data restored after each.
      { type: 'Container', $data: '${outer}', id: 'o${$index}', items: [{ type: 'TextBlock', $data: '${inner}', text: '${$index}:${v} in ${name}' }, { type: 'TextBlock', text: 'back to ${name} #${$index}' }] },
      { type: 'TextBlock', text: 'after: ${$index} ${name}' },
      // An array item that is undefined keeps the $data set before it; a null one is read as the item.
      { type: 'TextBlock', $data: '${holes}', text: '[${v}]' },
      // $data bound to one object (not repeated), to a literal array, and to an empty array (the object is dropped).
      { type: 'TextBlock', $data: '${single}', text: 'single ${v} #${$index}' },
      { type: 'TextBlock', $data: [{ v: 'lit1' }, { v: 'lit2' }], text: 'literal ${v}' },
      { type: 'TextBlock', $data: '${none}', text: 'never' },
      // $when that is not an expression drops the object (with a warning), whatever its value.
      { type: 'TextBlock', $when: true, text: 'dropped by a literal true' },
      { type: 'TextBlock', $when: 'yes', text: 'dropped by a literal string' },
      // A $when whose value is not a boolean drops the object; one that is true keeps it.
      { type: 'TextBlock', $when: '${name}', text: 'a string is not true' },
      { type: 'TextBlock', $when: '${count(outer) == 2}', text: 'kept' },
      // Nulls in arrays are left out; an expression whose value is an array is spliced into the array around it.
      null, '${list}', [1, [2]], '${nothing}',
      { type: 'X', keep: null, n: '${n}', nested: { deeper: ['${name}', null, { a: '${$root.name}' }] } },
    ],
  };
  const data = {
    name: 'root',
    outer: [{ name: 'first', inner: [{ v: 'a' }, { v: 'b' }] }, { name: 'second', inner: [{ v: 'c' }] }],
    holes: [{ v: 'h1' }, undefined, null, { v: 'h4' }],
    single: { v: 's' },
    none: [],
    list: ['l1', 'l2'],
    nothing: null,
    n: 3,
  };

  it('expands as the library alone expands it, warnings included', () => {
    const library = new Template(template);
    const reference = library.expand({ $root: data });
    const ours = cardTemplate(template);
    const fast = ours.expand({ $root: data });
    expect(JSON.stringify(fast)).toBe(JSON.stringify(reference));
    expect(fast).toEqual(reference);
    expect(ours.getLastTemplateExpansionWarnings()).toEqual(library.getLastTemplateExpansionWarnings());
    // The rules are really exercised.
    const text = JSON.stringify(reference);
    expect(text).toContain('"0:a in ${name}"'); // an inner item has no name: $data is the item
    expect(text).toContain('"back to second #1"');
    expect(text).toContain('"after: ${$index} root"');
    expect(text).toContain('"literal lit2"');
    expect(text).not.toContain('dropped');
    expect(text).toContain('"kept"');
    expect(library.getLastTemplateExpansionWarnings()).toEqual([expect.stringContaining('true is not an Adaptive Expression'), expect.stringContaining('yes is not an Adaptive Expression')]);
  });

  it('a $data expression that fails, fails as in the library', () => {
    const json = { type: 'AdaptiveCard', body: [{ type: 'TextBlock', $data: '${nothing.x}', text: '${y}' }] };
    const run = (expand: () => unknown) => {
      try {
        return JSON.stringify(expand());
      } catch (e) {
        return `threw ${(e as Error).message}`;
      }
    };
    expect(run(() => cardTemplate(json).expand({ $root: { nothing: null } }))).toBe(run(() => plain(json, { nothing: null })));
  });
});
