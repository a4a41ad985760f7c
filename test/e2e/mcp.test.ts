import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { steadyWebDay } from '../helpers/rollup-events';
import { startLocalCloudProcess, type LocalCloudProcess } from '../helpers/local-cloud-process';

const ROOT = resolve(import.meta.dirname, '../..');
const TIMEZONE = 'America/Los_Angeles';

type Structured = Record<string, any>;

function textOf(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === 'text' ? first.text : '';
}

describe('nightshift mcp against the local cloud, through the SDK client over stdio', () => {
  let cloud: LocalCloudProcess;
  let client: Client;
  let transport: StdioClientTransport;
  const stderr: string[] = [];
  const yesterday = DateTime.now().setZone(TIMEZONE).minus({ days: 1 }).toISODate()!;
  /** Yesterday's events: each local hour 60 sessions and 3 orders of 40 revenue, on the web channel of store s1. */
  const events = steadyWebDay(yesterday, TIMEZONE);
  let eventObject: string;
  const timings: Record<string, number> = {};

  /** `tools/call` as an agent makes it, timed. */
  async function call(name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
    const started = Date.now();
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    timings[name] = (timings[name] ?? 0) + (Date.now() - started);
    return result;
  }

  beforeAll(async () => {
    cloud = await startLocalCloudProcess({ args: ['--no-demo'] });
    const ingest = await cloud.request('/events', { method: 'POST', body: { events } });
    eventObject = ingest.body.objects[0];

    const started = Date.now();
    transport = new StdioClientTransport({
      command: process.execPath,
      args: ['bin/nightshift.mjs', 'mcp', '--url', cloud.ready.apiUrl, '--token', cloud.adminToken],
      cwd: ROOT,
      stderr: 'pipe',
    });
    // stderr: 'pipe' makes it a readable stream (typed as a plain Stream).
    createInterface({ input: transport.stderr as Readable }).on('line', (line) => stderr.push(line));
    client = new Client({ name: 'nightshift-e2e', version: '0' });
    await client.connect(transport);
    timings['connect'] = Date.now() - started;
  }, 90_000);

  afterAll(async () => {
    await client?.close();
    if (cloud && cloud.child.exitCode === null) await cloud.stop('SIGKILL');
    console.log(`mcp e2e timings (ms): ${JSON.stringify(timings)}`);
  });

  it("lists every tool, run_script with each script's argument schema", async () => {
    // Act
    const { tools } = await client.listTools();

    // Assess
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining(['list_jobs', 'get_job', 'get_job_logs', 'run_job', 'list_scripts', 'run_script', 'run_script_events-summary', 'run_script_stats-report', 'list_schedules', 'get_stats', 'get_proof']),
    );
    const runScript = tools.find((tool) => tool.name === 'run_script')!;
    expect((runScript.inputSchema.properties!['script'] as { enum: string[] }).enum).toEqual(expect.arrayContaining(['events-summary', 'stats-report']));
    const argsSchemas = (runScript.inputSchema.properties!['args'] as { anyOf: Array<{ title: string; required: string[] }> }).anyOf;
    expect(argsSchemas.find((schema) => schema.title === 'events-summary')).toMatchObject({ type: 'object', required: ['input'], additionalProperties: false });
    expect(stderr).toContain(`nightshift mcp: serving ${cloud.ready.apiUrl} on stdin/stdout`);
  });

  it('run_job with wait proves yesterday; get_proof, get_stats, list_jobs and get_job read what it made', async () => {
    // Act
    const run = await call('run_job', { type: 'sampling-proof', period: yesterday, wait: true, waitSeconds: 60 });
    const runId = (run.structuredContent as Structured)['job'].id as string;
    const latest = await call('get_proof');
    const byDate = await call('get_proof', { date: yesterday });
    const stats = await call('get_stats', { metric: 'revenue', from: yesterday, to: yesterday, groupBy: 'channel' });
    const list = await call('list_jobs', { type: 'sampling-proof', since: '1h' });
    const one = await call('get_job', { id: runId });

    // Assess
    expect(run.isError).toBeFalsy();
    expect(run.structuredContent).toMatchObject({ waited: true, finished: true, job: { type: 'sampling-proof', period: yesterday, status: 'succeeded' } });
    expect(textOf(run)).toContain(`started sampling-proof ${yesterday}: run ${runId}`);
    expect(textOf(run)).toMatch(new RegExp(`sampling-proof run ${runId} ended succeeded in `));
    expect(latest.structuredContent).toMatchObject({ date: yesterday, status: 'pass' });
    expect(byDate.structuredContent).toEqual(latest.structuredContent);
    expect(textOf(latest)).toMatch(new RegExp(`^date\\s+${yesterday} \\(${TIMEZONE}\\)\\nstatus\\s+pass \\(exit code 0\\)`));
    const revenue = events.filter((event) => event.metric === 'revenue');
    expect((stats.structuredContent as Structured)['items']).toEqual([{ day: yesterday, dims: { channel: 'web' }, count: revenue.length, sum: revenue.length * 40, min: 40, max: 40, complete: true }]);
    expect((list.structuredContent as Structured)['items'].map((job: { id: string }) => job.id)).toContain(runId);
    expect(textOf(list)).toMatch(new RegExp(`${runId}\\s+sampling-proof\\s+succeeded\\s+api`));
    expect(one.structuredContent).toMatchObject({ id: runId, status: 'succeeded', exitCode: 0 });
    expect(textOf(one)).toMatch(/^status\s+succeeded$/m);
  }, 90_000);

  it('list_scripts and list_schedules show the whitelist and the schedules', async () => {
    // Act
    const scripts = await call('list_scripts');
    const schedules = await call('list_schedules');

    // Assess
    expect((scripts.structuredContent as Structured)['scripts'].map((script: { name: string }) => script.name)).toEqual(expect.arrayContaining(['events-summary', 'stats-report']));
    expect(textOf(scripts)).toMatch(/^NAME\s+INTERPRETER\s+TIMEOUT\s+ARGS\s+DESCRIPTION$/m);
    expect((schedules.structuredContent as Structured)['tasks'].map((task: { name: string }) => task.name)).toEqual(expect.arrayContaining(['rollup-hourly', 'snapshot-daily', 'sweeper']));
    expect(textOf(schedules)).toMatch(/^NAME\s+TYPE\s+EXPRESSION\s+ZONE\s+NEXT \(America\/Los_Angeles\)\s+LAST RUN\s+LAST SUCCESS\s+CATCH-UP$/m);
  });

  it('run_script follows events-summary until it finishes, with its output; the script\'s own tool runs stats-report on what it wrote', async () => {
    // Act
    const summary = await call('run_script', { script: 'events-summary', args: { input: eventObject }, wait: true, waitSeconds: 60 });
    const summaryRun = (summary.structuredContent as Structured)['job'];
    const logs = await call('get_job_logs', { id: summaryRun.id });
    const report = await call('run_script_stats-report', { input: `scripts/${summaryRun.id}/output/groups.csv`, title: 'Yesterday', wait: true, waitSeconds: 60 });

    // Assess
    expect(summary.isError).toBeFalsy();
    expect(summary.structuredContent).toMatchObject({ script: 'events-summary', waited: true, finished: true, job: { type: 'script-run', status: 'succeeded', exitCode: 0 }, logs: { available: true } });
    expect(summaryRun.artifacts.map((artifact: { name: string }) => artifact.name)).toEqual(expect.arrayContaining(['stdout.log', 'output/summary.json', 'output/groups.csv']));
    expect(textOf(summary)).toMatch(new RegExp(`^script-run run ${summaryRun.id} ended succeeded in .* \\(exit code 0\\)\\nartifacts: .*summary\\.json`));
    expect(textOf(summary)).toMatch(/stdout \(\d+ bytes\):\nevents-summary: \d+ lines, 0 invalid/);
    expect(logs.structuredContent).toMatchObject({ jobId: summaryRun.id, available: true, stdout: { omittedChars: 0 } });
    expect((logs.structuredContent as Structured)['stdout'].text).toContain('events-summary: ');
    expect(report.structuredContent).toMatchObject({ script: 'stats-report', finished: true, job: { status: 'succeeded', params: { script: 'stats-report', args: { title: 'Yesterday' } } } });
    expect(textOf(report)).toContain('stats-report: ');
  }, 90_000);

  it("answers mistakes with tool errors: the API's message for an unknown run or job type, the argument for bad script args", async () => {
    // Prepare
    const scriptRunsBefore = ((await call('list_jobs', { type: 'script-run', limit: 100 })).structuredContent as Structured)['items'].length;

    // Act
    const unknownRun = await call('get_job', { id: '01KAZ3Q0M8W1Y2X3V4T5S6R7P8' });
    const unknownType = await call('run_job', { type: 'no-such-job' });
    const badArgs = await call('run_script', { script: 'events-summary', args: { input: '../etc/passwd', top: 500 } });
    const scriptRunsAfter = ((await call('list_jobs', { type: 'script-run', limit: 100 })).structuredContent as Structured)['items'].length;

    // Assess
    expect(unknownRun).toEqual({ content: [{ type: 'text', text: 'no job with id "01KAZ3Q0M8W1Y2X3V4T5S6R7P8" (HTTP 404 not_found)' }], isError: true });
    expect(unknownType.isError).toBe(true);
    expect(textOf(unknownType)).toMatch(/no-such-job.*\(HTTP 400 \w+\)$/);
    expect(badArgs.isError).toBe(true);
    expect(textOf(badArgs)).toMatch(/^invalid arguments for script events-summary: args\.input: .*pattern.*; args\.top: Too big: expected number to be <=50$/);
    expect(scriptRunsAfter).toBe(scriptRunsBefore);
  });

  it('writes nothing but protocol on stdout and exits 0 when stdin closes', async () => {
    // Prepare
    const child = spawn(process.execPath, ['bin/nightshift.mjs', 'mcp'], {
      cwd: ROOT,
      env: { ...process.env, NIGHTSHIFT_URL: cloud.ready.apiUrl, NIGHTSHIFT_TOKEN: cloud.adminToken },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    const answered = new Promise<void>((done) =>
      createInterface({ input: child.stdout! }).on('line', (line) => {
        lines.push(line);
        if (lines.length === 2) done();
      }),
    );
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const send = (message: object) => child.stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);

    // Act
    send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } });
    send({ method: 'notifications/initialized' });
    send({ id: 2, method: 'tools/call', params: { name: 'list_schedules', arguments: {} } });
    await answered;
    const closedAt = Date.now();
    child.stdin!.end();
    const [code, signal] = await exited;
    timings['exitAfterStdinEnds'] = Date.now() - closedAt;

    // Assess
    expect([code, signal]).toEqual([0, null]);
    expect(timings['exitAfterStdinEnds']).toBeLessThan(5_000);
    const messages = lines.map((line) => JSON.parse(line) as { jsonrpc: string; id: number; result: Structured });
    expect(messages.map((message) => [message.jsonrpc, message.id])).toEqual([
      ['2.0', 1],
      ['2.0', 2],
    ]);
    expect(messages[0]!.result['serverInfo']).toMatchObject({ name: 'nightshift' });
    expect(messages[1]!.result['structuredContent'].tasks.length).toBeGreaterThan(0);
  });
});
