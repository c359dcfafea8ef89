import { z } from 'zod/v4';
import { integer } from '../core/zod3-compat';

/**
 * `adaptiveCard/action` invoke value, parsed before anything reads it. `action.data` stays a plain record here:
 * each verb parses it with its own schema (src/teams/verbs/).
 */
export const actionInvokeSchema = z.object({
  action: z.object({
    type: z.literal('Action.Execute'),
    verb: z.string().max(64),
    id: z.string().optional(),
    // A new {} each time (zod 4 would hand out the one default object to every invoke).
    data: z.record(z.string(), z.unknown()).optional().default(() => ({})),
  }),
  trigger: z.enum(['manual', 'automatic']).optional(),
  authentication: z.object({ token: z.string().min(1) }).partial().optional(),
  state: z.string().optional(),
});
export type ActionInvoke = z.infer<typeof actionInvokeSchema>;

// The `signin/*` invoke values are parsed in sign-in-routes.ts.

/** `application/search` invoke value (typeahead of an Input.ChoiceSet with Data.Query), parsed before use. */
export const searchInvokeSchema = z.object({
  dataset: z.string(),
  queryText: z.string().max(200).optional().default(''),
  queryOptions: z.object({ top: integer(z.number()).min(0).max(1000).optional(), skip: integer(z.number()).min(0).optional() }).optional(),
});
