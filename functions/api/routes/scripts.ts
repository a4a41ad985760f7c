import { shippedManifest } from '../../jobs/script-run/shipped-manifest';
import { describeScript } from '../../jobs/script-run/manifest';
import { maxConcurrencyFor, catalogEntry } from '../../catalog';
import type { RouteHandler } from '../http';
import { findJob } from './jobs';

/** Each stream up to this size comes inline; a bigger one only as a link (a Lambda answer stops at 6 MB). */
const INLINE_LOG_BYTES = 2 * 1024 * 1024;
const PRESIGNED_URL_SECONDS = 900;
const STREAMS = ['stdout', 'stderr'] as const;

/** GET /scripts: the whitelist, each script's limits and its arguments as JSON Schema. */
export const listScripts: RouteHandler = async (_request, { deps }) => {
  const scripts = Object.entries(shippedManifest.scripts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, spec]) => describeScript(name, spec));
  return {
    status: 200,
    body: {
      scripts,
      maxConcurrency: maxConcurrencyFor(catalogEntry('script-run'), deps.config),
      outputCapBytes: deps.config.scripts.outputCapBytes,
      run: 'POST /jobs {"type":"script-run","params":{"script":"<name>","args":{…},"timeoutMs":<optional, at most the script\'s>}}',
    },
  };
};

/**
 * GET /jobs/{id}/logs: a script run's whole stdout and stderr as stored (up to the output cap),
 * inline up to 2 MiB each and always as a short-lived link. Runs that write no logs, or have not
 * written them yet, get `available: false` and the reason.
 */
export const getJobLogs: RouteHandler = async (request, context) => {
  const job = await findJob(request.pathParameters['id'] ?? '', context);
  const base = { jobId: job.id, type: job.type, status: job.status };
  if (job.type !== 'script-run') {
    return { status: 200, body: { ...base, available: false, message: `${job.type} runs write no stdout/stderr logs; see the record's summary and error` } };
  }
  const refs = Object.fromEntries(STREAMS.map((name) => [name, job.artifacts.find((a) => a.name === `${name}.log`)]));
  if (!refs['stdout'] && !refs['stderr']) {
    const message =
      job.status === 'queued' || job.status === 'running'
        ? `the run is ${job.status}; its logs are stored when the script ends`
        : `the run ended ${job.status} before its script started${job.error ? ` (${job.error.message})` : ''}`;
    return { status: 200, body: { ...base, available: false, message } };
  }
  const output = job.summary as Partial<Record<(typeof STREAMS)[number], { bytes?: number; truncated?: boolean }>> | undefined;
  const streams = Object.fromEntries(
    await Promise.all(
      STREAMS.map(async (name) => {
        const ref = refs[name];
        if (!ref) return [name, null] as const;
        const inline = ref.size <= INLINE_LOG_BYTES;
        return [
          name,
          {
            key: ref.key,
            size: ref.size,
            bytesWritten: output?.[name]?.bytes ?? ref.size,
            truncated: output?.[name]?.truncated ?? false,
            url: await context.deps.artifacts.presignGet(ref.key, PRESIGNED_URL_SECONDS),
            inline,
            ...(inline ? { text: await context.deps.artifacts.getText(ref.key) } : {}),
          },
        ] as const;
      }),
    ),
  );
  return { status: 200, body: { ...base, available: true, ...streams } };
};
