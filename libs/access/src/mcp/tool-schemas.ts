import { z } from 'zod';

/** What every domain error looks like inside a tool result's structuredContent. */
export const toolErrorSchema = z.object({
  error: z.object({
    code: z.string().describe('Stable machine-readable code, e.g. seat_limit_reached'),
    message: z.string().describe('What rule applied, in words'),
    details: z.record(z.string(), z.unknown()).describe('Facts behind the rule (limits, ids, allowed values)'),
    hint: z.string().nullable().describe('What would fix it'),
  }),
});

// JSON Schema conversion is cached per schema: tools/list runs on every stateless request.
function cachedJsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  let cached: Record<string, unknown> | undefined;
  return () => (cached ??= z.toJSONSchema(schema, { target: 'draft-2020-12', io }) as Record<string, unknown>);
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
 * Output schema: the tool's success shape, or the `{ error }` envelope of a domain error, so clients
 * that validate structured content accept both.
 */
export function toolOutputSchema(schema: z.ZodObject) {
  const success = cachedJsonSchema(schema, 'output');
  const failure = cachedJsonSchema(toolErrorSchema, 'output');
  let combined: Record<string, unknown> | undefined;
  const json = () => {
    if (!combined) {
      const { $schema, ...successSchema } = success();
      const { $schema: _ignored, ...failureSchema } = failure();
      combined = { $schema, type: 'object', anyOf: [successSchema, failureSchema] };
    }
    return combined;
  };
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
