import type { JobDefinition, JobDependencies, JobOutcome, RunArtifacts } from './definition';
import type { ArtifactRef, JobRecord } from './record';
import { DeadlineExceededError, IllegalTransitionError } from './errors';
import { keepLeaseRenewed } from './lease-renewal';
import { describeError, errorFields } from '../errors';
import { startRun } from './lifecycle/start-run';
import { finishRun, type RunResult } from './lifecycle/finish-run';
import { skipRun } from './lifecycle/skip-run';
import { waitForLease } from './lifecycle/wait-for-lease';
import { failUnstartedRun } from './lifecycle/fail-unstarted-run';
import { reportRunEnded } from './run-metrics';
import { zodMessage } from '../validation';

export interface ExecutionLimits {
  /** Milliseconds the host gives this invocation (Lambda's remaining time). */
  remainingMs: number;
  /** Kept back from the remaining time so the result can still be recorded. */
  marginMs: number;
}

/**
 * Runs a queued run to its end: lease (single-flight types), queued → running with a deadline,
 * the job's work under an AbortSignal, then one terminal write. The job never does its own
 * bookkeeping. Returns the final record; a run that another invocation already started is
 * returned untouched (duplicate deliveries do nothing).
 */
export async function executeRun<P>(
  definition: JobDefinition<P>,
  queued: JobRecord,
  deps: JobDependencies,
  limits: ExecutionLimits,
): Promise<JobRecord> {
  const log = deps.logger.child({ jobId: queued.id, type: queued.type });
  const parsed = definition.params.safeParse(queued.params);
  if (!parsed.success) {
    const message = zodMessage(parsed.error, { whole: 'params' });
    return failBeforeStart(deps, queued, { code: 'invalid_params', message }, log);
  }

  const lease = leaseOf(definition, parsed.data);
  if (lease) {
    const attempt = await deps.leases.acquire(lease.lease, queued.id, lease.ttlMs);
    if (!attempt.acquired) {
      if (waitsForLease(queued)) return waitBehindHolder(deps, queued, attempt.holder, log);
      log.info('lease held by another run; skipping', { holder: attempt.holder });
      return alreadyDecided(deps, queued, () => skipRun(deps.ledger, queued, deps.clock.now(), attempt.holder, 'lease_held'), log);
    }
  }

  // Whether this delivery may give the lease back: not when another delivery of the same run
  // (the same lease owner) is the one running it.
  let releaseLease = true;
  try {
    const startedAt = deps.clock.now();
    const budget = Math.min(definition.timeoutMs, limits.remainingMs - limits.marginMs);
    const deadline = new Date(startedAt.getTime() + Math.max(0, budget));
    let running: JobRecord;
    try {
      running = await startRun(deps.ledger, queued, startedAt, deadline);
    } catch (error) {
      if (error instanceof IllegalTransitionError) {
        log.info('run already started or ended elsewhere; nothing to do', { status: error.actual });
        const current = (await deps.ledger.get(queued.id)) ?? queued;
        releaseLease = current.status !== 'running';
        return current;
      }
      throw error;
    }
    log.info('run started', { deadline: deadline.toISOString(), trigger: running.trigger, period: running.period });

    const result = await runWithDeadline(definition, running, parsed.data, deps, deadline, lease, log);
    try {
      const finished = await finishRun(deps.ledger, running, deps.clock.now(), result);
      log.info('run finished', { status: finished.status, durationMs: finished.durationMs });
      reportRunEnded(deps.runMetrics, finished, log, definition.rowsSummaryField);
      return finished;
    } catch (error) {
      if (error instanceof IllegalTransitionError) {
        // The sweeper timed it out first; its verdict stands.
        log.warn('run ended after it was already closed', { status: error.actual });
        return (await deps.ledger.get(queued.id)) ?? running;
      }
      throw error;
    }
  } finally {
    if (lease && releaseLease) await deps.leases.release(lease.lease, queued.id).catch((error: unknown) => log.warn('lease release failed', errorFields(error)));
  }
}

async function runWithDeadline<P>(
  definition: JobDefinition<P>,
  job: JobRecord,
  params: P,
  deps: JobDependencies,
  deadline: Date,
  lease: { lease: string; ttlMs: number } | undefined,
  log: JobDependencies['logger'],
): Promise<RunResult> {
  const controller = new AbortController();
  const artifacts = recordingArtifacts(deps, job);
  const stops: Array<() => void> = [];
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  aborted.catch(() => undefined);
  stops.push(deps.clock.after(deadline.getTime() - deps.clock.now().getTime(), () => controller.abort(new DeadlineExceededError(deadline))));
  if (lease) stops.push(keepLeaseRenewed(deps.leases, deps.clock, lease, job.id, (lost) => controller.abort(lost), log));

  try {
    const work = definition.run({ job, params, signal: controller.signal, deadline, deps, log, artifacts });
    const outcome: JobOutcome = await Promise.race([work, aborted]);
    return { ...outcomeResult(outcome), artifacts: [...artifacts.written] };
  } catch (error) {
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : error;
    const status = reason instanceof DeadlineExceededError ? 'timed_out' : 'failed';
    log.error('run failed', { ...errorFields(reason), status });
    return { status, error: describeError(reason), artifacts: [...artifacts.written] };
  } finally {
    for (const stop of stops) stop();
    if (!controller.signal.aborted) controller.abort(new Error('run ended'));
  }
}

/** The lease a run holds: its params' own (`leaseFor`), or the type's single flight. */
function leaseOf<P>(definition: JobDefinition<P>, params: P): { lease: string; ttlMs: number } | undefined {
  return definition.leaseFor?.(params) ?? definition.singleFlight;
}

/**
 * The outcome as the record stores it: the summary as plain JSON (a Date becomes its ISO string)
 * and the error as exactly `{code, message}`, so a job's result can always be written.
 */
function outcomeResult(outcome: JobOutcome): Omit<RunResult, 'artifacts'> {
  const status = outcome.status ?? 'succeeded';
  let summary: Record<string, unknown> | undefined;
  try {
    summary = outcome.summary === undefined ? undefined : (JSON.parse(JSON.stringify(outcome.summary)) as Record<string, unknown>);
  } catch (error) {
    return { status: 'failed', error: { code: 'invalid_summary', message: `the job's summary is not JSON: ${describeError(error).message}` } };
  }
  return {
    status,
    ...(summary !== undefined ? { summary } : {}),
    ...(outcome.error !== undefined ? { error: { code: String(outcome.error.code), message: String(outcome.error.message) } } : {}),
    ...(outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}),
    ...(outcome.logs !== undefined ? { logs: outcome.logs } : {}),
  };
}

function recordingArtifacts(deps: JobDependencies, job: JobRecord): RunArtifacts {
  const written: ArtifactRef[] = [];
  return {
    written,
    async put(name, body, contentType, options) {
      const key = options?.key ?? `runs/${job.type}/${job.id}/${name}`;
      const stored = await deps.artifacts.put(key, body, contentType);
      const ref: ArtifactRef = { name, key, size: stored.size, contentType };
      const existing = written.findIndex((a) => a.key === key);
      if (existing >= 0) written.splice(existing, 1, ref);
      else written.push(ref);
      return ref;
    },
  };
}

/**
 * A run someone asked for by hand (the API) is never dropped because the lease is held: a
 * scheduled or debounced run is covered by the next one, a requested one (an explicit rollup
 * range) is not.
 */
function waitsForLease(job: JobRecord): boolean {
  return job.trigger === 'api';
}

/** How long a manual run waits for a held lease before it fails, naming the holder. */
export const MAX_LEASE_WAIT_MS = 15 * 60_000;
/** Its tries come 5 s apart at first, then further apart, at most 30 s. */
const LEASE_RETRY_STEP_SECONDS = 5;
const LEASE_RETRY_MAX_SECONDS = 30;

/**
 * Leaves the run `queued` behind the lease holder and asks for it to be invoked again after a
 * pause (a delayed invocation: the delay queue in AWS, a timer locally). If that invocation is
 * lost, the sweeper finds the run still queued past `nextAttemptAt` and invokes it again. Past
 * MAX_LEASE_WAIT_MS it fails, naming the holder.
 */
async function waitBehindHolder(deps: JobDependencies, queued: JobRecord, holder: string, log: JobDependencies['logger']): Promise<JobRecord> {
  const now = deps.clock.now();
  const since = queued.waitingSince ? Date.parse(queued.waitingSince) : now.getTime();
  if (now.getTime() - since >= MAX_LEASE_WAIT_MS) {
    const error = { code: 'lease_wait_exceeded', message: `waited ${Math.round((now.getTime() - since) / 60_000)} min for run ${holder} to release the lease; start this run again once it has ended` };
    log.warn('gave up waiting for a held lease', { holder, waits: queued.waits });
    return failBeforeStart(deps, queued, error, log);
  }
  const delaySeconds = Math.min(LEASE_RETRY_MAX_SECONDS, LEASE_RETRY_STEP_SECONDS * ((queued.waits ?? 0) + 1));
  let waiting: JobRecord;
  try {
    waiting = await waitForLease(deps.ledger, queued, now, holder, new Date(now.getTime() + delaySeconds * 1000));
  } catch (error) {
    if (!(error instanceof IllegalTransitionError)) throw error;
    log.info('run already moved on by another delivery; nothing to do', { status: error.actual });
    return (await deps.ledger.get(queued.id)) ?? queued;
  }
  log.info('lease held by another run; waiting behind it', { holder, waits: waiting.waits, delaySeconds });
  try {
    await deps.invoker.invokeAsync({ type: queued.type, jobId: queued.id, trigger: queued.trigger, triggeredBy: queued.triggeredBy }, { delaySeconds });
  } catch (error) {
    log.warn('could not schedule the next try; the sweeper will invoke the waiting run', errorFields(error));
  }
  return waiting;
}

/** A run that cannot even start (bad params) still ends with one recorded transition. */
function failBeforeStart(deps: JobDependencies, job: JobRecord, error: { code: string; message: string }, log: JobDependencies['logger']): Promise<JobRecord> {
  return alreadyDecided(deps, job, () => failUnstartedRun(deps.ledger, job, deps.clock.now(), error), log);
}

/**
 * Runs a transition out of `queued`; when an earlier delivery of the same run already moved it,
 * that delivery's verdict stands and the record is returned instead of an error (which would
 * only make Lambda retry a run that has its answer).
 */
async function alreadyDecided(
  deps: JobDependencies,
  job: JobRecord,
  transition: () => Promise<JobRecord>,
  log: JobDependencies['logger'],
): Promise<JobRecord> {
  try {
    const ended = await transition();
    reportRunEnded(deps.runMetrics, ended, log);
    return ended;
  } catch (error) {
    if (!(error instanceof IllegalTransitionError)) throw error;
    log.info('run already moved on by another delivery; nothing to do', { status: error.actual });
    return (await deps.ledger.get(job.id)) ?? job;
  }
}
