import { z } from 'zod';
import type { Route } from './routes/route';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['message', 'field'],
      properties: {
        message: { type: 'string' },
        field: { type: ['string', 'null'], description: 'the request field at fault: a query parameter, a JSON path such as points[2].time, body, authorization' },
      },
    },
  },
} as const;

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** An OpenAPI 3.1 document for the routes, generated from the same zod schemas that validate requests. */
export function openApiDocument(routes: readonly Route[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [];
    const addParams = (schema: z.ZodObject | undefined, where: 'path' | 'query') => {
      if (!schema) return;
      const js = jsonSchema(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
      for (const [name, prop] of Object.entries(js.properties ?? {})) {
        const { description, ...schemaOnly } = prop;
        parameters.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), description, schema: schemaOnly });
      }
    };
    addParams(route.params, 'path');
    addParams(route.query, 'query');
    const op: Record<string, unknown> = {
      summary: route.summary,
      tags: [route.tag],
      operationId: `${route.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      parameters,
      responses: {
        [route.response.status]: { description: route.response.description, content: { [route.response.type]: {} } },
        '4XX': { description: 'invalid request (400), missing or wrong token (401), unknown resource (404), too large (413)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
    if (route.body) {
      op.requestBody =
        'raw' in route.body
          ? { required: true, description: route.body.description, content: Object.fromEntries(route.body.raw.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])) }
          : { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } };
    }
    if (!route.public) op.security = [{ bearer: [] }];
    (paths[path] ??= {})[route.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hotpath profile service',
      version,
      description:
        'Stores profiles, metrics and deploy events; turns profiles into per-function CPU-share series; detects regressions and ranks the commits that caused them. Times are milliseconds since the Unix epoch (ISO 8601 accepted on input); shares are fractions of a window\'s samples.',
    },
    servers: [{ url: 'http://127.0.0.1:4318' }],
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'required when the service runs with --token' } },
    },
  };
}
