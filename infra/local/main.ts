import { parseArgs } from 'node:util';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NightshiftError } from '../../functions/core/errors';
import { formatLocalTime } from '../../functions/core/time/display';
import { scheduleWarnings } from '../../functions/core/time/schedule';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../config/load-config';
import { startLocalCloud, type LocalCloud } from './local-cloud';
import { DataDirInUseError } from './instance-lock';
import { EmulatorStartError } from './emulators';
import { apiFunction } from '../../functions/catalog';
import { localClockFromFlags, type LocalClock } from './simulated-clock';

// The lock file pins SDK releases that support Node 20 (see docs/development.md); the reminder would bury the banner.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const usage = `Usage: npm start -- [options]

Runs Nightshift locally: DynamoDB Local, an S3 emulator, the HTTP API and the schedules.

Options:
  --config FILE     config file (.ts, .js or .json; default ${DEFAULT_CONFIG_FILE})
  --port N          API port (default 3000; a free one is picked when it is taken)
  --data-dir DIR    where emulator data lives (default .nightshift)
  --no-demo         no demo data on a first start (by default, with the shipped config and
                    nothing under events/ yet, eight weeks of a demo shop's events are written
                    and the demo's rollups, proofs, snapshots, export and script run queued)
  --no-live-shop    no live shop: by default, on demo data, the demo shop keeps sending its
                    events through POST /events as the clock passes them (with an app
                    outage 11:00-20:00 on the first such window after the first start, for
                    the hourly watch to alert on)
  --demo            the demo data with your own --config too (off by default with --config:
                    the demo shop's events would mix with yours)
  --log-format F    pretty (default): one line per run, warnings and highlighted alerts;
                    json: every structured log line, as Lambda writes them. LOG_LEVEL (or
                    POWERTOOLS_LOG_LEVEL) sets the level: DEBUG, INFO, WARN, ERROR, SILENT
  --clock TIME      run on a simulated clock from TIME: an ISO date-time in the config's
                    time zone (2027-03-13T20:00) or with an offset (2027-03-14T04:00Z).
                    Schedules, the sweeper, run deadlines, leases, debounce and the banner's
                    fire times follow it; records carry its time
  --speed N         how fast the simulated clock runs while no function is at work: N times
                    real time (600: an hour in 6 s), or max (straight to the next timer);
                    while a run or request works it runs at real speed. Default 1; alone,
                    it starts from now
  -h, --help        this help

One local cloud runs per data dir (it holds DIR/nightshift.lock). The admin token is kept in
DIR/tokens.json (mode 0600) unless NIGHTSHIFT_ADMIN_TOKEN sets one.
`;

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        config: { type: 'string' },
        port: { type: 'string', default: '3000' },
        'data-dir': { type: 'string', default: '.nightshift' },
        'no-demo': { type: 'boolean', default: false },
        'no-live-shop': { type: 'boolean', default: false },
        demo: { type: 'boolean', default: false },
        'api-timeout': { type: 'string', default: String(apiFunction.timeoutSeconds) },
        'log-format': { type: 'string', default: 'pretty' },
        clock: { type: 'string' },
        speed: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(usage);
    return;
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a port number (0-65535), not "${args.port}"\n`);
    process.exit(2);
  }

  const apiTimeout = Number(args['api-timeout']);
  if (!Number.isInteger(apiTimeout) || apiTimeout < 2 || apiTimeout > 900) {
    process.stderr.write(`--api-timeout must be a whole number of seconds from 2 to 900, not "${args['api-timeout']}"\n`);
    process.exit(2);
  }

  const logFormat = args['log-format'];
  if (logFormat !== 'pretty' && logFormat !== 'json') {
    process.stderr.write(`--log-format must be pretty or json, not "${logFormat}"\n`);
    process.exit(2);
  }

  if (args.demo && args['no-demo']) {
    process.stderr.write('--demo and --no-demo contradict each other: give one\n');
    process.exit(2);
  }
  const configFile = args.config ?? DEFAULT_CONFIG_FILE;
  // The demo writes the demo shop's events: with the shipped config only, unless asked for.
  const demo = args.config === undefined ? !args['no-demo'] : args.demo;
  const config = await loadConfigFile(configFile, process.cwd());
  const clockChoice = localClockFromFlags({ clock: args.clock, speed: args.speed }, config.timezone);
  if ('problem' in clockChoice) {
    process.stderr.write(`${clockChoice.problem}\n`);
    process.exit(2);
  }
  console.log(`Nightshift: starting the local cloud (config ${configFile}, time zone ${config.timezone})…`);
  const cloud = await startLocalCloud({
    config,
    root,
    dataDir: resolve(process.cwd(), args['data-dir']),
    clock: clockChoice.clock,
    port,
    demo,
    liveShop: !args['no-live-shop'],
    apiTimeoutMs: apiTimeout * 1000,
    logFormat,
    color: process.stdout.isTTY && !process.env['NO_COLOR'],
    // The local cloud's edge: what it takes from the shell's environment, named.
    adminToken: process.env['NIGHTSHIFT_ADMIN_TOKEN'] || undefined,
    readToken: process.env['NIGHTSHIFT_READ_TOKEN'] || undefined,
    ingestToken: process.env['NIGHTSHIFT_INGEST_TOKEN'] || undefined,
    enableTestEndpoints: process.env['ENABLE_TEST_ENDPOINTS'] === 'true',
    logLevel: process.env['POWERTOOLS_LOG_LEVEL'] || process.env['LOG_LEVEL'] || undefined,
    searchPath: process.env['PATH'] || undefined,
    scriptsDirectory: process.env['NIGHTSHIFT_SCRIPTS_DIR'] || undefined,
  });
  printBanner(cloud, config.timezone, 'Nightshift local cloud is up', logFormat);
  // Scripts and tests read stdout through a pipe; a person at a terminal does not need the line.
  if (!process.stdout.isTTY) printReady(cloud);
  let signalled = false;
  // The demo's run lines scroll the banner away: once they have all ended, it comes back.
  void cloud.demoDone?.then(() => {
    if (!signalled) printBanner(cloud, config.timezone, 'Demo runs done; Nightshift local cloud is up', logFormat);
  });

  const shutdown = (signal: string) => {
    if (signalled) return;
    signalled = true;
    console.log(`\n${signal}: stopping the local cloud…`);
    cloud.stop().then(
      () => {
        console.log('stopped; no emulator process is left running.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('stopping failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

function printBanner(cloud: LocalCloud, timezone: string, title: string, logFormat: 'pretty' | 'json'): void {
  const now = cloud.clock.now();
  const { admin } = cloud;
  const lines = [
    '',
    title,
    ...(cloud.tookOver ? [`  Note         ${cloud.tookOver}`] : []),
    `  API          ${cloud.apiUrl}${cloud.portTaken ? `   (port ${cloud.portTaken} is taken by another program, so a free one is used)` : ''}`,
    `  Console      ${cloud.consoleUrl}   (sign in with the admin token)`,
    admin.source === 'environment'
      ? '  Admin token  from NIGHTSHIFT_ADMIN_TOKEN'
      : `  Admin token  ${admin.token}   (${admin.source === 'generated' ? 'generated, ' : ''}kept in ${admin.file}; NIGHTSHIFT_ADMIN_TOKEN overrides it)`,
    `  DynamoDB     ${cloud.emulators.dynamodbEndpoint}  (tables ${cloud.names.jobsTable}, ${cloud.names.analyticsTable})`,
    `  S3           ${cloud.emulators.s3Endpoint}  (bucket ${cloud.names.bucket}, access key S3RVER)`,
    ...clockLines(cloud.clock, timezone),
    `  Schedules    (${timezone})`,
  ];
  const schedules = cloud.scheduler.list();
  const width = (values: string[]) => Math.max(0, ...values.map((value) => value.length)) + 1;
  const [nameWidth, typeWidth, expressionWidth] = [
    width(schedules.map(({ task }) => task.name)),
    width(schedules.map(({ task }) => task.type)),
    width(schedules.map(({ task }) => task.expression)),
  ];
  for (const { task, next } of schedules) {
    const when = task.enabled ? `next ${next ? formatLocalTime(next, timezone) : 'never'}` : 'disabled';
    lines.push(`    ${task.name.padEnd(nameWidth)} ${task.type.padEnd(typeWidth)} ${task.expression.padEnd(expressionWidth)} ${when}`);
    for (const warning of scheduleWarnings(task.expression, { timezone: task.timezone, from: now })) {
      lines.push(`      warning: ${warning.message}`);
    }
  }
  lines.push(
    '',
    `  Try: curl ${cloud.apiUrl}/health`,
    logFormat === 'pretty'
      ? `  Each run prints one line below (times ${timezone}); --log-format json prints every log line.`
      : '  Every structured log line follows (--log-format json); LOG_LEVEL sets the level.',
    '  Ctrl-C stops everything.',
    '',
  );
  console.log(lines.join('\n'));
}

function clockLines(clock: LocalClock, timezone: string): string[] {
  if (!clock.simulation) return [];
  const { start, speed } = clock.simulation;
  const pace = Number.isFinite(speed) ? `${speed}× real time` : 'straight to the next timer (--speed max)';
  return [
    `  Clock        SIMULATED: started at ${formatLocalTime(start, timezone)}, now ${formatLocalTime(clock.now(), timezone)}`,
    `               ${pace} while no function works, real speed while one does`,
  ];
}

/** Machine-readable, once, for scripts and tests that start the local cloud as a child process. */
function printReady(cloud: LocalCloud): void {
  const { apiUrl, consoleUrl, emulators, names, admin } = cloud;
  const ready = { apiUrl, consoleUrl, dynamodbEndpoint: emulators.dynamodbEndpoint, s3Endpoint: emulators.s3Endpoint, pids: emulators.pids, names, ...(admin.file ? { tokenFile: admin.file } : {}) };
  console.log(`NIGHTSHIFT_READY ${JSON.stringify(ready)}`);
}

main().catch((error: unknown) => {
  if (error instanceof NightshiftError || error instanceof DataDirInUseError || error instanceof EmulatorStartError) process.stderr.write(`${error.message}\n`);
  else console.error(error);
  process.exit(1);
});
