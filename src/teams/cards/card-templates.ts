import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CardTemplate } from './card-template';

export const CARD_NAMES = ['welcome', 'pick-customer', 'new-user-form', 'confirm', 'creating', 'created', 'failed', 'notice', 'approval-request', 'history', 'customers', 'templates', 'template-form', 'bulk-input', 'bulk-batch', 'bulk-passwords'] as const;
export type CardName = (typeof CARD_NAMES)[number];

export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  version: string;
  [key: string]: unknown;
}

/**
 * The card templates in cards/, read and parsed once at start (never per render). A missing or broken template
 * stops the start, rather than failing in front of a person later.
 *
 * The templating library (adaptivecards-templating with adaptive-expressions and its ANTLR parser) is loaded on
 * first use or by warm(), not at start: loading it is about a third of the bot's start CPU, and /healthz needs none
 * of it. main.ts calls warm() once the server listens, so the first card does not pay for it either.
 */
export class CardTemplates {
  private readonly json = new Map<CardName, unknown>();
  private templates?: Map<CardName, CardTemplate>;

  constructor(dir: string) {
    const files = new Set(readdirSync(dir));
    for (const name of CARD_NAMES) {
      const file = `${name}.json`;
      if (!files.has(file)) throw new Error(`card template ${file} is missing from ${dir}`);
      this.json.set(name, JSON.parse(readFileSync(join(dir, file), 'utf8')));
    }
  }

  /** Loads the templating library and builds every template (idempotent). */
  warm(): void {
    if (this.templates) return;
    // card-template.ts loads the library; each template is the library's, made cheaper to expand (issue 16).
    const { cardTemplate } = require('./card-template') as typeof import('./card-template');
    const templates = new Map<CardName, CardTemplate>();
    for (const [name, json] of this.json) templates.set(name, cardTemplate(json));
    this.templates = templates;
  }

  render(name: CardName, data: object): AdaptiveCardJson {
    this.warm();
    const template = this.templates?.get(name);
    if (!template) throw new Error(`unknown card ${name}`);
    return template.expand({ $root: data }) as AdaptiveCardJson;
  }
}

/** The repository's cards/ folder, whether running from src/ (ts-node) or dist/src/ (compiled). */
export function defaultCardsDir(): string {
  const candidates = [join(__dirname, '..', '..', '..', 'cards'), join(__dirname, '..', '..', '..', '..', 'cards')];
  for (const c of candidates) {
    try {
      if (readdirSync(c).includes('welcome.json')) return c;
    } catch {
      // try the next candidate
    }
  }
  throw new Error(`cards/ not found near ${__dirname}`);
}
