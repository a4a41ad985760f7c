import { NotFoundError } from '../errors';
import type { ApiContext, ApiRequest, ApiResponse, RouteHandler } from '../http';
import { CONSOLE_SECURITY_HEADERS, type ConsoleAssets } from '../console/console-assets';

/** The built console (read once by the context), or a 404 naming where it was looked for. */
function consoleAssets({ console }: ApiContext): ConsoleAssets {
  const assets = console.assets();
  if (!assets) throw new NotFoundError(`the web console is not built into this deployment (looked in ${console.directory}; \`npm run console:build\` builds it)`, 'console_not_built');
  return assets;
}

function serve(request: ApiRequest, context: ApiContext, name: string): ApiResponse {
  const asset = consoleAssets(context).files.get(name);
  if (!asset) throw new NotFoundError(`no console file ${name}`, 'console_file_not_found');
  const gzip = /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
  return {
    status: 200,
    bytes: gzip ? asset.gzipped : asset.body,
    headers: {
      ...CONSOLE_SECURITY_HEADERS,
      'content-type': asset.contentType,
      // The page itself is checked on every load, so a deploy shows at once; its hashed files never change.
      'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    },
  };
}

/**
 * GET /console: the web console's page. It asks for a token and then calls this API with it.
 * `/console/` (the router and API Gateway both bring it here) answers with a redirect to the page:
 * the page's asset links are relative to `<api>/console`, so from `/console/` they would miss. The
 * target is relative too (`../console`), so a stage prefix in front of the path stays.
 */
export const getConsolePage: RouteHandler = async (request, context) => {
  if (request.path.endsWith('/')) return { status: 308, headers: { ...CONSOLE_SECURITY_HEADERS, location: '../console', 'cache-control': 'no-cache' } };
  return serve(request, context, 'index.html');
};

/** GET /console/assets/{file}: the page's script and style sheet (content-hashed names). */
export const getConsoleAsset: RouteHandler = async (request, context) => {
  const file = request.pathParameters['file'] ?? '';
  // One path segment only: no way out of the console directory.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(file)) throw new NotFoundError(`no console file ${file}`, 'console_file_not_found');
  return serve(request, context, `assets/${file}`);
};
