import { randomBytes } from 'node:crypto';
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
import { buildConsole } from '../../console/build';

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
  /** The API function's time limit, as Lambda would enforce it. @default the stack's (apiFunction.timeoutSeconds) */
  apiTimeoutMs?: number;
  /** The admin token to accept (NIGHTSHIFT_ADMIN_TOKEN of `npm start`). @default one generated for this start */
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
  log?: (line: string) => void;
}

export interface LocalCloud {
  apiUrl: string;
  /** The web console, served by the API (`GET /console`). */
  consoleUrl: string;
  adminToken: string;
  /** Whether the admin token was generated for this start (none was set in the environment). */
  generatedToken: boolean;
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
  const dataDir = resolve(options.root, options.dataDir ?? '.nightshift');
  await mkdir(dataDir, { recursive: true });
  // The web console is built fresh each start (well under a second), next to the emulators' data.
  const consoleBuild = buildConsole(resolve(dataDir, 'console'));
  consoleBuild.catch(() => undefined);
  const emulators = await startEmulators({ dataDir });
  try {
    const builtConsole = await consoleBuild;
    const region = 'us-east-1';
    await provisionStorage({
      dynamodb: createDynamoDbClient({ region, endpoint: emulators.dynamodbEndpoint }),
      s3: createS3Client({ region, endpoint: emulators.s3Endpoint }),
      names: localStorageNames,
    });

    const startedAt = new Date();
    const generatedToken = options.adminToken === undefined;
    const adminToken = options.adminToken ?? `nsa_${randomBytes(18).toString('base64url')}`;
    // The variables the stack gives a Lambda function, through the same parser, plus the
    // emulators' endpoints and the in-process invoker.
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
      NIGHTSHIFT_ADMIN_TOKEN: adminToken,
      ...(options.readToken ? { NIGHTSHIFT_READ_TOKEN: options.readToken } : {}),
      ...(options.ingestToken ? { NIGHTSHIFT_INGEST_TOKEN: options.ingestToken } : {}),
      ENABLE_TEST_ENDPOINTS: options.enableTestEndpoints ? 'true' : 'false',
      NIGHTSHIFT_CONSOLE_DIR: builtConsole.outDir,
      ...(options.scriptsDirectory ? { NIGHTSHIFT_SCRIPTS_DIR: options.scriptsDirectory } : {}),
      ...(options.searchPath ? { PATH: options.searchPath } : {}),
    });
    const { runtime, invoker, api } = buildInProcessFunctions(env, {
      onError: (invocation, error) =>
        log(`job ${invocation.type} (${invocation.jobId ?? invocation.scheduleName ?? invocation.trigger}) failed to run: ${describeError(error).message}`),
    });
    const scheduler = new LocalScheduler(scheduledTasks(options.config), invoker, startedAt, (task, slot, error) => {
      if (error) log(`schedule ${task.name} could not invoke ${task.type}: ${describeError(error).message}`);
    });

    if (options.demo ?? true) await seedDemoData(runtime.deps, log);

    const server = createApiServer(api, options.apiTimeoutMs ?? apiFunction.timeoutSeconds * 1000);
    const port = await findFreePort(options.port ?? 3000);
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    scheduler.start();
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        scheduler.stop();
        server.closeAllConnections();
        await new Promise<void>((done) => server.close(() => done()));
        await invoker.drain(5_000);
        await emulators.stop();
      })();
      return stopping;
    };
    return { apiUrl, consoleUrl: `${apiUrl}/console`, adminToken, generatedToken, emulators, names: localStorageNames, scheduler, invoker, stop };
  } catch (error) {
    await emulators.stop();
    throw error;
  }
}

async function packageVersion(root: string): Promise<string> {
  const pkg = JSON.parse(await readFile(resolve(root, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
