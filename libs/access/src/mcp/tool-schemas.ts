import { z } from 'zod';
import { ADVERTISED_REQUIRED, UNADVERTISED } from '@app/shared';

/** The envelope of every domain error, carried as JSON text content of an `isError` tool result. */
export const toolErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
    hint: z.string().nullable(),
  }),
});

type Json = Record<string, unknown>;

/**
 * Drops schema keywords from an advertised JSON Schema (never property names: `properties` maps are walked,
 * not filtered). The zod schemas keep every rule and the server validates with them; what is advertised is
 * what a client needs to build a call or read a result, and every keyword costs context in every session.
 */
function withoutKeywords(schema: unknown, keywords: ReadonlySet<string>): unknown {
  if (Array.isArray(schema)) return schema.map((item) => withoutKeywords(item, keywords));
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Json = {};
  // A nullable field is anyOf [its type, null]: the field's own description says it; the branch's would repeat it.
  const described = typeof (schema as Json).description === 'string';
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'anyOf' && described && Array.isArray(value)) {
      out[key] = value.map((branch) => withoutKeywords(typeof branch === 'object' && branch !== null ? { ...branch, description: undefined } : branch, keywords));
      continue;
    }
    if (keywords.has(key) || (key === 'additionalProperties' && value === false && keywords.has('additionalProperties:false'))) continue;
    // z.number().int() says "a safe integer" with two 16-digit bounds: true of every JSON integer we send or read.
    if ((key === 'minimum' || key === 'maximum') && Math.abs(value as number) === Number.MAX_SAFE_INTEGER) continue;
    if ((key === 'properties' || key === '$defs') && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, withoutKeywords(sub, keywords)]));
    } else {
      out[key] = withoutKeywords(value, keywords);
    }
  }
  return out;
}

// `$schema` everywhere (MCP's default dialect is 2020-12 already). Inputs: length, count and range bounds
// and the implied `propertyNames: string` (enforced by the server, answered as invalid_input naming the
// field and the bound). Outputs: descriptions, `additionalProperties: false`, `required` and `enum` (a
// result carries exactly the fields it declares, absent ones as null, with values from the domain's own
// lists: the server validates every result against the full schema before it is sent; the field names and
// types are what a client builds on).
const DROPPED_KEYWORDS = {
  input: new Set(['$schema', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minimum', 'maximum', 'propertyNames']),
  output: new Set(['$schema', 'description', 'additionalProperties:false', 'required', 'enum', 'propertyNames']),
};

/**
 * The top-level input fields as advertised: an older field form the server still accepts is left out, and
 * the reference it stood in for is listed as required (giving that one is always a valid call).
 */
function advertisedFields(schema: Json): Json {
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  const shown: Record<string, Json> = {};
  for (const [name, field] of Object.entries(properties)) {
    if (field[UNADVERTISED]) {
      required.delete(name);
      continue;
    }
    const { [ADVERTISED_REQUIRED]: mustGive, ...rest } = field;
    if (mustGive) required.add(name);
    shown[name] = rest;
  }
  return { ...schema, properties: shown, ...(required.size ? { required: [...required] } : {}) };
}

// JSON Schema conversion is done once per schema.
function cachedJsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  let cached: Json | undefined;
  const advertise = (json: Json) => (io === 'input' ? advertisedFields(json) : json);
  return () => (cached ??= advertise(withoutKeywords(z.toJSONSchema(schema, { target: 'draft-2020-12', io }), DROPPED_KEYWORDS[io]) as Json));
}

/**
 * Input schema handed to mcp-nest. It advertises the zod schema but accepts any value, because
 * validation happens in ToolExecutionInterceptor where a failure can become a structured
 * `invalid_input` result naming each field, instead of a bare text message.
 */
export function deferredInputSchema(schema: z.ZodObject) {
  const json = cachedJsonSchema(schema, 'input');
  return {
    '~standard': {
      version: 1 as const,
      vendor: 'openwork',
      validate: (value: unknown) => ({ value }),
      jsonSchema: { input: json, output: json },
    },
  };
}

/**
 * Output schema: the tool's success shape. Domain errors are `isError` results with the envelope as text
 * (see toolErrorResult), so they are not part of it.
 */
export function toolOutputSchema(schema: z.ZodObject) {
  const json = cachedJsonSchema(schema, 'output');
  return {
    '~standard': {
      version: 1 as const,
      vendor: 'openwork',
      validate: (value: unknown) => {
        const result = schema.safeParse(value);
        return result.success
          ? { value: result.data }
          : { issues: result.error.issues.map((i) => ({ message: i.message, path: i.path.map(String) })) };
      },
      jsonSchema: { input: json, output: json },
    },
  };
}
