import { openApiDocument } from '../openapi';
import type { RouteHandler } from '../http';

let document: Record<string, unknown> | undefined;

/** GET /openapi.json: the document, built once per process from the route contracts. */
export const getOpenApi: RouteHandler = async () => {
  document ??= openApiDocument();
  return { status: 200, body: document };
};
