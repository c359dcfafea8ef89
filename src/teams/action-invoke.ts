import { z } from 'zod';

/** The card verbs the bot answers. Anything else gets an explicit UNKNOWN_ACTION answer, never a silent 200. */
export const VERBS = ['openForm', 'pickCustomer', 'submitForm', 'cancelForm', 'create', 'edit', 'cancel', 'retry', 'restoreUser', 'confirmRestore', 'approve', 'reject', 'refreshRequest', 'showHistory', 'connectCustomer'] as const;
export type Verb = (typeof VERBS)[number];
/** Verbs answered by the history route (history-route.ts); the request flows answer the others. */
export type HistoryVerb = Extract<Verb, 'showHistory'>;
export type FlowVerb = Exclude<Verb, HistoryVerb>;

export function isVerb(v: string): v is Verb {
  return (VERBS as readonly string[]).includes(v);
}

/** `adaptiveCard/action` invoke value, parsed before anything reads it. Card data itself stays `unknown`. */
export const actionInvokeSchema = z.object({
  action: z.object({
    type: z.literal('Action.Execute'),
    verb: z.string().max(64),
    id: z.string().optional(),
    data: z.record(z.unknown()).optional().default({}),
  }),
  trigger: z.enum(['manual', 'automatic']).optional(),
  authentication: z.object({ token: z.string().min(1) }).partial().optional(),
  state: z.string().optional(),
});
export type ActionInvoke = z.infer<typeof actionInvokeSchema>;

/** A request id from card data: a GUID or nothing. */
export const requestIdSchema = z.string().uuid();

export function dataString(data: Record<string, unknown>, key: string): string | undefined {
  const v = data[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

// The `signin/*` invoke values are parsed in sign-in-routes.ts.

/** `application/search` invoke value (typeahead of an Input.ChoiceSet with Data.Query), parsed before use. */
export const searchInvokeSchema = z.object({
  dataset: z.string(),
  queryText: z.string().max(200).optional().default(''),
  queryOptions: z.object({ top: z.number().int().min(0).max(1000).optional(), skip: z.number().int().min(0).optional() }).optional(),
});
