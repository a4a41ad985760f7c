import { EXIT, stringOption, type Command } from '../command';

const mcp: Command = {
  path: ['mcp'],
  synopsis: '',
  summary: 'Serve the API to AI agents: a Model Context Protocol server on stdin/stdout',
  details: [
    'Tools: list_jobs, get_job, get_job_logs, run_job, list_scripts, run_script (and run_script_<name> per',
    'script), list_schedules, get_stats, get_proof. stdout carries only the protocol; messages go to stderr.',
    'It ends when stdin closes. An MCP client starts it; e.g. in its mcpServers configuration:',
    '  "nightshift": {"command": "npx", "args": ["nightshift", "mcp"], "cwd": "/path/to/nightshift",',
    '                 "env": {"NIGHTSHIFT_URL": "http://127.0.0.1:3000", "NIGHTSHIFT_TOKEN": "nsa_…"}}',
    'A read token serves every tool but run_job and run_script, which need admin.',
  ].join('\n'),
  positionals: [0, 0],
  examples: ['NIGHTSHIFT_TOKEN=nsa_… npx nightshift mcp   # then speak MCP (JSON-RPC lines) on stdin'],
  async run(context) {
    // Loaded here, not with the CLI: the other commands should not pay for the MCP SDK at startup.
    const [{ StdioServerTransport }, { startMcpServer }] = await Promise.all([import('@modelcontextprotocol/sdk/server/stdio.js'), import('../mcp/server')]);
    // MCP over stdio belongs to the process: its stdin and stdout are the connection.
    const transport = new StdioServerTransport(process.stdin, process.stdout);
    const server = await startMcpServer(transport, {
      client: context.client,
      hasToken: Boolean(stringOption(context, 'token') ?? context.io.env['NIGHTSHIFT_TOKEN']),
      log: (text) => context.io.stderr(`${text}\n`),
    });
    // The transport does not watch for the end of stdin; the client closing it is how a session ends.
    const stop = () => void server.close();
    process.stdin.once('end', stop).once('close', stop);
    context.io.stderr(`nightshift mcp: serving ${context.client.baseUrl} on stdin/stdout\n`);
    await server.closed;
    process.stdin.off('end', stop).off('close', stop);
    return EXIT.ok;
  },
};

export const mcpCommands: readonly Command[] = [mcp];
