import { DateTime } from 'luxon';
import { nextFireTimes } from '../../functions/core/time/schedule';
import type { JobDetail, JobPage, JobRecord } from '../../functions/client/types';
import type { Rehearsal } from './rehearsal';
import { ApiClient, check, createTokenAsReadmeSays, scheduleJobType, sendAsOperator, StepFailure, type StepResult } from './scenario-kit';
import type { ScheduleDefinition } from './scheduler';

const MINUTE = 60_000;
const TERMINAL = new Set(['succeeded', 'warning', 'failed', 'timed_out', 'skipped', 'held']);

export interface ScenarioOptions {
  /** The reduced scenario (npm test): token, ingest, debounced rollup, /stats, one scheduled run. */
  reduced?: boolean;
  /** Progress lines (step names), for a person watching. */
  log?: (line: string) => void;
}

interface Step {
  name: string;
  run: () => Promise<string>;
}

/**
 * A user's first day after `cdk deploy`, on the rehearsal clock, through the front doors only:
 * the token command of docs/deploy.md, the HTTP API behind its authorizer, the schedules, the queue.
 * Returns one result per step; a failed step does not stop the ones after it.
 */
export async function runFirstDay(rehearsal: Rehearsal, options: ScenarioOptions = {}): Promise<StepResult[]> {
  const api = new ApiClient(rehearsal.apis[0]?.url ?? '');
  const schedules = rehearsal.scheduler.schedules.filter((schedule) => schedule.enabled);
  const byType = (type: string): ScheduleDefinition[] => schedules.filter((schedule) => scheduleJobType(schedule) === type);
  const daily = byType('snapshot').find((schedule) => !schedule.expression.includes('MON') && !/ \d+ \* \?/.test(schedule.expression)) ?? byType('snapshot')[0];
  const weekly = byType('snapshot').find((schedule) => schedule.expression.includes('MON'));
  const proof = byType('sampling-proof')[0];
  check(daily && proof, 'the template has no snapshot or sampling-proof schedule to rehearse');
  const zone = daily.timezone;

  // The full day deploys 70 minutes before a Monday's weekly snapshot slot, so one short morning
  // holds the daily snapshot, the proof, the weekly snapshot (missed) and its catch-up. The
  // reduced one deploys 4 minutes before the daily slot: no sweep comes before it.
  const anchor = options.reduced || !weekly ? daily : weekly;
  const [anchorSlot] = nextFireTimes(anchor.expression, nextMondayMorning(zone), 1, { timezone: anchor.timezone });
  check(anchorSlot, `${anchor.name} never fires`);
  const deployAt = anchorSlot.getTime() - (options.reduced ? 4 : 70) * MINUTE;
  rehearsal.begin(new Date(deployAt));
  const yesterday = DateTime.fromMillis(deployAt, { zone }).minus({ days: 1 }).toISODate() ?? '';
  const at = (hour: number, minute: number): string => DateTime.fromISO(yesterday, { zone }).set({ hour, minute }).toISO() ?? '';
  const timeline = rehearsal.timeline;
  const context: { exportKey?: string } = {};

  const jobsOf = async (type: string): Promise<JobRecord[]> => ((await api.call('GET', `/jobs?type=${type}&limit=50`)).body as JobPage).items ?? [];
  const waitForJob = async (id: string, stepMs = 5_000, limitMs = 20 * MINUTE): Promise<JobDetail> => {
    for (let waited = 0; waited <= limitMs; waited += stepMs) {
      const answer = await api.call('GET', `/jobs/${id}`);
      const job = answer.body as JobDetail;
      if (answer.status === 200 && TERMINAL.has(job.status)) return job;
      await timeline.advanceBy(stepMs);
    }
    throw new StepFailure(`run ${id} did not end within ${limitMs / MINUTE} rehearsal minutes`);
  };
  // An output covering the planted critical day is held: the admin releases it, as a person would
  // (the API copies it out of quarantine/ and, for a snapshot, writes its items, under IAM).
  const releasedIfHeld = async (job: JobDetail): Promise<{ job: JobDetail; words: string }> => {
    if (job.status !== 'held') return { job, words: job.status };
    const answer = await api.call('POST', `/jobs/${job.id}/release`);
    check(answer.status === 200, `POST /jobs/${job.id}/release answered ${answer.status}: ${answer.text}`);
    const released = (await api.call('GET', `/jobs/${job.id}`)).body as JobDetail;
    return { job: released, words: `held for a critical proof, released: ${released.status}` };
  };

  const steps: Step[] = [
    {
      name: 'create an admin token as docs/deploy.md says (npm run token -- create, into the stack\'s secret)',
      run: async () => {
        api.token = await createTokenAsReadmeSays(rehearsal, 'first-day', 'admin');
        const me = await api.call('GET', '/me');
        check(me.status === 200, `GET /me with the new token answered ${me.status}: ${me.text}`);
        return `token works through the authorizer: GET /me → ${me.text}`;
      },
    },
    {
      name: 'ingest events through the authorizer; the debounced rollup arrives through the delay queue',
      run: async () => {
        const events = [
          ...Array.from({ length: 24 }, (_, hour) => ({ metric: 'sessions', ts: at(hour, 10), value: 1, dims: { store: 's01', channel: 'web' } })),
          // The planted anomaly: more orders than sessions, so conversion breaks its hard range.
          ...Array.from({ length: 30 }, (_, index) => ({ metric: 'orders', ts: at(12, index), value: 1, dims: { store: 's01', channel: 'web' } })),
          ...Array.from({ length: 30 }, (_, index) => ({ metric: 'revenue', ts: at(12, index), value: 40, dims: { store: 's01', channel: 'web' } })),
        ];
        const answer = await api.call('POST', '/events', { events });
        check(answer.status === 202, `POST /events answered ${answer.status}: ${answer.text}`);
        const queued = rehearsal.sqs.queues.reduce((sum, queue) => sum + queue.sent, 0);
        check(queued > 0, 'the ingest queued no delayed rollup');
        await timeline.advanceBy(30_000);
        const rollups = await jobsOf('rollup');
        const debounced = rollups.find((job) => job.trigger === 'debounce');
        check(debounced, `no debounced rollup ran (rollups: ${rollups.map((job) => `${job.trigger}:${job.status}`).join(', ') || 'none'})`);
        const ended = await waitForJob(debounced.id);
        check(ended.status === 'succeeded', `the debounced rollup ended ${ended.status}: ${JSON.stringify(ended.error ?? ended.summary)}`);
        return `202 accepted ${(answer.body as { accepted: number }).accepted}; rollup ${ended.id} (trigger debounce, via the event source mapping) succeeded`;
      },
    },
    {
      name: 'GET /stats shows the ingested day',
      run: async () => {
        const answer = await api.call('GET', `/stats?metric=orders&from=${yesterday}&to=${yesterday}`);
        check(answer.status === 200, `GET /stats answered ${answer.status}: ${answer.text}`);
        const items = (answer.body as { items: Array<{ sum: number }> }).items;
        const total = items.reduce((sum, item) => sum + item.sum, 0);
        check(total === 30, `orders on ${yesterday}: ${total}, expected 30`);
        return `orders ${yesterday}: ${total}`;
      },
    },
    {
      name: `the scheduled snapshot fires at its slot (${daily.name}, ${daily.expression} ${zone}) with the template's Input`,
      run: async () => {
        const [slot] = nextFireTimes(daily.expression, new Date(timeline.clock.now()), 1, { timezone: daily.timezone });
        check(slot, `${daily.name} has no next slot`);
        await timeline.advanceTo(slot.getTime() + 30_000);
        const firing = rehearsal.scheduler.firings.find((candidate) => candidate.schedule === daily.name && Date.parse(candidate.slot) === slot.getTime());
        check(firing?.outcome === 'delivered', `${daily.name} at ${slot.toISOString()}: ${firing ? firing.outcome : 'not fired'}`);
        const run = (await jobsOf('snapshot')).find((job) => job.trigger === 'schedule' && job.scheduledFor !== undefined && Date.parse(job.scheduledFor) === slot.getTime());
        check(run, `no snapshot run with scheduledFor ${slot.toISOString()}`);
        const ended = await waitForJob(run.id);
        check(ended.status === 'succeeded' && ended.period === yesterday, `the scheduled snapshot ended ${ended.status} for ${String(ended.period)}`);
        return `input ${firing.input}; run ${ended.id} period ${ended.period} succeeded`;
      },
    },
  ];

  if (!options.reduced) {
    steps.push(
      {
        name: 'Scheduler delivers the snapshot slot a second time (at least once): the duplicate is skipped, not run again',
        run: async () => {
          const delivered = rehearsal.scheduler.firings.find((firing) => firing.schedule === daily.name && firing.outcome === 'delivered');
          check(delivered, `${daily.name} has not fired yet`);
          await rehearsal.scheduler.redeliver(daily.name, Date.parse(delivered.slot));
          await timeline.advanceBy(30_000);
          const runs = (await jobsOf('snapshot')).filter((job) => job.scheduledFor !== undefined && Date.parse(job.scheduledFor) === Date.parse(delivered.slot));
          const skipped = runs.filter((job) => job.status === 'skipped');
          check(runs.length === 2 && skipped.length === 1, `runs of the slot: ${runs.map((job) => job.status).join(', ')}`);
          return `runs of ${delivered.slot}: ${runs.map((job) => job.status).join(', ')}`;
        },
      },
      {
        name: `the sampling proof fires at its slot (${proof.name}) and alerts on the planted anomaly through SNS`,
        run: async () => {
          const [slot] = nextFireTimes(proof.expression, new Date(timeline.clock.now()), 1, { timezone: proof.timezone });
          check(slot, `${proof.name} has no next slot`);
          await timeline.advanceTo(slot.getTime() + 30_000);
          const run = (await jobsOf('sampling-proof')).find((job) => job.scheduledFor !== undefined && Date.parse(job.scheduledFor) === slot.getTime());
          check(run, `no proof run for the slot ${slot.toISOString()}`);
          const ended = await waitForJob(run.id);
          check(ended.status === 'failed' && ended.exitCode === 2, `the proof of ${String(ended.period)} ended ${ended.status} (exit ${String(ended.exitCode)}), expected failed with exit 2 (critical)`);
          const alert = rehearsal.sns.publications.find((publication) => publication.publisher !== 'CloudWatch alarm' && publication.message.includes(String(ended.period)));
          check(alert, 'no SNS alert was published for the critical proof');
          return `proof ${ended.period}: critical (exit 2); SNS alert "${alert.subject ?? ''}" published to ${alert.topicArn}`;
        },
      },
    );
    if (weekly) {
      steps.push({
        name: `a missed slot (${weekly.name}: every delivery throttled, then the schedule DLQ) is caught up by the sweeper`,
        run: async () => {
          const [slot] = nextFireTimes(weekly.expression, new Date(timeline.clock.now()), 1, { timezone: weekly.timezone });
          check(slot && slot.getTime() - timeline.clock.now() < 2 * 3600_000, `${weekly.name} does not fire within two hours of ${new Date(timeline.clock.now()).toISOString()}`);
          const fn = rehearsal.lambda.find(weekly.targetArn);
          check(fn, `${weekly.name} targets no function`);
          // Throttled until Scheduler has given up (three retries), not when the sweeper catches up.
          rehearsal.lambda.injectFault(fn, slot.getTime() + 9 * MINUTE, 'TooManyRequestsException');
          await timeline.advanceTo(slot.getTime() + 30 * MINUTE);
          const firing = rehearsal.scheduler.firings.find((candidate) => candidate.schedule === weekly.name && Date.parse(candidate.slot) === slot.getTime());
          check(firing?.outcome === 'dead-lettered', `${weekly.name} at ${slot.toISOString()}: ${firing?.outcome ?? 'not fired'}, expected dead-lettered`);
          const catchUp = (await jobsOf('snapshot')).find((job) => job.trigger === 'catch-up' && job.period !== undefined && job.period.includes('-W'));
          check(catchUp, 'the sweeper did not catch up the missed weekly period');
          const { job: ended, words } = await releasedIfHeld(await waitForJob(catchUp.id));
          check(ended.status === 'succeeded', `the catch-up ${ended.id} (${String(ended.period)}) ended ${ended.status}: ${JSON.stringify(ended.error)}`);
          // The sweeper read the dead letter into the slot ledger and deleted it.
          const range = `from=${new Date(slot.getTime() - MINUTE).toISOString()}&to=${slot.toISOString()}`;
          const slots = (await api.call('GET', `/scheduler/tasks/${weekly.name}/slots?${range}`)).body as { slots?: Array<{ fate: string; reason?: string }> };
          const fate = slots.slots?.[0];
          check(fate?.fate === 'caught_up' && fate.reason === 'dead_lettered', `the slot reads ${JSON.stringify(fate)}, expected caught_up (dead_lettered)`);
          const dlq = rehearsal.sqs.queues.find((queue) => queue.arn === rehearsal.scheduler.schedules.find((candidate) => candidate.name === weekly.name)?.deadLetterArn);
          check(dlq && dlq.sent > 0 && dlq.messages.length === 0, `the schedule DLQ holds ${dlq?.messages.length ?? '?'} of the ${dlq?.sent ?? '?'} dead letters sent`);
          return `${firing.attempts} attempts, then the DLQ; the sweeper recorded the slot dead_lettered, deleted the message and caught up ${ended.period} (run ${ended.id}, ${words})`;
        },
      });
    }
    steps.push(
      {
        name: 'an export with its presigned link downloaded',
        run: async () => {
          const answer = await api.call('POST', '/jobs', { type: 'export', params: { from: yesterday, to: yesterday, format: 'csv', groupBy: ['store'] } });
          check(answer.status === 202 || answer.status === 200, `POST /jobs export answered ${answer.status}: ${answer.text}`);
          const { job: ended, words } = await releasedIfHeld(await waitForJob((answer.body as { job: { id: string } }).job.id));
          check(ended.status === 'succeeded', `the export ended ${ended.status}: ${JSON.stringify(ended.error)}`);
          const artifact = ended.artifacts.find((candidate) => candidate.key.startsWith('exports/'));
          check(artifact?.url, 'the export has no artifact link');
          const download = await fetch(artifact.url);
          const body = await download.text();
          check(download.status === 200 && body.includes('orders'), `downloading the presigned link answered ${download.status}: ${body.slice(0, 200)}`);
          context.exportKey = artifact.key;
          return `${artifact.key} (${words}): ${body.split('\n').length - 1} lines downloaded through the presigned URL`;
        },
      },
      {
        name: 'a script run in the container image (Python, as the Dockerfile lays it out)',
        run: async () => {
          const input = context.exportKey;
          check(input, 'no export to report on (the export step failed)');
          const answer = await api.call('POST', '/jobs', { type: 'script-run', params: { script: 'stats-report', args: { input, title: 'First day' } } });
          check(answer.status === 202, `POST /jobs script-run answered ${answer.status}: ${answer.text}`);
          const ended = await waitForJob((answer.body as { job: { id: string } }).job.id);
          check(ended.status === 'succeeded', `the script run ended ${ended.status}: ${JSON.stringify(ended.error ?? ended.logs)}`);
          const logs = await api.call('GET', `/jobs/${ended.id}/logs`);
          check(logs.status === 200, `GET /jobs/${ended.id}/logs answered ${logs.status}`);
          return `stats-report succeeded with ${ended.artifacts.map((artifact) => artifact.name).join(', ')}`;
        },
      },
      {
        name: 'a stuck run (its S3 upload never answers) is ended by Lambda and timed out by the sweeper',
        run: async () => {
          const exportFunction = functionOfType(rehearsal, 'export');
          rehearsal.endpoint.holds.push({ functionName: exportFunction, matches: (service, request) => service === 's3' && (request.method === 'PUT' || request.method === 'POST') });
          const answer = await api.call('POST', '/jobs', { type: 'export', params: { from: yesterday, to: yesterday, format: 'json' } });
          check(answer.status === 202, `POST /jobs export answered ${answer.status}: ${answer.text}`);
          const ended = await waitForJob((answer.body as { job: { id: string } }).job.id, MINUTE, 40 * MINUTE);
          check(ended.status === 'timed_out', `the stuck export ended ${ended.status}, expected timed_out`);
          // The run's deadline can come well before Lambda's own timeout: let Lambda end the invocation too.
          const fn = rehearsal.functions.find((candidate) => candidate.name === exportFunction);
          const hung = rehearsal.lambda.invocations.find((invocation) => invocation.functionName === exportFunction && invocation.outcome === undefined);
          if (fn && hung) await timeline.advanceTo(hung.startedAt + fn.timeoutSeconds * 1000 + MINUTE);
          const timeouts = rehearsal.lambda.invocations.filter((invocation) => invocation.functionName === exportFunction && invocation.outcome?.ok === false && invocation.outcome.kind === 'timeout');
          check(timeouts.length > 0, 'Lambda never timed the hung invocation out');
          return `run ${ended.id} timed_out (${ended.error?.message ?? ''}); Lambda time-out after ${timeouts[0]?.outcome && !timeouts[0].outcome.ok ? timeouts[0].outcome.errorMessage : ''}`;
        },
      },
    );
    steps.push(
      {
        name: 'every job type whose failed-runs alarm has not fired yet: one run hangs, Lambda ends it, the sweeper times it out',
        run: async () => {
          const outcomes: string[] = [];
          for (const type of unexercisedFailureTypes(rehearsal)) {
            const start = RUN_STARTERS[type];
            check(start, `the scenario cannot start a ${type} run to hang`);
            const fn = functionOfType(rehearsal, type);
            rehearsal.endpoint.holds.push({ functionName: fn, matches: HANG_AT[type] ?? ((service) => service === 's3') });
            const body = start({ yesterday, exportKey: context.exportKey });
            const answer = await api.call('POST', '/jobs', body);
            check(answer.status === 202, `POST /jobs ${type} answered ${answer.status}: ${answer.text}`);
            const ended = await waitForJob((answer.body as { job: { id: string } }).job.id, MINUTE, 40 * MINUTE);
            outcomes.push(`${type} ${ended.status}`);
            check(ended.status === 'timed_out' || ended.status === 'failed', `the hung ${type} run ended ${ended.status}`);
          }
          await timeline.advanceBy(6 * MINUTE);
          return outcomes.length === 0 ? 'every failed-runs alarm was already exercised' : outcomes.join('; ');
        },
      },
      {
        name: 'DynamoDB throttles the API for a minute: the API answers 5xx',
        run: async () => {
          const apiFunction = functionServingApi(rehearsal);
          rehearsal.endpoint.faults.push({
            caller: apiFunction,
            service: 'dynamodb',
            until: timeline.clock.now() + MINUTE,
            response: { status: 400, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' }) },
          });
          const answer = await api.call('GET', '/jobs?limit=5');
          check(answer.status >= 500, `GET /jobs during the throttling answered ${answer.status}`);
          await timeline.advanceBy(2 * MINUTE);
          const after = await api.call('GET', '/jobs?limit=5');
          check(after.status === 200, `GET /jobs after the throttling answered ${after.status}`);
          return `${answer.status} ${answer.text.slice(0, 120)}; then 200 again`;
        },
      },
      {
        name: 'a delay-queue message the rollup cannot run is retried, then moved to the dead-letter queue',
        run: async () => {
          const mapping = rehearsal.eventSources[0];
          const queue = rehearsal.sqs.queues.find((candidate) => candidate.name === mapping?.queue);
          check(mapping && queue?.redrive, 'the template has no event source mapping from a queue with a redrive policy');
          // As an older deploy might have left it: an invocation this version does not accept.
          await sendAsOperator(rehearsal, queue.url, JSON.stringify({ type: 'rollup', trigger: 'retired-trigger' }));
          const receives = queue.redrive.maxReceiveCount + 1;
          await timeline.advanceBy(receives * queue.visibilityTimeoutSeconds * 1000 + 2 * MINUTE);
          check(mapping.toDeadLetter === 1, `moved to the dead-letter queue: ${mapping.toDeadLetter}, failed items reported: ${mapping.failedItems}`);
          return `${mapping.failedItems} batch item failures, then ${queue.redrive.maxReceiveCount} receives later the dead-letter queue`;
        },
      },
      {
        name: 'the alarms for the failures go to ALARM and notify the alert topic',
        run: async () => {
          await timeline.advanceBy(6 * MINUTE);
          const fired = new Set(rehearsal.cloudwatch.transitions.filter((transition) => transition.to === 'ALARM').map((transition) => transition.alarm));
          const expected = rehearsal.cloudwatch.alarms.filter((alarm) => /failed-runs-|dead-letters-|api-5xx$/.test(alarm.name)).map((alarm) => alarm.name);
          const missing = expected.filter((name) => !fired.has(name));
          check(expected.length > 0 && missing.length === 0, `not in ALARM: ${missing.join(', ') || '(no such alarms in the template)'}`);
          const undelivered = rehearsal.cloudwatch.transitions.flatMap((transition) => transition.actionErrors);
          check(undelivered.length === 0, `alarm actions not delivered: ${undelivered.join('; ')}`);
          const notices = rehearsal.sns.publications.filter((publication) => publication.publisher === 'CloudWatch alarm').length;
          return `ALARM: ${[...fired].join(', ')}; ${notices} alarm notifications published`;
        },
      },
    );
  }

  const results: StepResult[] = [];
  for (const step of steps) {
    const started = Date.now();
    options.log?.(`step: ${step.name}`);
    try {
      const detail = await step.run();
      results.push({ name: step.name, passed: true, detail, ms: Date.now() - started });
    } catch (error) {
      results.push({ name: step.name, passed: false, detail: error instanceof Error ? error.message : String(error), ms: Date.now() - started });
    }
  }
  return results;
}

/** How to start one run of a type through the API (POST /jobs body). */
const RUN_STARTERS: Record<string, (context: { yesterday: string; exportKey: string | undefined }) => unknown> = {
  rollup: () => ({ type: 'rollup' }),
  snapshot: ({ yesterday }) => ({ type: 'snapshot', period: yesterday, force: true }),
  sweeper: () => ({ type: 'sweeper' }),
  export: ({ yesterday }) => ({ type: 'export', params: { from: yesterday, to: yesterday, format: 'json' } }),
  'sampling-proof': ({ yesterday }) => ({ type: 'sampling-proof', period: yesterday, force: true }),
  'script-run': ({ exportKey }) => ({ type: 'script-run', params: { script: 'stats-report', args: { input: exportKey } } }),
};

/** Where a type's run hangs: its first S3 call, or (the sweeper, which has none) its read of running runs. */
const HANG_AT: Record<string, (service: string, request: { body: Buffer }) => boolean> = {
  sweeper: (service, request) => service === 'dynamodb' && request.body.includes('byStatus'),
};

/**
 * Job types with a failed-runs alarm (RunsEnded by JobType, Status failed/timed_out) for which
 * the scenario has emitted neither yet: read from the template's alarms and the EMF lines seen.
 */
function unexercisedFailureTypes(rehearsal: Rehearsal): string[] {
  const emitted = (type: string): boolean =>
    rehearsal.metrics.datapoints.some((point) => point.name === 'RunsEnded' && point.dimensions['JobType'] === type && (point.dimensions['Status'] === 'failed' || point.dimensions['Status'] === 'timed_out'));
  const types = rehearsal.cloudwatch.alarms.flatMap((alarm) => alarm.metrics.filter((metric) => metric.name === 'RunsEnded').map((metric) => metric.dimensions['JobType'] ?? ''));
  // The rollup last: a hung rollup holds the rollup lease the others would wait for.
  return [...new Set(types)].filter((type) => type !== '' && !emitted(type)).sort((a, b) => Number(a === 'rollup') - Number(b === 'rollup'));
}

/** 02:00 of the next Monday in `zone`: the search start for the weekly slot. */
function nextMondayMorning(zone: string): Date {
  const today = DateTime.now().setZone(zone).startOf('day');
  const monday = today.plus({ days: ((8 - today.weekday) % 7) || 7 });
  return monday.set({ hour: 0 }).toJSDate();
}

/** The function whose environment says it runs job type `type` (NIGHTSHIFT_JOB_TYPE). */
function functionOfType(rehearsal: Rehearsal, type: string): string {
  const fn = rehearsal.functions.find((candidate) => candidate.environment['NIGHTSHIFT_JOB_TYPE'] === type);
  if (!fn) throw new StepFailure(`no function runs ${type}`);
  return fn.name;
}

/** The function behind the HTTP API's routes (the integration target). */
function functionServingApi(rehearsal: Rehearsal): string {
  return functionOfType(rehearsal, 'api');
}
