import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Deployment } from './deployment';
import type { IamAuthority } from './iam';
import type { LambdaService, InvocationOutcome } from './lambda-service';
import type { MetricStore } from './cloudwatch/metric-store';
import { textOf } from './resources';

interface Route {
  routeKey: string;
  method: string;
  segments: string[];
  authorizationType: string;
  authorizerId: string | undefined;
  integrationId: string;
}

interface Authorizer {
  id: string;
  functionArn: string;
  identitySource: string[];
  ttlSeconds: number;
  simpleResponses: boolean;
  payloadFormatVersion: string;
}

export interface ApiRequestRecord {
  routeKey: string;
  status: number;
  authorized?: boolean;
}

/**
 * One AWS::ApiGatewayV2::Api (HTTP) as an HTTP server: its routes and their integrations and
 * authorizers from the template, payload format 2.0 events, the Lambda authorizer's identity
 * source, result cache and simple responses, the invoke permissions API Gateway needs, its
 * access log format and its AWS/ApiGateway metrics.
 */
export class HttpApi {
  readonly requests: ApiRequestRecord[] = [];
  readonly apiId: string;
  private readonly routes: Route[];
  private readonly integrations = new Map<string, { functionArn: string; payloadFormatVersion: string }>();
  private readonly authorizers = new Map<string, Authorizer>();
  private readonly authorizerCache = new Map<string, { expiresAt: number; context: Record<string, unknown> | undefined; allowed: boolean }>();
  private readonly accessLog: { logGroup: string; format: string } | undefined;
  private server: Server | undefined;

  constructor(
    private readonly deployment: Deployment,
    apiLogicalId: string,
    private readonly lambda: LambdaService,
    private readonly iam: IamAuthority,
    private readonly metrics: MetricStore,
    private readonly now: () => number,
  ) {
    const api = deployment.resources('AWS::ApiGatewayV2::Api').find((resource) => resource.logicalId === apiLogicalId);
    if (!api) throw new Error(`no HTTP API ${apiLogicalId}`);
    this.apiId = api.physical.ref;
    const ofApi = (type: string) => deployment.resources(type).filter((resource) => resource.props['ApiId'] === this.apiId);
    for (const integration of ofApi('AWS::ApiGatewayV2::Integration')) {
      this.integrations.set(integration.physical.ref, { functionArn: String(integration.props['IntegrationUri']), payloadFormatVersion: textOf(integration.props['PayloadFormatVersion'], '1.0') });
    }
    for (const authorizer of ofApi('AWS::ApiGatewayV2::Authorizer')) {
      const uri = String(authorizer.props['AuthorizerUri']);
      this.authorizers.set(authorizer.physical.ref, {
        id: authorizer.physical.ref,
        functionArn: /functions\/(.+)\/invocations$/.exec(uri)?.[1] ?? uri,
        identitySource: (authorizer.props['IdentitySource'] as string[] | undefined) ?? [],
        ttlSeconds: Number(authorizer.props['AuthorizerResultTtlInSeconds'] ?? 300),
        simpleResponses: authorizer.props['EnableSimpleResponses'] === true,
        payloadFormatVersion: textOf(authorizer.props['AuthorizerPayloadFormatVersion'], '2.0'),
      });
    }
    this.routes = ofApi('AWS::ApiGatewayV2::Route').map((route) => {
      const routeKey = String(route.props['RouteKey']);
      const [method = 'ANY', path = '/'] = routeKey === '$default' ? ['ANY', '/{proxy+}'] : routeKey.split(' ');
      return {
        routeKey,
        method,
        segments: path.split('/').filter(Boolean),
        authorizationType: textOf(route.props['AuthorizationType'], 'NONE'),
        authorizerId: route.props['AuthorizerId'] === undefined ? undefined : textOf(route.props['AuthorizerId']),
        integrationId: textOf(route.props['Target']).replace(/^integrations\//, ''),
      };
    });
    const stage = ofApi('AWS::ApiGatewayV2::Stage')[0];
    const logSettings = stage?.props['AccessLogSettings'] as { DestinationArn?: string; Format?: string } | undefined;
    if (logSettings?.DestinationArn && logSettings.Format) {
      const logGroup = /log-group:([^:]+)/.exec(logSettings.DestinationArn)?.[1] ?? logSettings.DestinationArn;
      this.accessLog = { logGroup, format: logSettings.Format };
    }
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://api');
    const method = req.method ?? 'GET';
    const requestId = randomUUID();
    const match = this.match(method, url.pathname);
    let answer: { status: number; headers: Record<string, string>; body: Buffer | string };
    let authorizerContext: Record<string, unknown> | undefined;
    let integrationError = '';
    if (!match) {
      answer = message(404, 'Not Found');
    } else {
      const event = this.event(req, url, body, match.route, match.pathParameters, requestId);
      const authorization = await this.authorize(match.route, event);
      authorizerContext = authorization.context;
      if (authorization.status !== 200) answer = message(authorization.status, authorization.message);
      else {
        if (authorizerContext) (event['requestContext'] as Record<string, unknown>)['authorizer'] = { lambda: authorizerContext };
        const result = await this.integrate(match.route, method, url.pathname, event);
        if (!result.ok) integrationError = result.errorMessage;
        answer = toResponse(result);
      }
    }
    const latency = Date.now() - started;
    this.record(match?.route.routeKey ?? '-', answer.status, latency, body.length, { requestId, sourceIp: req.socket.remoteAddress ?? '', integrationError, authorizer: authorizerContext });
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }

  private match(method: string, path: string): { route: Route; pathParameters: Record<string, string> } | undefined {
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    const candidates: Array<{ route: Route; pathParameters: Record<string, string>; score: number }> = [];
    for (const route of this.routes) {
      if (route.method !== 'ANY' && route.method !== method) continue;
      const pathParameters: Record<string, string> = {};
      let score = 0;
      let matched = true;
      for (let index = 0; index < route.segments.length; index += 1) {
        const pattern = route.segments[index] ?? '';
        const greedy = /^\{(.+)\+\}$/.exec(pattern);
        if (greedy) {
          pathParameters[greedy[1] ?? ''] = segments.slice(index).join('/');
          matched = segments.length > index;
          break;
        }
        const value = segments[index];
        if (value === undefined) matched = false;
        else if (/^\{.+\}$/.test(pattern)) pathParameters[pattern.slice(1, -1)] = value;
        else if (pattern === value) score += 2;
        else matched = false;
        if (!matched) break;
      }
      if (matched && !route.segments.some((segment) => segment.endsWith('+}')) && segments.length !== route.segments.length) matched = false;
      if (matched) candidates.push({ route, pathParameters, score: score + (route.method === 'ANY' ? 0 : 1) });
    }
    return candidates.sort((a, b) => b.score - a.score)[0];
  }

  private event(req: IncomingMessage, url: URL, body: Buffer, route: Route, pathParameters: Record<string, string>, requestId: string): Record<string, unknown> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && name !== 'cookie') headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
    const contentType = headers['content-type'] ?? '';
    const text = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/.test(contentType);
    const now = this.now();
    return {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      ...(req.headers.cookie ? { cookies: String(req.headers.cookie).split(/;\s*/) } : {}),
      headers,
      ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
      ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
      requestContext: {
        accountId: this.deployment.target.account,
        apiId: this.apiId,
        domainName: `${this.apiId}.execute-api.${this.deployment.target.region}.amazonaws.com`,
        domainPrefix: this.apiId,
        http: { method: req.method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
        requestId,
        routeKey: route.routeKey,
        stage: '$default',
        time: new Date(now).toISOString(),
        timeEpoch: now,
      },
      ...(body.length > 0 ? { body: text ? body.toString('utf8') : body.toString('base64') } : {}),
      isBase64Encoded: body.length > 0 && !text,
    };
  }

  private async authorize(route: Route, event: Record<string, unknown>): Promise<{ status: number; message: string; context?: Record<string, unknown> }> {
    if (route.authorizationType !== 'CUSTOM' || !route.authorizerId) return { status: 200, message: '' };
    const authorizer = this.authorizers.get(route.authorizerId);
    if (!authorizer) return { status: 500, message: 'Internal Server Error' };
    const headers = event['headers'] as Record<string, string>;
    const identity = authorizer.identitySource.map((source) => {
      const header = /^\$request\.header\.(.+)$/.exec(source)?.[1];
      const query = /^\$request\.querystring\.(.+)$/.exec(source)?.[1];
      if (header) return headers[header.toLowerCase()];
      if (query) return (event['queryStringParameters'] as Record<string, string> | undefined)?.[query];
      return undefined;
    });
    // API Gateway answers 401 itself when an identity source is missing, without calling the authorizer.
    if (identity.some((value) => value === undefined || value === '')) return { status: 401, message: 'Unauthorized' };
    const cacheKey = `${authorizer.id}|${identity.join('|')}`;
    const cached = this.authorizerCache.get(cacheKey);
    if (cached && cached.expiresAt > this.now()) return cached.allowed ? { status: 200, message: '', ...(cached.context ? { context: cached.context } : {}) } : { status: 403, message: 'Forbidden' };
    const fn = this.lambda.find(authorizer.functionArn);
    const sourceArn = `arn:aws:execute-api:${this.deployment.target.region}:${this.deployment.target.account}:${this.apiId}/authorizers/${authorizer.id}`;
    if (!fn || !(await this.iam.authorize({ kind: 'service', service: 'apigateway.amazonaws.com', onBehalfOf: 'apigateway' }, 'lambda:InvokeFunction', fn.arn, { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': this.deployment.target.account }, 'authorizer'))) {
      return { status: 500, message: 'Internal Server Error' };
    }
    const requestContext = event['requestContext'] as { http: { method: string; path: string } };
    const authorizerEvent = {
      ...event,
      type: 'REQUEST',
      routeArn: `arn:aws:execute-api:${this.deployment.target.region}:${this.deployment.target.account}:${this.apiId}/$default/${requestContext.http.method}${requestContext.http.path}`,
      identitySource: identity,
    };
    const outcome = await this.lambda.invokeSync(fn, authorizerEvent, `API Gateway authorizer ${authorizer.id}`);
    if (!outcome.ok) return { status: 500, message: 'Internal Server Error' };
    const result = outcome.payload as { isAuthorized?: unknown; context?: Record<string, unknown> } | null;
    if (!authorizer.simpleResponses || typeof result?.isAuthorized !== 'boolean') return { status: 500, message: 'Internal Server Error' };
    if (authorizer.ttlSeconds > 0) this.authorizerCache.set(cacheKey, { expiresAt: this.now() + authorizer.ttlSeconds * 1000, allowed: result.isAuthorized, context: result.context });
    return result.isAuthorized ? { status: 200, message: '', ...(result.context ? { context: result.context } : {}) } : { status: 403, message: 'Forbidden' };
  }

  private async integrate(route: Route, method: string, path: string, event: Record<string, unknown>): Promise<InvocationOutcome> {
    const integration = this.integrations.get(route.integrationId);
    const fn = integration ? this.lambda.find(integration.functionArn) : undefined;
    if (!integration || !fn) return { ok: false, errorType: 'IntegrationMissing', errorMessage: `route ${route.routeKey} has no Lambda integration`, kind: 'function-error' };
    const sourceArn = `arn:aws:execute-api:${this.deployment.target.region}:${this.deployment.target.account}:${this.apiId}/$default/${method}${path}`;
    if (!(await this.iam.authorize({ kind: 'service', service: 'apigateway.amazonaws.com', onBehalfOf: 'apigateway' }, 'lambda:InvokeFunction', fn.arn, { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': this.deployment.target.account }, `route ${route.routeKey}`))) {
      return { ok: false, errorType: 'AccessDenied', errorMessage: 'API Gateway may not invoke the integration function', kind: 'function-error' };
    }
    return this.lambda.invokeSync(fn, event, `API Gateway ${route.routeKey}`);
  }

  private record(routeKey: string, status: number, latencyMs: number, bytes: number, context: { requestId: string; sourceIp: string; integrationError: string; authorizer: Record<string, unknown> | undefined }): void {
    this.requests.push({ routeKey, status });
    const at = this.now();
    for (const dimensions of [{ ApiId: this.apiId }, { ApiId: this.apiId, Stage: '$default' }] as Array<Record<string, string>>) {
      for (const [name, value] of [['Count', 1], ['4xx', status >= 400 && status < 500 ? 1 : 0], ['5xx', status >= 500 ? 1 : 0], ['Latency', latencyMs], ['DataProcessed', bytes]] as const) {
        this.metrics.put({ namespace: 'AWS/ApiGateway', name, dimensions, at, value, source: 'API Gateway' });
      }
    }
    if (this.accessLog) {
      const values: Record<string, string> = {
        requestId: context.requestId,
        'identity.sourceIp': context.sourceIp,
        routeKey,
        status: String(status),
        responseLatency: String(latencyMs),
        integrationErrorMessage: context.integrationError,
      };
      const line = this.accessLog.format.replace(/\$context\.([A-Za-z0-9_.]+)/g, (_match, name: string) => {
        if (name.startsWith('authorizer.')) return textOf(context.authorizer?.[name.slice('authorizer.'.length)], '-');
        return values[name] ?? '-';
      });
      this.metrics.logLine(this.accessLog.logGroup, 'API Gateway access log', at, line);
    }
  }
}

function message(status: number, text: string): { status: number; headers: Record<string, string>; body: string } {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: text }) };
}

/** Payload 2.0: a result with statusCode is a response; anything else is a 200 JSON body. */
function toResponse(outcome: InvocationOutcome): { status: number; headers: Record<string, string>; body: Buffer | string } {
  if (!outcome.ok) return outcome.kind === 'timeout' ? message(503, 'Service Unavailable') : message(500, 'Internal Server Error');
  const result = outcome.payload as { statusCode?: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean; cookies?: string[] } | null;
  if (result && typeof result === 'object' && typeof result.statusCode === 'number') {
    const headers = { ...(result.headers ?? {}) };
    const body = result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
    return { status: result.statusCode, headers, body };
  }
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(outcome.payload) };
}
