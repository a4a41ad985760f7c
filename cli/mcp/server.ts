import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { NightshiftClient } from '../../functions/client/api-client';
import { ScriptCatalog } from './script-catalog';
import { errorText, ToolInputError, type NightshiftTool, type ToolContext } from './tool';
import { jobTools } from './tools/jobs';
import { explainProof, getProof } from './tools/proofs';
import { annotateDays, listAnnotations } from './tools/annotations';
import { runJob } from './tools/run-job';
import { listScheduleSlots, listSchedules } from './tools/schedules';
import { scriptTools } from './tools/scripts';
import { getStats } from './tools/stats';

const VERSION = packageVersion();

/** The version in the nearest package.json above this module: the sources' (cli/mcp) or the compiled CLI's (dist/cli/chunks). */
function packageVersion(): string {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    try {
      return (JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { version: string }).version;
    } catch (error) {
      if (dir.pathname === '/') throw error;
    }
  }
}

/** Sent to the client at initialization; clients give it to the model as the server's overview. */
const INSTRUCTIONS = [
  'Nightshift runs analytics jobs, on schedules and on demand: rollups of ingested events into daily stats, snapshots of metrics per period, sampling proofs (is a day\'s data plausible?), exports, and whitelisted scripts.',
  'Every run is a record (list_jobs, get_job): queued → running → succeeded | warning | failed | timed_out, or skipped when another run already covers its period.',
  'Days are local days of the business time zone (YYYY-MM-DD); a period is a day 2026-11-22, an ISO week 2026-W47 or a month 2026-11.',
  'Reading needs a token with the read scope; run_job and run_script need admin. To start something and get its outcome in one call, pass wait: true.',
].join(' ');

export interface McpServerOptions {
  client: NightshiftClient;
  /** Whether the client has a token (a 401 then needs no hint about setting one). */
  hasToken: boolean;
  /** Diagnostics: never stdout, which is the protocol's. */
  log: (text: string) => void;
  /** Between polls of a followed run; default 500 ms. */
  pollIntervalMs?: number;
  /** How long tools/list waits for the script whitelist read at startup; default 10 s. */
  scriptsWaitMs?: number;
  now?: () => number;
}

export interface RunningMcpServer {
  /** Resolves when the connection has closed: the client went away, or `close()`. */
  closed: Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves the Nightshift tools over `transport` (stdio for `nightshift mcp`, in memory in tests).
 * A thin client of the HTTP API: every tool is calls of the one `NightshiftClient`.
 *
 * The tools are served through the low-level tools/list and tools/call handlers, not
 * `McpServer.registerTool`: run_script's input schema is the API's JSON Schema, per script, which
 * registerTool (zod only, one schema to list and to check) cannot show as is. The other tools
 * are zod objects all the same (`defineTool`), listed as the JSON Schema zod derives.
 * `McpServer` stays the server so resources or prompts can be added the high-level way.
 */
export async function startMcpServer(transport: Transport, options: McpServerOptions): Promise<RunningMcpServer> {
  const { client, hasToken, log } = options;
  const now = options.now ?? (() => Date.now());
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const mcp = new McpServer({ name: 'nightshift', title: 'Nightshift', version: VERSION }, { instructions: INSTRUCTIONS });
  mcp.server.registerCapabilities({ tools: { listChanged: true } });

  // The script tools wait for the whitelist (at most scriptsWaitMs); if it comes later, they are rebuilt and the client told.
  const catalog = new ScriptCatalog(client, log, hasToken);
  let scriptPart: NightshiftTool[] = [];
  let built: Promise<void> | undefined;
  const allTools = async (): Promise<NightshiftTool[]> => {
    built ??= (async () => {
      const list = await catalog.atStartup(options.scriptsWaitMs ?? 10_000);
      scriptPart = scriptTools(catalog, list, log);
      if (!list) {
        void catalog.settled().then((late) => {
          if (!late) return;
          scriptPart = scriptTools(catalog, late, log);
          if (mcp.isConnected()) mcp.sendToolListChanged();
        });
      }
    })();
    await built;
    return [...jobTools, runJob, ...scriptPart, listSchedules, listScheduleSlots, getStats, getProof, explainProof, annotateDays, listAnnotations];
  };

  let zone: Promise<string> | undefined;
  const timezone = (): Promise<string> =>
    (zone ??= client.metrics().then(
      (catalog) => catalog.timezone,
      () => 'UTC',
    ));

  const shutdown = new AbortController();
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));

  mcp.server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: (await allTools()).map(
      ({ name, title, description, inputSchema, outputSchema, annotations }): Tool => ({ name, title, description, inputSchema, ...(outputSchema ? { outputSchema } : {}), annotations }),
    ),
  }));

  mcp.server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const tools = await allTools();
    const tool = tools.find((candidate) => candidate.name === request.params.name);
    if (!tool) return failure(`unknown tool ${JSON.stringify(request.params.name)}; this server has ${tools.map((candidate) => candidate.name).join(', ')}`);
    // A call ends early when its caller cancels it or the connection closes: a wait must not outlive either.
    const signal = AbortSignal.any([extra.signal, shutdown.signal]);
    const progressToken = request.params._meta?.progressToken;
    let progress = 0;
    const context: ToolContext = {
      client,
      now,
      pollIntervalMs,
      timezone,
      sleep: (ms) => sleep(ms, undefined, { signal }),
      async progress(message) {
        if (progressToken === undefined || signal.aborted) return;
        progress += 1;
        await extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress, message } }).catch(() => undefined);
      },
    };
    try {
      const output = await tool.call(request.params.arguments, context);
      return { content: [{ type: 'text', text: output.text }], structuredContent: output.structured };
    } catch (error) {
      const text = errorText(error, hasToken);
      if (!(error instanceof ToolInputError)) log(`nightshift mcp: ${tool.name} failed: ${text}`);
      return failure(text);
    }
  });

  mcp.server.onerror = (error) => log(`nightshift mcp: ${error.message}`);
  mcp.server.onclose = () => {
    shutdown.abort();
    markClosed();
  };
  await mcp.connect(transport);
  return {
    closed,
    async close() {
      await mcp.close();
    },
  };
}

/** A tool error: the model sees it and can correct the call; the protocol carries on. */
function failure(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}
