import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join, relative } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { JobContext, JobDefinition, JobOutcome } from '../../core/jobs/definition';
import type { ArtifactRef } from '../../core/jobs/record';
import { NightshiftError } from '../../core/errors';
import { argumentVector, type ScriptManifest, type ScriptSpec } from './manifest';
import { scriptRunParamsFor, type ScriptRunParams } from './params';
import { shippedManifest } from './shipped-manifest';
import { jobRunning, type JobRun, type JobServices } from '../job-type-definition';
import { runTimeoutMs, scriptRunJob } from './script-run-job';
import { CappedOutput, type OutputStats } from './capped-output';
import { runProcessGroup, type ProcessEnd } from './process-group';

/** Kept back from the run's deadline for the grace period's end, uploads and the final write. */
const FINISHING_RESERVE_MS = 10_000;

export class ScriptInputTooLargeError extends NightshiftError {
  constructor(key: string, limit: number) {
    super('script_input_too_large', `input ${key} is larger than scripts.maxInputBytes (${limit} bytes)`);
  }
}

/** Where a run's artifacts go: `scripts/<jobId>/stdout.log`, `stderr.log`, `output/<name>`. */
export const scriptArtifactPrefix = (jobId: string): string => `scripts/${jobId}/`;

/** One run of a shipped script, from the runtime's script directory with its PATH. */
export const scriptRunRun: JobRun<ScriptRunParams, Pick<JobServices, 'scripts'>> = (context, { scripts }) =>
  runScript({ ...shippedManifest, directory: scripts.directory }, context, scripts.searchPath);

/** A script run over another manifest (tests bring their own whitelist), with this PATH. */
export function createScriptRunJob(manifest: ScriptManifest, searchPath: string): JobDefinition<ScriptRunParams> {
  return jobRunning({ ...scriptRunJob, params: scriptRunParamsFor(manifest), timeoutMs: runTimeoutMs(manifest) }, (context) => runScript(manifest, context, searchPath));
}

async function runScript(manifest: ScriptManifest, context: JobContext<ScriptRunParams>, searchPath: string): Promise<JobOutcome> {
  const { job, params, deps, signal, deadline, artifacts, log } = context;
  const settings = deps.config.scripts;
  // The params schema already refused unknown names; this is the same lookup, typed.
  const spec = manifest.scripts[params.script] as ScriptSpec;
  const prefix = scriptArtifactPrefix(job.id);
  const workdir = await mkdtemp(join(tmpdir(), `nightshift-script-${job.id}-`));
  try {
    const outputDir = join(workdir, 'output');
    const inputDir = join(workdir, 'input');
    await Promise.all([mkdir(outputDir), mkdir(inputDir), mkdir(join(workdir, 'tmp'))]);

    const inputs: Array<{ name: string; key: string; path: string }> = [];
    const argv = argumentVector(spec, params.args, (name, key) => {
      const path = join(inputDir, `${name}-${basename(key)}`);
      inputs.push({ name, key, path });
      return path;
    });
    for (const input of inputs) await download(deps.artifacts, input.key, input.path, settings.maxInputBytes);

    const requested = Math.min(params.timeoutMs ?? spec.timeoutMs, spec.timeoutMs);
    const untilDeadline = deadline.getTime() - deps.clock.now().getTime() - settings.killGraceMs - FINISHING_RESERVE_MS;
    const timeoutMs = Math.max(100, Math.min(requested, untilDeadline));
    const stdout = new CappedOutput(settings.outputCapBytes);
    const stderr = new CappedOutput(settings.outputCapBytes);
    const uploads = [
      artifacts.put('stdout.log', stdout.body, 'text/plain; charset=utf-8', { key: `${prefix}stdout.log` }),
      artifacts.put('stderr.log', stderr.body, 'text/plain; charset=utf-8', { key: `${prefix}stderr.log` }),
    ];
    // A failed upload must not leave the other one (or the script) hanging; it is reported below.
    const uploaded = Promise.allSettled(uploads);

    const [command, ...interpreterArgs] = interpreterFor(spec);
    log.info('script starting', { script: params.script, timeoutMs, args: argv.length });
    const end = await runProcessGroup({
      command: command!,
      argv: [...interpreterArgs, join(manifest.directory, spec.file), ...argv],
      cwd: workdir,
      env: scriptEnvironment(context, searchPath, workdir, outputDir),
      timeoutMs,
      graceMs: settings.killGraceMs,
      signal,
      onOutput(out, err) {
        stdout.attach(out);
        stderr.attach(err);
      },
    });
    if (end.kind === 'aborted') throw signal.reason;
    const uploadErrors = (await uploaded).flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    const files = await collectOutputFiles(outputDir, settings, (name, path, contentType) =>
      artifacts.put(`output/${name}`, createReadStream(path), contentType, { key: `${prefix}output/${name}` }),
    );
    return outcomeOf(params.script, end, timeoutMs, settings.killGraceMs, { stdout: stdout.stats(), stderr: stderr.stats() }, files, uploadErrors);
  } finally {
    await rm(workdir, { recursive: true, force: true }).catch((error: unknown) => log.warn('could not remove the working directory', { error: String(error) }));
  }
}

/** Node is the runner's own binary (the same version everywhere); Python is whatever `python3` PATH finds. */
function interpreterFor(spec: ScriptSpec): string[] {
  if (spec.interpreter === 'node') return [process.execPath, `--max-old-space-size=${Math.floor(spec.memoryMb * 0.75)}`];
  return ['python3'];
}

/**
 * Only what a script needs: no AWS credentials, tokens or endpoints from the runner's own
 * environment. Data reaches the script as downloaded input files, results leave as files in
 * the output directory.
 */
function scriptEnvironment({ job, params, deps }: JobContext<ScriptRunParams>, searchPath: string, workdir: string, outputDir: string): Record<string, string> {
  return {
    PATH: searchPath,
    HOME: workdir,
    TMPDIR: join(workdir, 'tmp'),
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    NIGHTSHIFT_JOB_ID: job.id,
    NIGHTSHIFT_SCRIPT: params.script,
    NIGHTSHIFT_OUTPUT_DIR: outputDir,
    NIGHTSHIFT_TIMEZONE: deps.config.timezone,
    NIGHTSHIFT_METRICS: Object.keys(deps.config.metrics).join(','),
  };
}

async function download(store: JobContext<unknown>['deps']['artifacts'], key: string, path: string, limit: number): Promise<void> {
  let seen = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > limit ? new ScriptInputTooLargeError(key, limit) : null, chunk);
    },
  });
  await pipeline(await store.get(key), guard, createWriteStream(path, { flags: 'wx' }));
}

interface OutputFiles {
  stored: ArtifactRef[];
  /** Files not stored, with the reason (too many, too big, not a regular file). */
  skipped: Array<{ name: string; reason: string }>;
}

/** Regular files under the output directory, in name order, bounded in count and size. Symlinks are never followed. */
async function collectOutputFiles(
  outputDir: string,
  limits: { maxOutputFiles: number; maxOutputFileBytes: number },
  store: (name: string, path: string, contentType: string) => Promise<ArtifactRef>,
): Promise<OutputFiles> {
  const entries = (await readdir(outputDir, { recursive: true })).sort();
  const result: OutputFiles = { stored: [], skipped: [] };
  for (const entry of entries) {
    const path = join(outputDir, entry);
    const name = relative(outputDir, path).split('\\').join('/');
    const info = await lstat(path);
    if (info.isDirectory()) continue;
    if (!info.isFile()) result.skipped.push({ name, reason: 'not a regular file' });
    else if (info.size > limits.maxOutputFileBytes) result.skipped.push({ name, reason: `larger than ${limits.maxOutputFileBytes} bytes` });
    else if (result.stored.length >= limits.maxOutputFiles) result.skipped.push({ name, reason: `more than ${limits.maxOutputFiles} files` });
    else result.stored.push(await store(name, path, contentTypeOf(name)));
  }
  return result;
}

const contentTypes: Readonly<Record<string, string>> = {
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.ndjson': 'application/x-ndjson',
  '.gz': 'application/gzip',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

function contentTypeOf(name: string): string {
  return contentTypes[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Exit 0 → succeeded (warning when output was dropped); another code → failed with it; a
 * signal nobody here sent → failed naming it; past the limit → timed_out. The last 4 KiB of each
 * stream stay on the record's summary; `logs` holds the tail of both.
 */
function outcomeOf(
  script: string,
  end: Exclude<ProcessEnd, { kind: 'aborted' }>,
  timeoutMs: number,
  graceMs: number,
  output: { stdout: OutputStats; stderr: OutputStats },
  files: OutputFiles,
  uploadErrors: unknown[],
): JobOutcome {
  const dropped = (['stdout', 'stderr'] as const).filter((name) => output[name].truncated);
  const summary: Record<string, unknown> = {
    script,
    timeoutMs,
    stdout: output.stdout,
    stderr: output.stderr,
    outputFiles: files.stored.map((file) => file.name),
    ...(files.skipped.length > 0 ? { skippedOutputFiles: files.skipped } : {}),
    ...(dropped.length > 0 ? { outputDropped: dropped.map((name) => `${name}: ${output[name].bytes - output[name].storedBytes} bytes past the cap were dropped`) } : {}),
    ...(uploadErrors.length > 0 ? { logUploadErrors: uploadErrors.map(String) } : {}),
  };
  const logs = [
    ...(output.stderr.tail ? [`--- stderr (end) ---\n${output.stderr.tail}`] : []),
    ...(output.stdout.tail ? [`--- stdout (end) ---\n${output.stdout.tail}`] : []),
    ...(dropped.length > 0 ? [`[nightshift] ${dropped.join(' and ')} passed the output cap; the rest was dropped`] : []),
  ].join('\n');
  const base = { summary: { ...summary, end }, ...(logs ? { logs } : {}) };
  switch (end.kind) {
    case 'spawn_failed':
      return { ...base, status: 'failed', error: { code: 'script_spawn_failed', message: `could not start ${script}: ${end.message}` } };
    case 'timed_out':
      return {
        ...base,
        status: 'timed_out',
        ...(end.exitCode !== null ? { exitCode: end.exitCode } : {}),
        error: {
          code: 'script_timeout',
          message: `${script} ran past its ${timeoutMs} ms limit: SIGTERM to its process group` + (end.escalated ? `, SIGKILL after the ${graceMs} ms grace` : ''),
        },
      };
    case 'signaled':
      return { ...base, status: 'failed', error: { code: 'script_killed', message: `${script} was killed by ${end.signal}` } };
    case 'exited':
      if (end.exitCode !== 0) return { ...base, status: 'failed', exitCode: end.exitCode, error: { code: 'script_failed', message: `${script} exited with code ${end.exitCode}` } };
      return { ...base, status: dropped.length > 0 || files.skipped.length > 0 || uploadErrors.length > 0 ? 'warning' : 'succeeded', exitCode: 0 };
  }
}
