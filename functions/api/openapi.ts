import * as z from 'zod/mini';
import { routeContracts, type RouteContract } from './contract/route-contracts';
import { errorBody } from './contract/responses';
import { MAX_CONTROL_BODY_BYTES, routeSpecs, type RouteKey, type RouteSpec } from './route-specs';

/** The API's own version: it changes when the contract does, not with every build. */
export const API_VERSION = '1.0.0';

type Json = Record<string, unknown>;

/**
 * Zod 4's JSON Schema of one schema, its `$defs` (schemas given an id with `.meta({id})`) moved
 * into `components.schemas` and referenced from there, as OpenAPI resolves `$ref`s against the
 * whole document.
 */
function schemaOf(schema: z.ZodMiniType, io: 'input' | 'output', components: Record<string, Json>): Json {
  const { $schema: _ignored, $defs, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json & { $defs?: Record<string, Json> };
  const relink = <T>(value: T): T => JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as T;
  for (const [id, definition] of Object.entries($defs ?? {})) components[id] ??= relink(definition);
  return relink(json);
}

function parameters(contract: RouteContract, components: Record<string, Json>): Json[] {
  const list: Json[] = [];
  for (const [name, schema] of Object.entries(contract.path ?? {})) list.push({ name, in: 'path', required: true, schema: schemaOf(schema, 'input', components) });
  for (const [name, description] of Object.entries(contract.requestHeaders ?? {})) list.push({ name, in: 'header', required: false, description, schema: { type: 'string', minLength: 1, maxLength: 255 } });
  if (contract.query) {
    const query = schemaOf(contract.query, 'input', components) as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      list.push({ name, in: 'query', required: (query.required ?? []).includes(name), schema });
    }
  }
  return list;
}

function operation(spec: RouteSpec, contract: RouteContract, components: Record<string, Json>): Json {
  const responses: Json = {};
  for (const [status, answer] of Object.entries(contract.responses)) {
    responses[status] = {
      description: answer.description,
      ...(answer.headers ? { headers: Object.fromEntries(Object.entries(answer.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) } : {}),
      ...(answer.schema ? { content: { [answer.contentType ?? 'application/json']: { schema: schemaOf(answer.schema, 'output', components) } } } : {}),
    };
  }
  const errorContent = { 'application/json': { schema: schemaOf(errorBody, 'output', components) } };
  responses['400'] ??= { description: 'bad input: the message names every problem', content: errorContent };
  if (spec.scope !== 'none') {
    responses['401'] ??= { description: 'no token, or an unknown one', content: errorContent };
    responses['403'] ??= { description: `the token lacks the ${spec.scope} scope`, content: errorContent };
  }
  if (contract.body) {
    const limit = spec.maxBodyBytes ?? MAX_CONTROL_BODY_BYTES;
    responses['413'] ??= { description: `the body is larger than ${limit} bytes`, content: errorContent };
  }
  const changes = spec.method !== 'GET';
  responses['500'] ??= {
    description: changes ? 'the server failed part-way (logged): the request may have taken effect; the message says how to retry safely' : 'the server failed (the error is logged; the answer says no more)',
    content: errorContent,
  };
  responses['503'] ??= { description: `storage is unavailable or throttling${changes ? ': the request may have taken effect in part; the message says how to retry safely' : ': try again'}`, content: errorContent };
  responses['504'] ??= {
    description: changes
      ? '`outcome_unknown`: the request did not finish within the API\'s deadline and may or may not have taken effect; the message says how to retry safely'
      : '`timeout`: the request did not finish within the API\'s deadline; nothing was changed, try again',
    content: errorContent,
  };
  const body = contract.body;
  const params = parameters(contract, components);
  return {
    operationId: `${spec.method.toLowerCase()}${spec.path.replace(/[{}]/g, '').replace(/(^|[/.-])(\w)/g, (_m, _s, c: string) => c.toUpperCase())}`,
    summary: spec.summary,
    'x-nightshift-scope': spec.scope,
    ...(spec.scope === 'none' ? { security: [] } : { security: [{ bearer: [spec.scope] }] }),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(body
      ? {
          requestBody: {
            required: body.required,
            ...(body.description ? { description: body.description } : {}),
            content: {
              'application/json': { schema: schemaOf(body.schema, 'input', components) },
              ...Object.fromEntries(Object.entries(body.alternatives ?? {}).map(([type, alt]) => [type, { schema: { ...schemaOf(alt.schema, 'input', components), description: alt.description } }])),
            },
          },
        }
      : {}),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document of every route in `routeSpecs`, from the same zod schemas the routes
 * validate with. `GET /openapi.json` serves it; `npm run openapi` writes it to docs/openapi.json.
 */
export function openApiDocument(): Json {
  const paths: Record<string, Json> = {};
  const schemas: Record<string, Json> = {};
  for (const spec of routeSpecs) {
    const contract = routeContracts[`${spec.method} ${spec.path}` as RouteKey];
    (paths[spec.path] ??= {})[spec.method.toLowerCase()] = operation(spec, contract, schemas);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Nightshift API',
      version: API_VERSION,
      description:
        'Runs and inspects analytics jobs: rollups, snapshots, sampling proofs, exports and script runs. Errors are {"error":{"code","message"}}; bad input is a 4xx, never a 500. Tokens carry scopes read, ingest and admin (admin implies the others).',
    },
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => (a < b ? -1 : 1))),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a Nightshift token; its scopes decide what it may call' } },
    },
    paths,
  };
}
