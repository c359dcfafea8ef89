import { ERROR_CODES, type ErrorCode } from '../../src/core/errors';

/**
 * The stable error code an error card carries (the element id `error.<CODE>` on its title, which nobody sees;
 * see errorTitleId in src/teams/cards/card-values.ts), or undefined for a card that is not an error card. Tests assert
 * this instead of the words, which belong to error-text.ts. An id naming an unknown code fails the test here.
 */
export function errorCodeOf(card: unknown): ErrorCode | undefined {
  const found: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const id = (n as { id?: unknown }).id;
      if (typeof id === 'string' && id.startsWith('error.')) found.push(id.slice('error.'.length));
      Object.values(n).forEach(walk);
    }
  };
  walk(card);
  if (found.length > 1) throw new Error(`a card with more than one error code: ${found.join(', ')}`);
  const code = found[0];
  if (code !== undefined && !(ERROR_CODES as readonly string[]).includes(code)) throw new Error(`a card with an unknown error code: ${code}`);
  return code as ErrorCode | undefined;
}
