import * as z from 'zod/mini';
import '../../core/zod-mini-english';
import type { ScheduledTask } from '../../core/jobs/scheduled-task';
import { InvalidSlotRangeError, UnknownScheduleError } from '../../core/jobs/errors';
import { scheduleSlots, slotFates, type SlotFate } from '../../core/jobs/slots/schedule-slots';
import type { RouteHandler } from '../http';
import { parseInput } from '../validation';

const DAY_MS = 86_400_000;
/** Without `from`: the two weeks before `to`. */
const DEFAULT_RANGE_DAYS = 14;
export const MAX_RANGE_DAYS = 31;
export const MAX_SLOTS = 2000;

export const scheduleSlotsQuery = z.strictObject({
  from: z.optional(z.iso.datetime({ offset: true })).check(z.describe(`exclusive; default ${DEFAULT_RANGE_DAYS} days before to`)),
  to: z.optional(z.iso.datetime({ offset: true })).check(z.describe('inclusive; default now')),
});

/**
 * GET /scheduler/tasks/{name}/slots: every slot of the schedule in (from, to], oldest first,
 * each with its fate and the run that stands for it, derived from claims, slot marks and runs by
 * key (`scheduleSlots`). At most 31 days and 2000 slots: a longer range is a 400 that says so.
 */
export const listScheduleSlots: RouteHandler = async (request, context) => {
  const query = parseInput(scheduleSlotsQuery, request.query, 'query');
  const { deps } = context;
  const task = findSchedule(deps.catalog.schedules, request.pathParameters['name'] ?? '');
  const to = query.to ? new Date(query.to) : deps.clock.now();
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY_MS);
  if (from.getTime() >= to.getTime()) throw new InvalidSlotRangeError(`from (${from.toISOString()}) must be before to (${to.toISOString()})`);
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
    throw new InvalidSlotRangeError(`from ${from.toISOString()} to ${to.toISOString()} is longer than ${MAX_RANGE_DAYS} days: ask for a shorter range`);
  }
  // Recorded by the first sweep or start if it is not yet: the same first-writer-wins item.
  const firstStart = await deps.ledger.recordFirstStart(context.deployedAt);
  const { slots, truncated } = await scheduleSlots(deps, task, { from, to }, { anchor: context.deployedAt, limit: MAX_SLOTS, firstStart });
  if (truncated) {
    throw new InvalidSlotRangeError(`${task.name} has more than ${MAX_SLOTS} slots from ${from.toISOString()} to ${to.toISOString()}: ask for a shorter range`);
  }
  const counts = Object.fromEntries(slotFates.map((fate) => [fate, 0])) as Record<SlotFate, number>;
  for (const slot of slots) counts[slot.fate] += 1;
  return {
    status: 200,
    body: { schedule: task.name, type: task.type, timezone: task.timezone, period: task.period, from: from.toISOString(), to: to.toISOString(), counts, slots },
  };
};

function findSchedule(tasks: readonly ScheduledTask[], name: string): ScheduledTask {
  const task = tasks.find((candidate) => candidate.name === name);
  if (!task) throw new UnknownScheduleError(name.slice(0, 64), tasks.map((candidate) => candidate.name));
  return task;
}
