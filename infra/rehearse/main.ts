import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cachedAssembly, cdkSynth } from './assembly-cache';
import { buildReport, formatReport } from './report';
import { startRehearsal } from './rehearsal';
import { runFirstDay } from './scenario';

const usage = `npm run rehearse [-- --assembly DIR] [--reduced] [--logs DIR] [--keep-work]

Synthesizes the CDK app (cdk synth, into node_modules/.cache/nightshift-rehearse/<hash of the
sources>, reused while the sources stay the same), or takes the cloud assembly in DIR, and runs it offline: every Lambda bundle on Node 22, IAM on every AWS call, the HTTP API with
its authorizer, the schedules, the delay queue, CloudWatch alarms; then a user's first day.
--logs DIR writes every log group's lines (one file each) for a look after the run.
Prints the report and, last, one JSON line. Exit code 0 only with no denial, every alarm matched
and every scenario step passed.`;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { assembly: { type: 'string' }, reduced: { type: 'boolean' }, 'keep-work': { type: 'boolean' }, logs: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const started = Date.now();
  const assembly = values.assembly
    ? resolve(values.assembly)
    : cachedAssembly((outdir) => {
        console.error(`cdk synth --output ${outdir} …`);
        cdkSynth(outdir);
      }, (line) => console.error(line));
  const workDir = mkdtempSync(join(tmpdir(), 'nightshift-rehearsal-'));
  const rehearsal = await startRehearsal({ assemblyDir: assembly, workDir, log: (line) => console.error(line) });
  // Ctrl-C or a CI time-out: stop the sandboxes and emulators rather than leave them behind.
  const interrupted = (signal: NodeJS.Signals): void => {
    console.error(`${signal}: stopping the rehearsal`);
    void rehearsal.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    if (process.env['REHEARSE_DEBUG'] === '1') rehearsal.timeline.onTask = (label, at) => console.error(`  [${new Date(at).toISOString()}] ${label}`);
    const steps = await runFirstDay(rehearsal, { reduced: values.reduced === true, log: (line) => console.error(line) });
    const report = await buildReport(rehearsal, steps);
    if (values.logs) writeLogs(rehearsal.metrics.logs, resolve(values.logs));
    console.log(formatReport(report, { node: rehearsal.node.version, assembly, seconds: (Date.now() - started) / 1000 }));
    const { summary } = report;
    return summary.denied === 0 && summary.alarmsMatched === summary.alarms && summary.scenarioPassed === summary.scenarioSteps ? 0 : 1;
  } finally {
    await rehearsal.stop();
    if (!values['keep-work']) rmSync(workDir, { recursive: true, force: true });
  }
}

function writeLogs(lines: ReadonlyArray<{ logGroup: string; at: number; text: string }>, directory: string): void {
  mkdirSync(directory, { recursive: true });
  for (const line of lines) appendFileSync(join(directory, `${line.logGroup.replace(/[^\w.-]+/g, '_')}.log`), `${new Date(line.at).toISOString()} ${line.text}\n`);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
