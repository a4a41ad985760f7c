import * as z from 'zod/mini';
import '../../zod-mini-english';
import type { JobDependencies } from '../definition';
import type { Logger } from '../logger';
import { zodMessage } from '../../validation';

/**
 * One message of the schedules' dead-letter queue as the adapter hands it over: EventBridge
 * Scheduler puts the target's input (the invocation, its `<aws.scheduler.scheduled-time>`
 * substituted) in the body and says which schedule and slot in message attributes
 * (`SCHEDULE_ARN`, `SCHEDULED_TIME`, besides `ERROR_CODE`, `ERROR_MESSAGE`, `RETRY_ATTEMPTS`,
 * `EXHAUSTED_RETRY_CONDITION`, `IS_PAYLOAD_TRUNCATED`).
 */
export interface DeadLetterMessage {
  /** What acknowledges (deletes) it. */
  receipt: string;
  body: string;
  /** String attributes by name. */
  attributes: Readonly<Record<string, string>>;
}

/** The schedules' dead-letter queue: a batch of messages at a time; acknowledged ones are gone. */
export interface ScheduleDeadLetterQueue {
  /** Up to one batch of messages (none when the queue is empty), hidden from other readers meanwhile. */
  receive(): Promise<DeadLetterMessage[]>;
  acknowledge(receipts: readonly string[]): Promise<void>;
}

/** Where no queue exists (the local cloud, whose scheduler records its dead letters itself). */
export const noScheduleDeadLetterQueue: ScheduleDeadLetterQueue = {
  receive: async () => [],
  acknowledge: async () => undefined,
};

export interface DeadLetteredSlot {
  schedule: string;
  /** The slot, as every slot key is written (`toISOString`). */
  scheduledFor: string;
}

const slotTime = z.pipe(z.iso.datetime({ offset: true }), z.transform((iso) => new Date(iso).toISOString()));
/** The target input the stack gives every schedule (infra/stacks/stateless-stack.ts). */
const bodySchema = z.object({ scheduleName: z.string().check(z.minLength(1), z.maxLength(64)), scheduledFor: slotTime });
/** `arn:aws:scheduler:<region>:<account>:schedule/<group>/<name>`. */
const attributesSchema = z.object({
  SCHEDULE_ARN: z.string().check(z.regex(/^arn:aws[a-z-]*:scheduler:[a-z0-9-]+:\d{12}:schedule\/[^/]+\/[^/]+$/, 'a schedule ARN')),
  SCHEDULED_TIME: slotTime,
});

export type ParsedDeadLetter = { slot: DeadLetteredSlot } | { refused: string };

/**
 * The slot a dead letter stands for: from its body (the invocation), or, when the body is not
 * one (Scheduler truncates a large payload), from its `SCHEDULE_ARN` and `SCHEDULED_TIME`
 * attributes. A schedule this deployment does not have is refused, as is anything else unreadable.
 */
export function parseDeadLetter(message: Pick<DeadLetterMessage, 'body' | 'attributes'>, schedules: ReadonlySet<string>): ParsedDeadLetter {
  const fromBody = bodySchema.safeParse(jsonOrUndefined(message.body));
  let slot: DeadLetteredSlot;
  if (fromBody.success) slot = { schedule: fromBody.data.scheduleName, scheduledFor: fromBody.data.scheduledFor };
  else {
    const fromAttributes = attributesSchema.safeParse(message.attributes);
    if (!fromAttributes.success) {
      return { refused: `neither its body (${zodMessage(fromBody.error, { whole: 'body' })}) nor its attributes (${zodMessage(fromAttributes.error, { whole: 'attributes' })}) name a slot` };
    }
    slot = { schedule: fromAttributes.data.SCHEDULE_ARN.split('/').pop() as string, scheduledFor: fromAttributes.data.SCHEDULED_TIME };
  }
  if (!schedules.has(slot.schedule)) return { refused: `schedule ${slot.schedule} is not one of this deployment's` };
  return { slot };
}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Records the slot's dead letter on its mark, kept as long as a run record would be. */
export async function recordScheduleDeadLetter(deps: Pick<JobDependencies, 'ledger' | 'clock' | 'config'>, slot: DeadLetteredSlot): Promise<void> {
  const now = deps.clock.now();
  await deps.ledger.recordDeadLetter(slot.schedule, slot.scheduledFor, now, Math.floor(now.getTime() / 1000) + deps.config.retention.jobsDays * 86_400);
}

/** At most this many batches per drain, so one sweep stays short even behind a flood. */
const MAX_BATCHES = 10;

export interface DrainReport {
  recorded: DeadLetteredSlot[];
  /** Messages left in the queue because they name no slot of this deployment. */
  refused: number;
}

/**
 * Reads the schedules' dead-letter queue batch by batch, records each message's slot as
 * `dead_lettered` and acknowledges it once recorded. A message that names no slot is logged and
 * left in the queue (its alarm and two weeks' retention keep it in sight); the rest of its batch
 * is recorded all the same.
 */
export async function drainScheduleDeadLetters(
  deps: Pick<JobDependencies, 'ledger' | 'clock' | 'config' | 'catalog'>,
  queue: ScheduleDeadLetterQueue,
  log: Logger,
  signal?: AbortSignal,
): Promise<DrainReport> {
  const schedules = new Set(deps.catalog.schedules.map((task) => task.name));
  const report: DrainReport = { recorded: [], refused: 0 };
  for (let batch = 0; batch < MAX_BATCHES && !signal?.aborted; batch += 1) {
    const messages = await queue.receive();
    if (messages.length === 0) break;
    const done: string[] = [];
    for (const message of messages) {
      const parsed = parseDeadLetter(message, schedules);
      if ('refused' in parsed) {
        report.refused += 1;
        log.warn('left a dead letter of the schedules in its queue', { reason: parsed.refused, errorCode: message.attributes['ERROR_CODE'] });
        continue;
      }
      await recordScheduleDeadLetter(deps, parsed.slot);
      report.recorded.push(parsed.slot);
      done.push(message.receipt);
    }
    if (done.length > 0) await queue.acknowledge(done);
  }
  return report;
}
