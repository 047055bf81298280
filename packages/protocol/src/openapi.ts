/**
 * JSON Schema and OpenAPI documents, serialised from the same schema objects the validators are
 * compiled from (events.ts), so docs and behaviour cannot drift apart.
 */
import { EVENT_SCHEMAS, PROTOCOL_VERSION } from './events.js';
import { BatchEnvelope, IngestResponse } from './envelope.js';

type Json = Record<string, unknown>;
const plain = (schema: unknown): Json => JSON.parse(JSON.stringify(schema)) as Json;

/** JSON Schema (draft 2020-12 keywords) of the batch envelope with every event kind. */
export function eventJsonSchema(): Json {
  const envelope = plain(BatchEnvelope);
  const props = envelope.properties as Json;
  props.events = {
    type: 'array',
    maxItems: (props.events as Json).maxItems,
    items: { oneOf: Object.keys(EVENT_SCHEMAS).map((t) => ({ $ref: `#/$defs/${t}` })) },
  };
  const defs: Json = {};
  for (const [type, schema] of Object.entries(EVENT_SCHEMAS)) {
    const s = plain(schema);
    delete s.$id;
    defs[type] = s;
  }
  delete envelope.$id;
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...envelope, $defs: defs };
}

const errorSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    field: { type: 'string' },
  },
};

const jsonError = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/**
 * One more operation for the document. Only path, method and tag are required: what the server
 * knows about a route (summary, parameters, body, security…) is passed through as given.
 */
export type ExtraPath = {
  path: string;
  method: string;
  tag: string;
  summary?: string;
  description?: string;
  operationId?: string;
  parameters?: Json[];
  requestBody?: Json;
  responses?: Json;
  security?: Json[];
  [extension: `x-${string}`]: unknown;
};

/** Security schemes the server adds to the protocol's own (`ingestKey`). */
export type OpenApiOptions = { securitySchemes?: Json };

/** The OpenAPI 3.1 document the server serves at /api/openapi.json. */
export function openApiDocument(extra: ExtraPath[] = [], o: OpenApiOptions = {}): Json {
  const schema = eventJsonSchema();
  const defs = schema.$defs as Json;
  delete schema.$defs;
  delete schema.$schema;
  // inside an OpenAPI document the event schemas live in components, not in $defs
  const envelopeSchema = JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"#/components/schemas/')) as Json;
  const paths: Json = {
    '/api/v1/events': {
      post: {
        tags: ['ingest'],
        summary: 'Ingest a batch of events (acknowledged after they are durably stored)',
        operationId: 'ingestEvents',
        parameters: [
          { name: 'x-mgops-key', in: 'header', required: true, schema: { type: 'string' } },
          { name: 'content-encoding', in: 'header', required: false, schema: { enum: ['gzip', 'identity'] } },
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/BatchEnvelope' } } },
        },
        responses: {
          '200': {
            description: 'Accepted events committed; rejected ones listed by index and field',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/IngestResponse' } } },
          },
          '400': jsonError('Malformed body or envelope'),
          '401': jsonError('Missing or unknown ingest key'),
          '413': jsonError('Body too large'),
          '415': jsonError('Unsupported content type or encoding'),
          '429': jsonError('Rate limited or overloaded; retry after Retry-After seconds'),
        },
        security: [{ ingestKey: [] }],
      },
    },
  };
  for (const { path, method, tag, ...rest } of extra) {
    const entry = (paths[path] ?? {}) as Json;
    const own = entry[method] as Json | undefined;
    // an operation described here (ingest) keeps its description; the server adds what it knows
    entry[method] = own
      ? { ...rest, ...own }
      : { tags: [tag], ...rest, responses: rest.responses ?? { '200': { description: 'OK' }, '400': jsonError('Bad request'), '404': jsonError('Not found') } };
    paths[path] = entry;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'MindGuard Ops API',
      version: `1.0.0`,
      description: `Event protocol version ${PROTOCOL_VERSION}`,
    },
    paths,
    components: {
      schemas: {
        BatchEnvelope: envelopeSchema,
        IngestResponse: plain(IngestResponse),
        Error: errorSchema,
        ...defs,
      },
      securitySchemes: { ingestKey: { type: 'apiKey', in: 'header', name: 'x-mgops-key', description: 'Ingest key of one app (mgops keys create)' }, ...o.securitySchemes },
    },
  };
}
