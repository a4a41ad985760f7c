import { scheduledTasks } from '../../functions/catalog';
import type { NightshiftConfig } from '../../functions/core/config';
import type { Clock, Invoker } from '../../functions/core/jobs/ports';
import type { JobRecord } from '../../functions/core/jobs/record';
import { LocalScheduler } from '../../infra/local/scheduler';
import { SimulatedClock } from '../../infra/local/simulated-clock';
import type { ScheduleSlots } from '../../functions/client';
import { TEST_TOKENS, testCloud } from './api';
import type { TestStorage } from './storage';

export interface Outage {
  from: Date;
  to: Date;
}

export interface Journey {
  /** Every run recorded, oldest slot first. */
  runs: JobRecord[];
  /** The slots the scheduler could not deliver (the outage) after its retries, per schedule. */
  refused: Array<{ schedule: string; slot: string }>;
  /** A schedule's slots in (from, to] as `GET /scheduler/tasks/{name}/slots` answers a reader, at the journey's end. */
  slots(schedule: string, range: { from: Date; to: Date }): Promise<ScheduleSlots>;
}

/**
 * The local cloud's scheduler, sweeper and job functions, in process over the test's tables,
 * on a simulated clock from `from` to `to` that skips idle time (`--speed max`) and runs at real
 * speed while a function works. The data starts empty and first starts at `from`. During
 * `outage` the scheduler's invokes are refused, as Lambda refusing EventBridge Scheduler's: the
 * scheduler retries each as the deployed retry policy does, then records the slot dead-lettered.
 */
export async function travel(storage: TestStorage, config: NightshiftConfig, span: { from: Date; to: Date; outage?: Outage }): Promise<Journey> {
  const clock = new SimulatedClock(span.from, Infinity);
  const errors: unknown[] = [];
  const cloud = testCloud(storage, config, {
    clock,
    variables: { NIGHTSHIFT_DEPLOYED_AT: span.from.toISOString() },
    onError: (_invocation, error) => errors.push(error),
  });
  await cloud.runtime.deps.ledger.recordFirstStart(span.from);
  const refused: Journey['refused'] = [];
  const invoker = span.outage ? refusingDuring(cloud.invoker, clock, span.outage) : cloud.invoker;
  const scheduler = new LocalScheduler(
    scheduledTasks(config),
    invoker,
    span.from,
    clock,
    (task, slot, error) => {
      if (error) refused.push({ schedule: task.name, slot: slot.toISOString() });
    },
    cloud.runtime.deps,
  );
  scheduler.start();
  await clock.reach(span.to);
  scheduler.stop();
  await scheduler.deadLettersRecorded();
  await cloud.invoker.drain(30_000);
  clock.stop();
  if (errors.length > 0) throw new AggregateError(errors, 'a job function failed to run');
  const slots = async (schedule: string, range: { from: Date; to: Date }): Promise<ScheduleSlots> => {
    const answer = await cloud.call('GET', `/scheduler/tasks/${schedule}/slots`, { token: TEST_TOKENS.read, query: { from: range.from.toISOString(), to: range.to.toISOString() } });
    if (answer.status !== 200) throw new Error(`GET slots of ${schedule}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as ScheduleSlots;
  };
  return { runs: await everyRun(cloud.runtime.deps.ledger, config), refused, slots };
}

/** An invoker that refuses every invocation while the clock reads inside the outage. */
function refusingDuring(invoker: Invoker, clock: Clock, outage: Outage): Invoker {
  return {
    invokeAsync: async (invocation, options) => {
      const now = clock.now().getTime();
      if (now >= outage.from.getTime() && now < outage.to.getTime()) throw new Error(`invoke of ${invocation.type} refused (simulated outage)`);
      return invoker.invokeAsync(invocation, options);
    },
  };
}

async function everyRun(ledger: ReturnType<typeof testCloud>['runtime']['deps']['ledger'], config: NightshiftConfig): Promise<JobRecord[]> {
  const types = [...new Set(scheduledTasks(config).map((task) => task.type))];
  const runs: JobRecord[] = [];
  for (const type of types) {
    let cursor: string | undefined;
    do {
      const page = await ledger.list({ type, limit: 100, ...(cursor ? { cursor } : {}) });
      runs.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
  }
  return runs.sort((a, b) => (a.scheduledFor ?? a.createdAt).localeCompare(b.scheduledFor ?? b.createdAt));
}
