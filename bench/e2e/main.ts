import { cpus, loadavg } from 'node:os';
import { testConfig } from '../../test/helpers/jobs';
import { RequestCounter } from '../cost/request-counter';
import { cpuSince, readCpu, type CpuReading } from './cpu';
import { withEmulatorStorage } from '../emulator-storage';
import { formatTable, round, verdict, type Cell } from '../rollup/report';
import { DIMENSIONS, TIMEZONE } from '../rollup/shared';
import { measureVisibility, type LatencyResult } from './latency';
import { countedApi, hotPath, ingestConcurrently, runOneRollup, statsProblems } from './phases';
import { addTotals, BENCH_METRICS, percentile } from './workload';

interface E2eOptions {
  events: number;
  eventsPerRequest: number;
  clients: number;
  debounceMs: number;
  latencySeconds: number;
  pauseMs: number;
  warmupRequests: number;
}

const HELP = `usage: npm run bench -- e2e [options]

  --events=N            events ingested before the measured rollup (default 100000)
  --events-per-request=N  events per POST /events (default 500)
  --clients=N           concurrent ingest clients (default 4)
  --debounce-ms=N       rollup.debounceMs of the latency phase (default 5000, the default config)
  --latency-seconds=N   live traffic for the ingest-to-visible phase; 0 leaves it out (default 30)
  --pause-ms=N          pause of each latency client between its requests (default 1000)
  --warmup-requests=N   requests ingested and rolled up before anything is measured, so the
                        emulators' JIT is warm (default 20; their events count in the totals)`;

/** Where a phase's CPU is counted: the functions (in this process) and each emulator. */
const CPU_PROCESSES = ['nightshift', 's3rver', 'dynamodb-local'] as const;

const TARGETS = { rollupEventsPerSec: 100_000, p95SlackSeconds: 3 } as const;

function parseArgs(args: readonly string[]): E2eOptions | undefined {
  const options: E2eOptions = { events: 100_000, eventsPerRequest: 500, clients: 4, debounceMs: 5000, latencySeconds: 30, pauseMs: 1000, warmupRequests: 20 };
  const names: Record<string, keyof E2eOptions> = {
    events: 'events',
    'events-per-request': 'eventsPerRequest',
    clients: 'clients',
    'debounce-ms': 'debounceMs',
    'latency-seconds': 'latencySeconds',
    'pause-ms': 'pauseMs',
    'warmup-requests': 'warmupRequests',
  };
  for (const arg of args) {
    if (arg === '--help') return undefined;
    const [, name = '', value = ''] = /^--([a-z-]+)=(.*)$/.exec(arg) ?? [];
    const field = names[name];
    const number = Number(value.replace(/_/g, ''));
    if (field === undefined || !Number.isInteger(number) || number < 0) throw new Error(`bad option "${arg}"\n\n${HELP}`);
    options[field] = number;
  }
  return options;
}

function progress(line: string): void {
  process.stderr.write(`[bench e2e] ${line}\n`);
}

const localDay = (ms: number): string => new Intl.DateTimeFormat('en-CA', { timeZone: TIMEZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));

export async function runE2eBenchmark(args: readonly string[]): Promise<number> {
  const options = parseArgs(args);
  if (options === undefined) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const loadBefore = loadavg().map((value) => value.toFixed(2)).join(' ');
  const config = testConfig({
    timezone: TIMEZONE,
    metrics: Object.fromEntries(BENCH_METRICS.map((metric) => [metric, {}])),
    dimensions: [...DIMENSIONS],
    rollup: { debounceMs: options.debounceMs },
  });
  const names = { jobsTable: 'e2e-jobs', analyticsTable: 'e2e-analytics', bucket: 'nightshift-e2e' };
  return withEmulatorStorage(names, async (storage, pids) => {
    const emulatorPids = { s3rver: pids.s3, 'dynamodb-local': pids.dynamodb };
    const counter = new RequestCounter();
    counter.attach(storage.dynamodbClient, storage.s3);
    const { call, runtime } = countedApi(storage, config);
    const requests = Math.ceil(options.events / options.eventsPerRequest);
    const warmup = { events: 0, totals: new Map<string, { count: number; sum: number }>() };
    if (options.warmupRequests > 0) {
      progress(`warm-up: ${options.warmupRequests} requests and a rollup, not measured …`);
      const warm = await ingestConcurrently(call, { requests: options.warmupRequests, eventsPerRequest: options.eventsPerRequest, clients: options.clients, seed: 1_000_000 });
      await runOneRollup(runtime);
      warmup.events = warm.events;
      warmup.totals = warm.totals;
    }

    progress(`ingest: ${requests} requests of ${options.eventsPerRequest} events, ${options.clients} clients …`);
    counter.reset();
    const ingestCpuBefore = readCpu(emulatorPids);
    const ingest = await ingestConcurrently(call, { requests, eventsPerRequest: options.eventsPerRequest, clients: options.clients, seed: 1 });
    const ingestRequests = counter.perRun(requests);
    const ingestCpu = cpuSince(ingestCpuBefore, emulatorPids);

    progress('rollup: one debounced run over all of it …');
    counter.reset();
    const rollupCpuBefore = readCpu(emulatorPids);
    const rollup = await runOneRollup(runtime);
    const rollupCpu = cpuSince(rollupCpuBefore, emulatorPids);
    const rollupRequests = counter.perRun(1);
    const objects = Number(rollup.summary['objectsRead'] ?? 0);

    progress('hot path: aggregateObject over the same objects, in memory …');
    const hot = await hotPath(storage, config);

    const days = [localDay(Date.now() - 86_400_000), localDay(Date.now())];
    const expected = new Map(ingest.totals);
    addTotals(expected, warmup.totals);
    let latency: LatencyResult | undefined;
    if (options.latencySeconds > 0) {
      progress(`ingest-to-visible: ${options.clients} clients, a request each then ${options.pauseMs} ms pause, for ${options.latencySeconds} s; debounce ${options.debounceMs} ms …`);
      latency = await measureVisibility(storage, config, { seconds: options.latencySeconds, clients: options.clients, pauseMs: options.pauseMs, eventsPerRequest: options.eventsPerRequest, days });
      addTotals(expected, latency.totals);
    }
    const problems = [
      ...(Number(rollup.summary['events']) === ingest.events ? [] : [`the rollup absorbed ${String(rollup.summary['events'])} events; ${ingest.events} were accepted`]),
      ...(hot.events === ingest.events + warmup.events ? [] : [`the hot path counted ${hot.events} events in the stored objects; ${ingest.events + warmup.events} were accepted before it ran`]),
      ...(await statsProblems(call, expected, days)),
      ...(latency && latency.unseen > 0 ? [`${latency.unseen} probe events never showed in /stats`] : []),
    ];
    return report({ options, ingest, rollup, rollupRequests, ingestRequests, objects, hot, latency, problems, loadBefore, cpu: { ingest: ingestCpu, rollup: rollupCpu } });
  });
}

function report(figures: {
  options: E2eOptions;
  ingest: { seconds: number; events: number };
  rollup: { seconds: number; summary: Record<string, unknown> };
  rollupRequests: Record<string, number>;
  ingestRequests: Record<string, number>;
  objects: number;
  hot: { seconds: number; events: number; objects: number };
  latency: LatencyResult | undefined;
  problems: string[];
  loadBefore: string;
  cpu: { ingest: CpuReading; rollup: CpuReading };
}): number {
  const { options, ingest, rollup, hot, latency, objects } = figures;
  const ingestRate = ingest.events / ingest.seconds;
  const rollupRate = ingest.events / rollup.seconds;
  const hotRate = hot.events / hot.seconds;
  const phaseMs = (rollup.summary['phaseMs'] ?? {}) as Record<string, number>;
  const p50 = percentile(latency?.latencies ?? [], 50);
  const p95 = percentile(latency?.latencies ?? [], 95);
  const p95Target = options.debounceMs / 1000 + TARGETS.p95SlackSeconds;
  const exact = figures.problems.length === 0;
  const out: string[] = [''];
  out.push(`End-to-end benchmark — ${cpus().length} cores, load average ${figures.loadBefore} before (1, 5, 15 min); DynamoDB Local + s3rver, the API in process`);
  out.push('', formatTable(['phase', 'events', 'objects', 'seconds', 'events/s', 'notes'], [
    ['ingest', ingest.events, undefined, round(ingest.seconds, 2), Math.round(ingestRate), `POST /events, ${options.eventsPerRequest} events each, ${options.clients} clients; rollups only recorded`],
    ['rollup end to end', Number(rollup.summary['events']), objects, round(rollup.seconds, 2), Math.round(rollupRate), 'one debounced run through the job wrapper: list, read, absorb, recompute, stats, marks'],
    ['hot path', hot.events, hot.objects, round(hot.seconds, 3), Math.round(hotRate), 'aggregateObject over the same objects, already in memory, one after the other'],
    ['end to end ÷ hot path', undefined, undefined, undefined, round(rollupRate / hotRate, 3), ''],
  ]));
  const perObject = (ms: number | undefined): Cell => (ms === undefined || objects === 0 ? undefined : round(ms / objects, 2));
  const phaseNotes: Record<string, string> = {
    list: 'wall: LIST of the hour partitions + their absorbed ETags',
    get: 'summed over the reads in flight: until an object\'s first bytes',
    parse: 'summed: the rest of the body through the aggregator',
    absorbWrite: 'summed: batched pending marks + contributions',
    absorb: 'wall of the absorb stage (get, parse and writes overlap)',
    recompute: 'wall: hour summaries, contributions → hour partials',
    stats: 'wall: partials → daily stats, changed items written',
    marks: 'wall: written marks cleared, hour summaries, pending marks cleared',
  };
  out.push('', formatTable(['rollup phase', 'ms', 'ms per object', 'notes'], Object.entries(phaseNotes).map(([phase, note]) => [phase, phaseMs[phase], perObject(phaseMs[phase]), note])));
  const cores = cpus().length;
  const cpuTotal = (reading: CpuReading): number => Object.values(reading).reduce((sum, seconds) => sum + seconds, 0);
  const cpuBound = (events: number, reading: CpuReading): number => Math.round(events / (cpuTotal(reading) / cores));
  const cpuRow = (phase: 'ingest' | 'rollup', events: number): Cell[] => {
    const reading = figures.cpu[phase];
    return [phase, ...CPU_PROCESSES.map((name) => round(reading[name] ?? 0, 2)), round(cpuTotal(reading), 2), cpuBound(events, reading)];
  };
  out.push('', formatTable(['CPU seconds', ...CPU_PROCESSES, 'total', `events/s if ${cores} idle cores were all busy`], [cpuRow('ingest', ingest.events), cpuRow('rollup', ingest.events)]));
  out.push('', formatTable(['requests', 'per rollup run', 'per ingest request'], [...new Set([...Object.keys(figures.rollupRequests), ...Object.keys(figures.ingestRequests)])].sort().map((name) => [name, figures.rollupRequests[name], figures.ingestRequests[name]])));
  if (latency) {
    out.push('', formatTable(['ingest to visible', 'value', 'notes'], [
      ['requests', latency.requests, `${latency.events.toLocaleString('en-US')} events, ${latency.rollupRuns} rollup runs, debounce ${options.debounceMs} ms`],
      ['p50 s', p50 === undefined ? undefined : round(p50, 2), 'from the 202 until GET /stats shows the request\'s probe event'],
      ['p95 s', p95 === undefined ? undefined : round(p95, 2), ''],
      ['max s', latency.latencies.length ? round(Math.max(...latency.latencies), 2) : undefined, ''],
    ]));
  }
  out.push('', formatTable(['target', 'value', 'goal', 'verdict'], [
    ['rollup end to end, events/s', Math.round(rollupRate), `≥ ${TARGETS.rollupEventsPerSec.toLocaleString('en-US')}`, verdict(rollupRate >= TARGETS.rollupEventsPerSec)],
    ['ingest-to-visible p95, s', p95 === undefined ? undefined : round(p95, 2), `≤ ${p95Target} (debounce + ${TARGETS.p95SlackSeconds})`, p95 === undefined ? 'not measured' : verdict(p95 <= p95Target)],
    ['totals: /stats = sent', exact ? 'exact' : `${figures.problems.length} problem(s)`, 'counts exact, sums ≤ 1e-9 relative, every day complete', verdict(exact)],
  ]));
  if (!exact) out.push('', 'EXACTNESS FAILED:', ...figures.problems.slice(0, 20).map((problem) => `  ${problem}`));
  const json = {
    benchmark: 'e2e',
    events: ingest.events,
    eventsPerRequest: options.eventsPerRequest,
    objects,
    ingestEventsPerSec: Math.round(ingestRate),
    rollupEventsPerSec: Math.round(rollupRate),
    hotPathEventsPerSec: Math.round(hotRate),
    ratioEndToEndVsHotPath: round(rollupRate / hotRate, 3),
    phaseMs,
    cpuSeconds: Object.fromEntries(Object.entries(figures.cpu).map(([phase, reading]) => [phase, Object.fromEntries(Object.entries(reading).map(([name, seconds]) => [name, round(seconds, 2)]))])),
    rollupCpuBoundEventsPerSec: cpuBound(ingest.events, figures.cpu.rollup),
    rollupRequests: figures.rollupRequests,
    ingestRequestsPerRequest: figures.ingestRequests,
    visibleP50Seconds: p50 === undefined ? null : round(p50, 2),
    visibleP95Seconds: p95 === undefined ? null : round(p95, 2),
    debounceMs: options.debounceMs,
    exact,
  };
  out.push('', JSON.stringify(json));
  process.stdout.write(`${out.join('\n')}\n`);
  return exact ? 0 : 1;
}
