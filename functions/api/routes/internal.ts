import { handleInvocation } from '../../core/jobs/handle-invocation';
import type { JobRecord } from '../../core/jobs/record';
import { rollupRequestParams } from '../../jobs/rollup/params';
import { BadRequestError, TestEndpointsDisabledError } from '../errors';
import { jsonBody, type RouteHandler } from '../http';
import { parseInput } from '../validation';

/** The API function's own limit is 29 s (API Gateway's); the run and its recording fit inside. */
const REQUEST_BUDGET_MS = 27_000;
const RECORDING_MARGIN_MS = 2_000;
/** How long to wait for a run that holds the rollup lease before answering 409. */
const LEASE_WAIT_MS = 12_000;
const LEASE_POLL_MS = 250;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const isWaiting = (job: JobRecord): boolean => job.status === 'queued' && job.waitingFor !== undefined;

/**
 * POST /internal/rollup/trigger (tests only): runs a rollup in this request, through the same
 * lifecycle as every other run, and answers with its final record. Optional body: the rollup's
 * params (`{from?, to?}`). When another run holds the lease, the run waits behind it (as any run
 * started by hand does) and this request tries it again every 250 ms, briefly, since a test wants
 * the totals after everything it ingested; past that it answers 409 with the waiting run, which
 * goes on waiting on its own.
 */
export const triggerRollup: RouteHandler = async (request, { deps, testEndpoints }) => {
  if (!testEndpoints) throw new TestEndpointsDisabledError();
  const rollupJob = testEndpoints.rollup;
  const params = parseInput(rollupRequestParams, request.body === undefined || request.body.trim() === '' ? {} : jsonBody(request), 'body');
  const triggeredBy = request.principal?.name ?? 'api';
  const startedMs = deps.clock.now().getTime();
  let jobId: string | undefined;
  for (;;) {
    const elapsedMs = deps.clock.now().getTime() - startedMs;
    const invocation = jobId === undefined ? { type: 'rollup', trigger: 'api', triggeredBy, params } : { type: 'rollup', trigger: 'api', triggeredBy, jobId };
    const result = await handleInvocation(rollupJob, invocation, deps, { remainingMs: REQUEST_BUDGET_MS - elapsedMs, marginMs: RECORDING_MARGIN_MS });
    if (result.outcome === 'rejected') throw new BadRequestError(result.reason);
    const { job } = result;
    jobId = job.id;
    if (!isWaiting(job)) return { status: 200, body: { job } };
    if (deps.clock.now().getTime() - startedMs > LEASE_WAIT_MS) {
      return { status: 409, body: { error: { code: 'run_in_progress', message: `rollup ${job.waitingFor ?? ''} still holds the lease; run ${job.id} waits behind it` }, job } };
    }
    await pause(LEASE_POLL_MS);
  }
};
