import { once } from 'node:events';
import { mkdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { NightshiftConfig } from '../../functions/core/config';
import { apiFunction, scheduledTasks } from '../../functions/catalog';
import { createDynamoDbClient, createS3Client } from '../../functions/adapters/aws-clients';
import { readEnvironment } from '../../functions/adapters/environment';
import { describeError } from '../../functions/core/errors';
import { startEmulators, type Emulators } from './emulators';
import { provisionStorage, type StorageNames } from './provision';
import { findFreePort } from './free-port';
import type { InProcessInvoker } from './in-process-invoker';
import { buildInProcessFunctions } from './in-process-functions';
import { LocalScheduler } from './scheduler';
import { createApiServer } from './http-adapter';
import { seedDemoData } from './demo-seed';
import { resumeLiveShop, type LiveShop } from './demo-live-shop';
import { NightshiftClient } from '../../functions/client';
import { buildConsole } from '../../console/build';
import { acquireInstanceLock } from './instance-lock';
import { localAdminToken, type LocalAdminToken } from './local-tokens';
import { runLine } from './run-lines';
import { realClock, type LocalClock } from './simulated-clock';

export interface LocalCloudOptions {
  config: NightshiftConfig;
  /** Repository root: the data directory and package.json are found from it. */
  root: string;
  /** Emulator data lives here and survives restarts; default `<root>/.nightshift`. */
  dataDir?: string;
  /** Preferred API port (default 3000); a free one is used when it is taken. */
  port?: number;
  /** Demo events on a first start (nothing under `events/` yet). @default true */
  demo?: boolean;
  /**
   * With the demo: the live shop, which keeps sending the demo shop's events through POST /events
   * as the clock passes them (`demo-live-shop.ts`), on data whose first start recorded it. @default true
   */
  liveShop?: boolean;
  /** The API function's time limit, as Lambda would enforce it. @default the stack's (apiFunction.timeoutSeconds) */
  apiTimeoutMs?: number;
  /**
   * `pretty`: one readable line per run and per warning (alerts highlighted); `json`: every
   * structured log line, as Lambda writes them. @default 'pretty'
   */
  logFormat?: 'pretty' | 'json';
  /** ANSI colours in the pretty lines. @default false */
  color?: boolean;
  /** The log level (Powertools' names: DEBUG, INFO, WARN, ERROR, SILENT). @default WARN for pretty lines, INFO for JSON */
  logLevel?: string;
  /** The admin token to accept (NIGHTSHIFT_ADMIN_TOKEN of `npm start`). @default the one kept in the data dir, generated on the first start */
  adminToken?: string;
  /** A read-only token to accept as well (NIGHTSHIFT_READ_TOKEN). */
  readToken?: string;
  /** An ingest-only token to accept as well (NIGHTSHIFT_INGEST_TOKEN). */
  ingestToken?: string;
  /** Answer the /internal/* test routes (ENABLE_TEST_ENDPOINTS=true), as a test stack would. @default false */
  enableTestEndpoints?: boolean;
  /** The PATH scripts run with (the runner's own in AWS). @default /usr/local/bin:/usr/bin:/bin */
  searchPath?: string;
  /** Where the shipped scripts are. @default layers/scripts under the working directory */
  scriptsDirectory?: string;
  /**
   * The one clock of the whole local cloud: the runtime's, the scheduler's, the invoker's. A
   * `SimulatedClock` (`--clock`, `--speed`) moves schedules, the sweeper, deadlines, leases and
   * debounce together, and records carry its time. @default real time
   */
  clock?: LocalClock;
  log?: (line: string) => void;
}

export interface LocalCloud {
  apiUrl: string;
  /** The web console, served by the API (`GET /console`). */
  consoleUrl: string;
  /** The admin token, where it came from and where it is kept. */
  admin: LocalAdminToken;
  /** The API port asked for, when it was taken and another one is used. */
  portTaken?: number;
  /** Set when this start took over the lock of a local cloud that had died: what was done. */
  tookOver?: string;
  /** The clock everything runs on (simulated under `--clock`/`--speed`). */
  clock: LocalClock;
  /** Settles once the first start's demo runs have all ended (undefined without a demo). */
  demoDone?: Promise<void>;
  /** The demo's live shop, when it runs. */
  liveShop?: LiveShop;
  emulators: Emulators;
  names: StorageNames;
  scheduler: LocalScheduler;
  invoker: InProcessInvoker;
  stop(): Promise<void>;
}

export const localStorageNames: StorageNames = {
  jobsTable: 'nightshift-jobs',
  analyticsTable: 'nightshift-analytics',
  bucket: 'nightshift-artifacts',
};

/**
 * The whole of Nightshift on one machine: DynamoDB Local and s3rver as child processes, tables
 * and bucket from the stacks' definitions, the API on 127.0.0.1, the schedules, and in-process
 * invokes. Only infrastructure is emulated; every job and route runs the code Lambda runs.
 */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const log = options.log ?? ((line: string) => console.log(line));
  const clock = options.clock ?? realClock;
  // Starting (emulators, the demo's writes) is work: a simulated clock waits for it at real speed.
  const starting = clock.working();
  const dataDir = resolve(options.root, options.dataDir ?? '.nightshift');
  await mkdir(dataDir, { recursive: true });
  // Before anything starts: a second local cloud on this data would share its database files.
  const lock = await acquireInstanceLock(dataDir);
  // The web console is built fresh each start (well under a second), next to the emulators' data.
  const consoleBuild = buildConsole(resolve(dataDir, 'console'));
  consoleBuild.catch(() => undefined);
  let emulators: Emulators;
  try {
    emulators = await startEmulators({ dataDir });
  } catch (error) {
    await lock.release();
    throw error;
  }
  try {
    await lock.update({ emulatorPids: [emulators.pids.dynamodb, emulators.pids.s3] });
    const builtConsole = await consoleBuild;
    const region = 'us-east-1';
    await provisionStorage({
      dynamodb: createDynamoDbClient({ region, endpoint: emulators.dynamodbEndpoint }),
      s3: createS3Client({ region, endpoint: emulators.s3Endpoint }),
      names: localStorageNames,
    });

    const startedAt = clock.now();
    const admin = await localAdminToken(dataDir, options.adminToken);
    const logFormat = options.logFormat ?? 'pretty';
    // The variables the stack gives a Lambda function, through the same parser, plus the
    // emulators' endpoints, the in-process invoker and how the terminal shows logs.
    const env = readEnvironment({
      AWS_REGION: region,
      JOBS_TABLE: localStorageNames.jobsTable,
      ANALYTICS_TABLE: localStorageNames.analyticsTable,
      ARTIFACTS_BUCKET: localStorageNames.bucket,
      NIGHTSHIFT_INVOKER: 'in-process',
      NIGHTSHIFT_DYNAMODB_ENDPOINT: emulators.dynamodbEndpoint,
      NIGHTSHIFT_S3_ENDPOINT: emulators.s3Endpoint,
      NIGHTSHIFT_CONFIG_JSON: JSON.stringify(options.config),
      NIGHTSHIFT_DEPLOYED_AT: startedAt.toISOString(),
      NIGHTSHIFT_VERSION: await packageVersion(options.root),
      NIGHTSHIFT_ADMIN_TOKEN: admin.token,
      ...(options.readToken ? { NIGHTSHIFT_READ_TOKEN: options.readToken } : {}),
      ...(options.ingestToken ? { NIGHTSHIFT_INGEST_TOKEN: options.ingestToken } : {}),
      ENABLE_TEST_ENDPOINTS: options.enableTestEndpoints ? 'true' : 'false',
      NIGHTSHIFT_CONSOLE_DIR: builtConsole.outDir,
      NIGHTSHIFT_LOG_FORMAT: logFormat,
      NIGHTSHIFT_LOG_COLOR: String(options.color ?? false),
      ...(options.logLevel ? { POWERTOOLS_LOG_LEVEL: options.logLevel } : {}),
      ...(options.scriptsDirectory ? { NIGHTSHIFT_SCRIPTS_DIR: options.scriptsDirectory } : {}),
      ...(options.searchPath ? { PATH: options.searchPath } : {}),
    });
    const lineOptions = { timezone: options.config.timezone, color: options.color ?? false };
    const { runtime, invoker, api } = buildInProcessFunctions(env, {
      clock,
      onError: (invocation, error) =>
        log(`job ${invocation.type} (${invocation.jobId ?? invocation.scheduleName ?? invocation.trigger}) failed to run: ${describeError(error).message}`),
      onEnded: (invocation, result) => {
        const line = logFormat === 'pretty' ? runLine(invocation, result, lineOptions) : undefined;
        if (line) log(line);
      },
    });
    const scheduler = new LocalScheduler(
      scheduledTasks(options.config),
      invoker,
      startedAt,
      clock,
      (task, slot, error) => {
        if (error) log(`schedule ${task.name} could not invoke ${task.type} after its retries (slot ${slot.toISOString()} dead-lettered): ${describeError(error).message}`);
      },
      runtime.deps,
    );

    // Schedules expect runs from the first start on: the sweeper catches up nothing before it.
    await runtime.deps.ledger.recordFirstStart(startedAt);
    const demoOn = options.demo ?? true;
    const liveShopOn = demoOn && (options.liveShop ?? true);
    const demo = demoOn ? await seedDemoData(runtime.deps, log, { liveShop: liveShopOn }) : undefined;
    const demoDone = demo ? demo.followUp.then(() => invoker.whenIdle()) : undefined;

    const server = createApiServer(api, options.apiTimeoutMs ?? apiFunction.timeoutSeconds * 1000, clock);
    const requestedPort = options.port ?? 3000;
    const port = await findFreePort(requestedPort);
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    scheduler.start();
    starting();
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await lock.update({ url: apiUrl });
    // A live shop that cannot resume (an unreadable state) leaves the rest of the local cloud running.
    const liveShop = liveShopOn
      ? await resumeLiveShop({ config: options.config, artifacts: runtime.deps.artifacts, clock, client: new NightshiftClient({ baseUrl: apiUrl, token: admin.token }), log }).catch((error: unknown) => {
          log(`Demo live shop: not started: ${describeError(error).message}`);
          return undefined;
        })
      : undefined;
    if (liveShop) {
      log(liveShop.describe());
      liveShop.start();
    }

    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        await liveShop?.stop();
        scheduler.stop();
        server.closeAllConnections();
        await new Promise<void>((done) => server.close(() => done()));
        await invoker.drain(5_000);
        await emulators.stop();
        await lock.release();
      })();
      return stopping;
    };
    return {
      apiUrl,
      consoleUrl: `${apiUrl}/console`,
      admin,
      ...(requestedPort > 0 && port !== requestedPort ? { portTaken: requestedPort } : {}),
      ...(lock.tookOver ? { tookOver: lock.tookOver } : {}),
      clock,
      ...(demoDone ? { demoDone } : {}),
      ...(liveShop ? { liveShop } : {}),
      emulators,
      names: localStorageNames,
      scheduler,
      invoker,
      stop,
    };
  } catch (error) {
    await emulators.stop();
    await lock.release();
    throw error;
  }
}

async function packageVersion(root: string): Promise<string> {
  const pkg = JSON.parse(await readFile(resolve(root, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
