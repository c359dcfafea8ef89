import { CardTemplates, defaultCardsDir } from '../../../src/teams/cards/card-templates';
import { sampleViews } from '../../support/card-samples';
import { LONG, LONG_MARKERS, LONG_UPN, longValueCards } from '../../support/long-value-samples';

/**
 * Long user names, display names, company names and domains wrap on every card instead of running past its edge
 * or being cut. Measured in the Agents Playground (headless Chromium, its Adaptive Cards renderer, schema 1.5):
 * a TextBlock with `wrap: true` breaks an unbroken value inside the word; a FactSet value does not (a 367-character
 * user name ran 1,500 px past a 446 px card and was clipped), and neither does a button title. The rule:
 * - every TextBlock that shows such a value has `wrap: true`;
 * - no FactSet shows one (the cards show those facts as two-column rows of wrapping TextBlocks);
 * - no button title shows one in full (a name in a title is cut short: views.ts `buttonName`);
 * - a choice list drawn as radio buttons or check boxes (`expanded`) has `wrap: true`; a drop-down or a search box
 *   shows its value in a one-line box, which scrolls (measured: nothing past the card's edge);
 * - the user's own values are shown whole (TEXT_LIMITS.upn, and Graph's 256 for a display name).
 */
type Node = Record<string, unknown>;

function walk(node: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(node)) return node.forEach((n) => walk(n, visit));
  if (!node || typeof node !== 'object') return;
  visit(node as Node);
  Object.values(node as Node).forEach((n) => walk(n, visit));
}

const showsLong = (text: unknown) => typeof text === 'string' && LONG_MARKERS.some((m) => text.includes(m));

describe('cards with the longest values', () => {
  const views = sampleViews(new CardTemplates(defaultCardsDir()));
  const cards = longValueCards(views);

  it('the long values are what the rule needs: 113 characters before the @, a 253-character domain, no break opportunity', () => {
    expect(LONG.local).toHaveLength(113);
    expect(LONG.domain).toHaveLength(253);
    expect(LONG.displayName).toHaveLength(256);
    expect(LONG_UPN).toMatch(/^[a-z.]+@[a-z.]+$/);
  });

  it.each(cards.map(([label, render]) => [label, render]))('%s', (_label, render) => {
    const card = render();
    const textBlocks: Node[] = [];
    const choiceSets: Node[] = [];
    const facts: Array<{ title: string; value: string }> = [];
    const actionTitles: string[] = [];
    walk(card, (n) => {
      if (n.type === 'TextBlock') textBlocks.push(n);
      if (n.type === 'Input.ChoiceSet' && (n.choices as Array<{ title: string }>).some((c) => showsLong(c.title))) choiceSets.push(n);
      if (n.type === 'FactSet') facts.push(...(n.facts as typeof facts));
      if (typeof n.type === 'string' && n.type.startsWith('Action.') && typeof n.title === 'string') actionTitles.push(n.title);
    });
    const showing = textBlocks.filter((t) => showsLong(t.text));
    // The card does show a long value (else the rule below would pass without looking at anything).
    expect(showing.length + choiceSets.length).toBeGreaterThan(0);
    for (const c of choiceSets.filter((x) => x.style === 'expanded')) expect({ id: c.id, wrap: c.wrap }).toEqual({ id: c.id, wrap: true });
    for (const t of showing) expect({ text: t.text, wrap: t.wrap }).toEqual({ text: t.text, wrap: true });
    expect(facts.filter((f) => showsLong(f.value) || showsLong(f.title))).toEqual([]);
    for (const title of actionTitles) expect(title.length).toBeLessThanOrEqual(48);
    // A user name is never cut: wherever its start shows, all of it does.
    for (const t of showing) if ((t.text as string).includes(LONG.local.slice(0, 40))) expect(t.text).toContain(LONG_UPN);
    for (const t of showing) if ((t.text as string).includes(LONG.domain.slice(0, 40))) expect(t.text).toContain(LONG.domain);
  });

  it('the user to create, the created user and the request show the whole display name', () => {
    for (const label of ['confirm', 'created (password shown)', 'approval-request (pending)', 'current (created)']) {
      const card = cards.find(([l]) => l === label)![1]();
      const texts: string[] = [];
      walk(card, (n) => n.type === 'TextBlock' && texts.push(n.text as string));
      expect(texts).toContain(LONG.displayName);
    }
  });
});
