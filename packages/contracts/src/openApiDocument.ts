import { z } from 'zod';
import { errorCodes, type ErrorCode } from './errors.ts';
import { apiRoutes, type ApiRoute, type RouteAuth } from './apiRoutes.ts';
import * as answers from './apiAnswers.ts';
import * as events from './events.ts';
import { ImageParams, JobView, VideoParams, VoiceParams } from './jobs.ts';
import { ApiKeyView } from './apiKeys.ts';
import { AssetRecipe, AssetView } from './assets.ts';
import { ModelView } from './models/modelView.ts';
import { WebhookEventView } from './webhooks.ts';
import { WorkerAnnouncement } from './workers.ts';

type JsonSchema = Record<string, unknown>;

/** Codes any route of this kind may answer, besides its own. */
export const commonErrors: Record<RouteAuth, ErrorCode[]> = {
  public: ['rate_limited', 'internal'],
  user: ['unauthenticated', 'account_disabled', 'csrf_rejected', 'rate_limited', 'database_unavailable', 'internal'],
  admin: ['unauthenticated', 'forbidden', 'account_disabled', 'csrf_rejected', 'rate_limited', 'database_unavailable', 'internal'],
  signedUrl: ['internal'],
  stripe: ['internal'],
};

/** Named once in `components.schemas`, referenced wherever they appear: these as sent... */
const requestComponents: Record<string, z.ZodType> = { ImageParams, VideoParams, VoiceParams };

/** ...and these as answered. */
const components: Record<string, z.ZodType> = {
  JobView,
  ApiKeyView,
  AssetView,
  AssetRecipe,
  ModelView,
  WebhookEventView,
  WorkerAnnouncement,
  ErrorCode: answers.ErrorCodeSchema,
  Error: answers.ErrorAnswer,
  SnapshotEvent: events.SnapshotEvent,
  ResetEvent: events.ResetEvent,
  StatusEvent: events.StatusEvent,
  ProgressEvent: events.ProgressEvent,
  PreviewEvent: events.PreviewEvent,
  OutputEvent: events.OutputEvent,
  ErrorEvent: events.ErrorEvent,
  QueueEvent: events.QueueEvent,
};

const operationId = (route: ApiRoute) =>
  route.method.toLowerCase() +
  route.path
    .split(/[/{}.-]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');

/**
 * One registry per direction: requests are described as they may be sent (defaults optional),
 * answers as they come back (defaults filled in). zod turns each registry into JSON Schema
 * 2020-12 (what OpenAPI 3.1 uses) with `$ref`s between the named schemas.
 */
function schemasOf(io: 'input' | 'output', named: Record<string, z.ZodType>): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io, uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' });
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema as JsonSchema]));
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/** Every code a route may answer: its own, its kind's, and those of its scope, parameters and body. */
export function documentedErrorCodes(route: ApiRoute): ErrorCode[] {
  const codes: ErrorCode[] = [...commonErrors[route.auth], ...(route.errors ?? [])];
  if (route.scope) codes.push('api_key_scope_missing');
  if (route.body || route.query || route.params) codes.push('validation_failed');
  return [...new Set(codes)];
}

/** A browser's sign-in refusal is a page to read; every other caller gets the JSON error. */
const errorPage = { 'text/html': { schema: { type: 'string', description: 'A page that says what went wrong, with a link to try again.' } } };

function errorAnswers(codes: ErrorCode[], pages: boolean) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) byStatus.set(errorCodes[code].status, [...(byStatus.get(errorCodes[code].status) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      {
        description: list.map((code) => `\`${code}\`: ${errorCodes[code].message}`).join('\n\n'),
        content: { 'application/json': { schema: ref('Error') }, ...(pages ? errorPage : {}) },
      },
    ]),
  );
}

function parameters(route: ApiRoute, inputs: Record<string, JsonSchema>, id: string) {
  const list: Record<string, unknown>[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
    ['header', route.headers],
  ] as const) {
    if (!schema) continue;
    const json = inputs[`${id}_${where}`] as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      const { description, ...rest } = property;
      list.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), description, schema: rest });
    }
  }
  return list;
}

const security: Record<RouteAuth, unknown[] | undefined> = {
  public: [],
  user: [{ apiKey: [] }, { session: [] }],
  admin: [{ apiKey: [] }, { session: [] }],
  signedUrl: [],
  stripe: [],
};

const description = `Atelier's HTTP API: submit image, video and voice jobs, follow them as Server-Sent Events, fetch what they made.

Authenticate with an API key (\`Authorization: Bearer atl_…\`; \`atelier keys create\` or \`POST /api/keys\`) or, in the browser, the session cookie set by signing in (writes must come from this site's origin). A key has scopes (\`generate\`, \`read\`) and may have a monthly credit cap.

Every error is \`{"error": {"code", "message"}}\` with a stable code:

| code | status | meaning |
| --- | --- | --- |
${Object.entries(errorCodes)
  .map(([code, { status, message }]) => `| \`${code}\` | ${status} | ${message} |`)
  .join('\n')}

The job stream (\`GET /api/generate/{id}/stream\`) sends these events: ${Object.keys(components)
  .filter((name) => name.endsWith('Event'))
  .map((name) => `\`${name}\``)
  .join(', ')}.`;

/** The OpenAPI 3.1 document of every route in `apiRoutes`, built from the same zod schemas the API checks with. */
export function buildOpenApiDocument(options: { version: string; serverUrl?: string }) {
  const inputNamed: Record<string, z.ZodType> = {};
  const outputNamed: Record<string, z.ZodType> = { ...components };
  for (const route of apiRoutes) {
    const id = operationId(route);
    if (route.params) inputNamed[`${id}_path`] = route.params;
    if (route.query) inputNamed[`${id}_query`] = route.query;
    if (route.headers) inputNamed[`${id}_header`] = route.headers;
    if (route.body) inputNamed[`${id}_body`] = route.body;
    for (const [status, answer] of Object.entries(route.answers))
      if (answer.body && !Object.values(components).includes(answer.body)) outputNamed[`${id}_${status}`] = answer.body;
  }
  const inputs = schemasOf('input', { ...inputNamed, ...requestComponents });
  const outputs = schemasOf('output', outputNamed);
  const answerSchema = (body: z.ZodType, id: string, status: string) => {
    const name = Object.entries(components).find(([, schema]) => schema === body)?.[0];
    return name ? ref(name) : ref(`${id}_${status}`);
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of apiRoutes) {
    const id = operationId(route);
    const responses: Record<string, unknown> = errorAnswers(documentedErrorCodes(route), route.errorPages === true);
    for (const [status, answer] of Object.entries(route.answers)) {
      responses[status] = {
        description: answer.description,
        ...(answer.body
          ? { content: { [answer.contentType ?? 'application/json']: { schema: answerSchema(answer.body, id, status) } } }
          : answer.contentType
            ? { content: { [answer.contentType]: {} } }
            : {}),
      };
    }
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: id,
      summary: route.summary,
      tags: [route.tag],
      security: security[route.auth],
      ...(route.scope ? { 'x-api-key-scope': route.scope, description: `An API key needs the \`${route.scope}\` scope.` } : {}),
      parameters: parameters(route, inputs, id),
      ...(route.body ? { requestBody: { required: true, content: { [route.bodyContentType ?? 'application/json']: { schema: ref(`${id}_body`) } } } } : {}),
      responses,
    };
  }

  return {
    openapi: '3.1.0',
    info: { title: 'Atelier API', version: options.version, description },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths,
    components: {
      schemas: { ...inputs, ...outputs },
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key (`atl_…`).' },
        session: { type: 'apiKey', in: 'cookie', name: 'atelier_session', description: 'The session cookie of a signed-in browser.' },
      },
    },
  };
}
