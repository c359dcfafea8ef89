// The model tables botframework-connector's own operations serialize with (not re-exported by its index).
import * as ConnectorMappers from 'botframework-connector/lib/connectorApi/models/mappers';

/**
 * The JSON body botframework-connector would send for an activity or a conversation's parameters, without its
 * serializer (issue 16). That serializer walks botbuilder's model tables ("mappers") generically for every value
 * of every call, matching type names with regular expressions and building property paths as it goes: about a
 * tenth of the bot's CPU under load. The same tables are read once here, at start, into one small function per
 * model, so what goes out is what botbuilder would send: only the properties its schema knows, in its order,
 * `null` kept and `undefined` left out, dates as ISO strings, free-form parts (card content, channelData, value)
 * passed through as they are, and the same refusals (a non-string where the schema says string) before sending.
 */

interface Mapper {
  serializedName?: string;
  readOnly?: boolean;
  type: { name: string; className?: string; modelProperties?: Record<string, Mapper>; element?: Mapper; value?: Mapper; polymorphicDiscriminator?: unknown; additionalProperties?: unknown };
  [feature: string]: unknown;
}

/** Names in refusals are the model path fixed at start (`Activity.text`), so nothing is built per value. */
type Serialize = (value: unknown) => unknown;

const models = ConnectorMappers as unknown as Record<string, Mapper>;
const compiled = new Map<string, Serialize>();

/** Features of the generic serializer that botbuilder's connector models do not use; met, they stop the start. */
const UNSUPPORTED = ['isConstant', 'required', 'nullable', 'constraints', 'defaultValue', 'xmlName'];

function fail(where: string, what: string): never {
  throw new Error(`${where} ${what}`);
}

function compile(mapper: Mapper, where: string): Serialize {
  for (const f of UNSUPPORTED) if (mapper[f] !== undefined) throw new Error(`connector-json: ${where} uses "${f}", which this serializer does not implement`);
  switch (mapper.type.name) {
    case 'String':
      return (v) => (v === undefined || v === null || typeof (v as string).valueOf() === 'string' ? v : fail(where, `with value "${String(v)}" must be of type string.`));
    case 'Boolean':
      return (v) => (v === undefined || v === null || typeof v === 'boolean' ? v : fail(where, `with value ${String(v)} must be of type boolean.`));
    case 'Number':
      return (v) => (v === undefined || v === null || typeof v === 'number' ? v : fail(where, `with value ${String(v)} must be of type number.`));
    case 'Object':
      return (v) => v;
    case 'DateTime':
      return (v) => {
        if (v === undefined || v === null) return v;
        if (v instanceof Date) return v.toISOString();
        if (typeof (v as string).valueOf() === 'string' && !Number.isNaN(Date.parse(v as string))) return new Date(v as string).toISOString();
        return fail(where, 'must be an instanceof Date or a string in ISO8601 format.');
      };
    case 'Sequence': {
      const element = lazy(mapper.type.element!, `${where}[]`);
      return (v) => {
        if (v === undefined || v === null) return v;
        if (!Array.isArray(v)) fail(where, 'must be of type Array.');
        return (v as unknown[]).map(element);
      };
    }
    case 'Dictionary': {
      const value = lazy(mapper.type.value!, `${where}{}`);
      return (v) => {
        if (v === undefined || v === null) return v;
        if (typeof v !== 'object') fail(where, 'must be of type object.');
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(v as object)) out[key] = value((v as Record<string, unknown>)[key]);
        return out;
      };
    }
    case 'Composite':
      return composite(mapper.type.className!, where);
    default:
      throw new Error(`connector-json: ${where} has type ${mapper.type.name}, which this serializer does not implement`);
  }
}

/** A composite model by name: compiled once (the models refer to one another, Activity to ConversationReference…). */
function composite(className: string, where: string): Serialize {
  const known = compiled.get(className);
  if (known) return known;
  const model = models[className];
  if (!model?.type.modelProperties) throw new Error(`connector-json: unknown model ${className} at ${where}`);
  if (model.type.polymorphicDiscriminator || model.type.additionalProperties) throw new Error(`connector-json: ${className} is polymorphic or open, which this serializer does not implement`);
  const props: Array<{ key: string; out: string; serialize: Serialize }> = [];
  const serialize: Serialize = (v) => {
    if (v === undefined || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const p of props) {
      const s = p.serialize((v as Record<string, unknown>)[p.key]);
      if (s !== undefined) out[p.out] = s;
    }
    return out;
  };
  compiled.set(className, serialize);
  for (const [key, prop] of Object.entries(model.type.modelProperties)) {
    if (prop.readOnly) continue;
    const out = prop.serializedName ?? key;
    if (out.includes('.')) throw new Error(`connector-json: ${className}.${key} is a flattened property, which this serializer does not implement`);
    props.push({ key, out, serialize: compile(prop, `${className}.${key}`) });
  }
  return serialize;
}

/** Defers a nested model's compilation to its first use, so the models' cycles do not recurse at start. */
function lazy(mapper: Mapper, where: string): Serialize {
  let fn: Serialize | undefined;
  return (v) => (fn ??= compile(mapper, where))(v);
}

const activity = composite('Activity', 'activity');
const conversationParameters = composite('ConversationParameters', 'parameters');

/** The request body of send, reply and update: botframework-connector refuses a missing activity the same way. */
export function activityJson(value: unknown): string {
  if (value === undefined || value === null) throw new Error('activity cannot be null or undefined.');
  return JSON.stringify(activity(value));
}

/** The request body of createConversation. */
export function conversationParametersJson(value: unknown): string {
  if (value === undefined || value === null) throw new Error('parameters cannot be null or undefined.');
  return JSON.stringify(conversationParameters(value));
}
