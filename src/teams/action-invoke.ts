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
    // Only checked to be a plain object: each verb parses it with its own schema, which names the fields it reads.
    // A record schema parsed and copied every field here first (a form submits ~40) to no one's benefit (issue 16).
    // A new {} each time when there is none (zod 4 would hand out the one default object to every invoke).
    data: z
      .custom<Record<string, unknown>>(isPlainRecord, { message: 'action.data must be an object' })
      .optional()
      .transform((d): Record<string, unknown> => d ?? {}),
  }),
  trigger: z.enum(['manual', 'automatic']).optional(),
  authentication: z.object({ token: z.string().min(1) }).partial().optional(),
  state: z.string().optional(),
});
export type ActionInvoke = z.infer<typeof actionInvokeSchema>;

/** A JSON object (not an array, not null): what card data always is. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// The `signin/*` invoke values are parsed in sign-in-routes.ts.

/** `application/search` invoke value (typeahead of an Input.ChoiceSet with Data.Query), parsed before use. */
export const searchInvokeSchema = z.object({
  dataset: z.string(),
  queryText: z.string().max(200).optional().default(''),
  queryOptions: z.object({ top: integer(z.number()).min(0).max(1000).optional(), skip: integer(z.number()).min(0).optional() }).optional(),
});
