/** Name and identifier rules of Microsoft Entra for a new user (see partner-center-contract.md). */
export const NAME_MAX = 64;
export const DISPLAY_NAME_MAX = 256;
/** onPremisesImmutableId is a base64 source anchor in practice (24 characters for a GUID); 128 leaves room. */
export const IMMUTABLE_ID_MAX = 128;
export const TICKET_MAX = 64;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function nameProblem(label: string, value: string, max: number, required: boolean): string | undefined {
  if (value.length === 0) return required ? `Enter a ${label}.` : undefined;
  if (value.length > max) return `The ${label} can have at most ${max} characters (it has ${value.length}).`;
  if (CONTROL.test(value)) return `The ${label} can't contain control characters.`;
  return undefined;
}

export function immutableIdProblem(value: string): string | undefined {
  if (value.length === 0) return undefined;
  if (value.length > IMMUTABLE_ID_MAX) return `The immutable id can have at most ${IMMUTABLE_ID_MAX} characters.`;
  if (/[$_\s]/.test(value) || CONTROL.test(value)) return 'The immutable id can\'t contain "$", "_" or spaces.';
  return undefined;
}

export function ticketProblem(value: string, required: boolean): string | undefined {
  if (value.length === 0) return required ? 'Enter the ticket or reference number.' : undefined;
  if (value.length > TICKET_MAX) return `The ticket can have at most ${TICKET_MAX} characters.`;
  if (CONTROL.test(value)) return "The ticket can't contain control characters.";
  return undefined;
}

/** "First Last", the default display name. */
export function defaultDisplayName(firstName: string, lastName: string): string {
  return `${firstName} ${lastName}`.trim();
}
