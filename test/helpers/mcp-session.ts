import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { NightshiftClient } from '../../functions/client/api-client';
import type { JsonSchemaObject, ScriptDescription, ScriptList } from '../../functions/client/types';
import { startMcpServer, type McpServerOptions, type RunningMcpServer } from '../../cli/mcp/server';

const INPUT_KEY = '^(events|exports|snapshots|scripts)\\/(?!.*\\.\\.)[A-Za-z0-9/_.=-]{1,900}$';

/** The client types name only the keywords the CLI reads; the API sends whole JSON Schemas. */
const argsSchema = (schema: Record<string, unknown>) => schema as JsonSchemaObject;

/** The two shipped scripts as `GET /scripts` describes them (zod's JSON Schema of their arguments). */
export const eventsSummary: ScriptDescription = {
  name: 'events-summary',
  description: 'Summarises one raw event object.',
  interpreter: 'node',
  timeoutMs: 120_000,
  memoryMb: 512,
  args: argsSchema({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: {
      input: { type: 'string', pattern: INPUT_KEY, description: 'Key of the event object in the artifacts bucket' },
      metric: { type: 'string', minLength: 0, maxLength: 63, pattern: '^[a-z][a-z0-9_]{0,62}$', description: 'Only this metric (default: all)' },
      top: { default: 5, type: 'integer', minimum: 1, maximum: 50, description: 'Groups listed per metric, by sum' },
    },
    required: ['input'],
    additionalProperties: false,
  }),
  argv: { input: '--input', metric: '--metric', top: '--top' },
};

export const statsReport: ScriptDescription = {
  name: 'stats-report',
  description: 'Reads a stats export and writes report.md and report.json.',
  interpreter: 'python3',
  timeoutMs: 300_000,
  memoryMb: 1024,
  args: argsSchema({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: {
      input: { type: 'string', pattern: INPUT_KEY, description: 'Key of the stats export (CSV or JSON) in the artifacts bucket' },
      title: { default: 'Stats report', type: 'string', minLength: 0, maxLength: 120, description: 'Heading of the report' },
      zThreshold: { default: 2.5, type: 'number', minimum: 1, maximum: 10, description: 'Outlier threshold' },
    },
    required: ['input'],
    additionalProperties: false,
  }),
  argv: { input: '--input', title: '--title', zThreshold: '--z-threshold' },
};

export function scriptList(scripts: ScriptDescription[] = [eventsSummary, statsReport]): ScriptList {
  return { scripts, maxConcurrency: 5, outputCapBytes: 10_485_760, run: 'POST /jobs {"type":"script-run",…}' };
}

export interface McpSession {
  client: Client;
  server: RunningMcpServer;
  /** What the server wrote as diagnostics. */
  log: string[];
  /** `tools/call`, typed as a plain tool result. */
  call(name: string, args?: Record<string, unknown>, options?: Parameters<Client['callTool']>[2]): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** The MCP server in-process against `url`, and the SDK's own client connected to it in memory. */
export async function connectInMemory(url: string, options: Partial<McpServerOptions> & { token?: string | undefined } = {}): Promise<McpSession> {
  const log: string[] = [];
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const token = 'token' in options ? options.token : 'test-token';
  const server = await startMcpServer(serverSide, {
    client: new NightshiftClient({ baseUrl: url, token }),
    hasToken: token !== undefined,
    log: (text) => log.push(text),
    pollIntervalMs: 10,
    ...options,
  });
  const client = new Client({ name: 'nightshift-test', version: '0' });
  await client.connect(clientSide);
  return {
    client,
    server,
    log,
    call: async (name, args = {}, callOptions) => (await client.callTool({ name, arguments: args }, undefined, callOptions)) as CallToolResult,
    async close() {
      await client.close();
      await server.closed;
    },
  };
}

/** The text of a tool result's first content block. */
export function textOf(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === 'text' ? first.text : '';
}
