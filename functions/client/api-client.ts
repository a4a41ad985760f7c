import type {
  BackfillRequest,
  BackfillResult,
  EventsResult,
  HealthReport,
  JobDetail,
  JobListQuery,
  JobLogs,
  JobPage,
  MetricsCatalog,
  Principal,
  ProofDocument,
  JobRecord,
  Annotation,
  AnnotationRequest,
  AnnotationsPage,
  ProofIndexEntry,
  ScheduleSlots,
  SchedulerTasks,
  ScriptList,
  SnapshotPage,
  SnapshotsQuery,
  StatsQuery,
  StatsResult,
  SubmitJobRequest,
  SubmitJobResult,
  TypeHealthReport,
} from './types';

/** The API answered with an error: `{"error": {"code", "message"}}` and a 4xx/5xx status. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The whole parsed answer, for routes that say more than the error (e.g. rejected events). */
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** No answer at all: the server is not there, the connection broke, or it took too long. */
export class ApiConnectionError extends Error {
  override readonly name = 'ApiConnectionError';
  constructor(
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ApiClientOptions {
  /** e.g. `http://127.0.0.1:3000`; a trailing slash is fine. */
  baseUrl: string;
  /** Bearer token; routes with scope `none` (health) work without. */
  token?: string | undefined;
  /** Per request; default 60 s. */
  timeoutMs?: number;
  /** For tests and unusual runtimes; default the global `fetch`. */
  fetch?: typeof fetch;
}

type Query = Record<string, string | number | boolean | undefined>;

interface RequestOptions {
  query?: Query;
  json?: unknown;
  /** A body sent as is, with its content type. */
  raw?: { body: string; contentType: string };
  headers?: Record<string, string>;
  /** Statuses besides 2xx whose JSON answer is returned instead of thrown. */
  accept?: (status: number, body: unknown) => boolean;
}

interface Answer<T> {
  status: number;
  body: T;
}

/**
 * One typed method per route of the Nightshift HTTP API (DESIGN §5), over `fetch`. Works in
 * Node 20+ and browsers; imports nothing from the server. Errors are `ApiError` (the API said
 * no) or `ApiConnectionError` (no answer).
 */
export class NightshiftClient {
  readonly baseUrl: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ApiClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`not a URL: ${JSON.stringify(options.baseUrl)} (e.g. http://127.0.0.1:3000)`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`the API URL must be http(s), got ${options.baseUrl}`);
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token === '' ? undefined : options.token;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  // --- health -------------------------------------------------------------------------------

  /** `GET /health`: a 503 (degraded) is an answer, not an error. */
  async health(): Promise<HealthReport> {
    return (await this.request<HealthReport>('GET', '/health', { accept: (status) => status === 503 })).body;
  }

  async jobHealth(type: string): Promise<TypeHealthReport> {
    return (await this.request<TypeHealthReport>('GET', `/health/${segment(type)}`, { accept: (status) => status === 503 })).body;
  }

  // --- who and what -------------------------------------------------------------------------

  /** `GET /me`: the token's name and scopes (a read-scoped token is enough to ask). */
  async me(): Promise<Principal> {
    return (await this.request<Principal>('GET', '/me')).body;
  }

  /** `GET /metrics`: the configured metrics, ratios and dimensions. */
  async metrics(): Promise<MetricsCatalog> {
    return (await this.request<MetricsCatalog>('GET', '/metrics')).body;
  }

  // --- jobs ---------------------------------------------------------------------------------

  async listJobs(query: JobListQuery = {}): Promise<JobPage> {
    return (await this.request<JobPage>('GET', '/jobs', { query: { ...query } })).body;
  }

  /** Every page of `GET /jobs`, newest first, until `max` runs or the end. */
  async *allJobs(query: Omit<JobListQuery, 'cursor'> = {}, max = Number.POSITIVE_INFINITY): AsyncGenerator<JobPage['items'][number]> {
    let cursor: string | undefined;
    let seen = 0;
    do {
      const page = await this.listJobs({ ...query, limit: query.limit ?? 100, ...(cursor ? { cursor } : {}) });
      for (const item of page.items) {
        if (seen >= max) return;
        seen += 1;
        yield item;
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  async getJob(id: string): Promise<JobDetail> {
    return (await this.request<JobDetail>('GET', `/jobs/${segment(id)}`)).body;
  }

  /** `POST /jobs/{id}/release` (admin): publishes a held run's output; the answer is the released record. */
  async release(id: string): Promise<JobRecord> {
    return (await this.request<JobRecord>('POST', `/jobs/${segment(id)}/release`)).body;
  }

  async getJobLogs(id: string): Promise<JobLogs> {
    return (await this.request<JobLogs>('GET', `/jobs/${segment(id)}/logs`)).body;
  }

  /** `POST /jobs`; `idempotencyKey` makes a retried submit return the same run. */
  async submitJob(request: SubmitJobRequest, options: { idempotencyKey?: string } = {}): Promise<SubmitJobResult> {
    const answer = await this.request<Omit<SubmitJobResult, 'httpStatus'>>('POST', '/jobs', { json: request, ...keyHeader(options.idempotencyKey) });
    return { ...answer.body, httpStatus: answer.status };
  }

  async backfill(request: BackfillRequest): Promise<BackfillResult> {
    return (await this.request<BackfillResult>('POST', '/jobs/backfill', { json: request })).body;
  }

  // --- scheduler ----------------------------------------------------------------------------

  async schedulerTasks(): Promise<SchedulerTasks> {
    return (await this.request<SchedulerTasks>('GET', '/scheduler/tasks')).body;
  }

  /** `GET /scheduler/tasks/{name}/slots`: each slot in (from, to] with its fate; at most 31 days and 2000 slots. */
  async scheduleSlots(name: string, range: { from?: string; to?: string } = {}): Promise<ScheduleSlots> {
    return (await this.request<ScheduleSlots>('GET', `/scheduler/tasks/${segment(name)}/slots`, { query: { ...range } })).body;
  }

  /** `POST /scheduler/trigger/{name}`: `daily`/`weekly`/`monthly` snapshot or a job type. */
  async triggerSchedule(name: string, options: { force?: boolean } = {}): Promise<SubmitJobResult> {
    const answer = await this.request<Omit<SubmitJobResult, 'httpStatus'>>('POST', `/scheduler/trigger/${segment(name)}`, options.force ? { json: { force: true } } : {});
    return { ...answer.body, httpStatus: answer.status };
  }

  // --- events and stats ---------------------------------------------------------------------

  /**
   * `POST /events` as JSON. A request with no valid event answers `accepted: 0` and every reason,
   * not an error. With `idempotencyKey`, sending it again stores nothing more (see `withRetries`).
   */
  async sendEvents(events: readonly unknown[], options: { idempotencyKey?: string } = {}): Promise<EventsResult> {
    return this.ingest({ json: { events }, ...keyHeader(options.idempotencyKey) });
  }

  /** `POST /events` as NDJSON (one event per line); `index` in `rejected` counts non-blank lines. */
  async sendNdjson(body: string, options: { idempotencyKey?: string } = {}): Promise<EventsResult> {
    return this.ingest({ raw: { body, contentType: 'application/x-ndjson' }, ...keyHeader(options.idempotencyKey) });
  }

  private async ingest(options: RequestOptions): Promise<EventsResult> {
    const answer = await this.request<EventsResult>('POST', '/events', {
      ...options,
      accept: (status, body) => status === 400 && errorCodeOf(body) === 'no_valid_events',
    });
    const { accepted, rejected, objects } = answer.body;
    return { accepted, rejected, objects };
  }

  async stats(query: StatsQuery): Promise<StatsResult> {
    return (await this.request<StatsResult>('GET', '/stats', { query: { ...query } })).body;
  }

  // --- snapshots, proofs, scripts -----------------------------------------------------------

  async snapshots(query: SnapshotsQuery = {}): Promise<SnapshotPage> {
    return (await this.request<SnapshotPage>('GET', '/snapshots', { query: { ...query } })).body;
  }

  /** `GET /proofs?from=&to=`: local days, both included. */
  async listProofs(from: string, to: string): Promise<{ items: ProofIndexEntry[] }> {
    return (await this.request<{ items: ProofIndexEntry[] }>('GET', '/proofs', { query: { from, to } })).body;
  }

  async getProof(date: string): Promise<ProofDocument> {
    return (await this.request<ProofDocument>('GET', `/proofs/${segment(date)}`)).body;
  }

  /** `GET /annotations?from=&to=`: local days, both included. */
  async listAnnotations(from: string, to: string): Promise<AnnotationsPage> {
    return (await this.request<AnnotationsPage>('GET', '/annotations', { query: { from, to } })).body;
  }

  /** `POST /annotations` (admin): recorded under the token's name. */
  async annotate(request: AnnotationRequest): Promise<Annotation> {
    return (await this.request<Annotation>('POST', '/annotations', { json: request })).body;
  }

  async listScripts(): Promise<ScriptList> {
    return (await this.request<ScriptList>('GET', '/scripts')).body;
  }

  // --- transport ----------------------------------------------------------------------------

  private async request<T>(method: 'GET' | 'POST', path: string, options: RequestOptions = {}): Promise<Answer<T>> {
    const url = this.baseUrl + path + queryString(options.query);
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    let body: string | undefined;
    if (options.raw) {
      body = options.raw.body;
      headers['content-type'] = options.raw.contentType;
    } else if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    }

    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, { method, headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(this.timeoutMs) });
      text = await response.text();
    } catch (error) {
      throw new ApiConnectionError(url, `${method} ${url}: ${connectionProblem(error, this.timeoutMs)}`, { cause: error });
    }

    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new ApiError(response.status, 'bad_response', `${method} ${path} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
    }
    if (response.ok || options.accept?.(response.status, parsed)) return { status: response.status, body: parsed as T };
    const error = errorOf(parsed);
    throw new ApiError(response.status, error?.code ?? `http_${response.status}`, error?.message ?? `${method} ${path} answered ${response.status}`, parsed);
  }
}

function keyHeader(key: string | undefined): { headers?: Record<string, string> } {
  return key ? { headers: { 'idempotency-key': key } } : {};
}

/** A path segment, percent-encoded so an id can never change the route. */
function segment(value: string): string {
  return encodeURIComponent(value);
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

function errorOf(body: unknown): { code: string; message: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === 'string' && typeof message === 'string' ? { code, message } : undefined;
}

function errorCodeOf(body: unknown): string | undefined {
  return errorOf(body)?.code;
}

function connectionProblem(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs / 1000} s`;
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused (is the API running? `npm start` starts the local cloud)';
  if (cause?.code === 'ENOTFOUND') return 'host not found';
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}
