import { DateTime, FixedOffsetZone } from 'luxon';
import type { JobDependencies } from '../definition';
import type { JobRecord } from '../record';
import type { PeriodState, SlotMark } from '../ports';
import type { ScheduledTask } from '../scheduled-task';
import type { JobStatus, JobTrigger } from '../states';
import { periodForSlot } from '../schedule-period';
import { fireTimesBetween, intendedSlotsBetween } from '../../time/schedule';

/** Further back than any DST jump, within the same side of it (as the schedule module's gap rule). */
const GAP_REACH_HOURS = 6;

/**
 * What became of one slot of a schedule:
 * - `fired`: its delivery created `run` (whatever its status, `failed` aside);
 * - `failed`: its delivery's run failed or timed out, and nothing has retried it (yet);
 * - `retried`: the period's failed run (`replaces`) was taken over by `run` (catch-up, backfill);
 * - `caught_up`: the sweeper made it up with `run`, `reason` saying why it was needed;
 * - `skipped`: it fell in a spring-forward gap (`reason: dst_gap`) and nothing made it up (yet);
 * - `period_taken`: another run holds its period (a backfill, a manual run, an earlier slot);
 * - `dead_lettered`: its delivery went to the dead-letter queue, and nothing made it up (yet);
 * - `missing`: no run, and it is past the settle time: a silent miss;
 * - `not_yet`: not due, or still within the settle time (its delivery may be on its way).
 */
export const slotFates = ['fired', 'failed', 'retried', 'caught_up', 'skipped', 'period_taken', 'dead_lettered', 'missing', 'not_yet'] as const;
export type SlotFate = (typeof slotFates)[number];
/** Why a slot was skipped or needed catching up. */
export const slotReasons = ['dst_gap', 'dead_lettered', 'missed'] as const;
export type SlotReason = (typeof slotReasons)[number];
/** Fates of a slot that is past due and has no run standing for it. */
export const missedFates: readonly SlotFate[] = ['missing', 'skipped', 'dead_lettered'];

export interface SlotRun {
  id: string;
  status: JobStatus;
  trigger: JobTrigger;
  createdAt?: string;
  finishedAt?: string;
}

export interface ScheduleSlot {
  /** The slot instant (UTC); a DST-gap slot reads its wall time with the offset before the gap. */
  scheduledFor: string;
  /**
   * The slot's wall time in the schedule's zone with its offset (`2027-03-14T02:30:00-08:00`);
   * a DST-gap slot keeps the wall time it was meant for, with the offset before the gap.
   */
  local: string;
  /** The slot fell in a spring-forward gap: EventBridge never fires it. */
  dstGap?: true;
  /** The period it covers (period schedules). */
  period?: string;
  fate: SlotFate;
  reason?: SlotReason;
  /** The run that stands for the slot: its own, the catch-up, or the one holding its period. */
  run?: SlotRun;
  /** For `retried`: the failed run that `run` took over from. */
  replaces?: string;
}

export interface SlotRangeOptions {
  /** rate() counts from here (the deploy), as the deployed schedule does from its creation. */
  anchor: Date;
  /** At most this many slots are derived; more throws nothing: the caller gets `truncated`. */
  limit: number;
}

/** Slots of the range (from < t ≤ to), oldest first, each with its fate, from keys only. */
export async function scheduleSlots(
  deps: Pick<JobDependencies, 'ledger' | 'config' | 'clock'>,
  task: ScheduledTask,
  range: { from: Date; to: Date },
  options: SlotRangeOptions,
): Promise<{ slots: ScheduleSlot[]; truncated: boolean }> {
  const timing = { timezone: task.timezone, anchor: options.anchor };
  const intended = intendedSlotsBetween(task.expression, range.from, range.to, timing, options.limit + 1);
  const truncated = intended.length > options.limit;
  const instants = intended.slice(0, options.limit);
  if (instants.length === 0) return { slots: [], truncated };
  const last = instants[instants.length - 1] as Date;
  const fired = new Set(fireTimesBetween(task.expression, range.from, last, timing, options.limit + 1).map((time) => time.getTime()));
  const isos = instants.map((time) => time.toISOString());
  const periods = isos.map((iso) => periodForSlot(deps.config, task.period, iso, task.name));
  const [marks, claims] = await Promise.all([
    deps.ledger.slotMarks(task.name, isos),
    task.period === 'none' ? Promise.resolve(new Map<string, PeriodState>()) : deps.ledger.periodStates(task.type, periods.filter((period) => period !== undefined)),
  ]);
  const holderIds = [...[...claims.values()].map((claim) => claim.jobId), ...[...marks.values()].flatMap((mark) => (mark.jobId ? [mark.jobId] : []))];
  const runs = await deps.ledger.getMany(holderIds);
  const settledBy = deps.clock.now().getTime() - deps.config.sweeper.settleMinutes * 60_000;
  const slots = instants.map((instant, index): ScheduleSlot => {
    const iso = isos[index] as string;
    const period = periods[index];
    // A gap slot read with the pre-gap offset can be the very instant of the slot after the gap
    // (an hourly 02:05 → 03:05 PDT): it comes first, and the delivery at that instant is the other's.
    const sharesInstant = isos[index + 1] === iso;
    const gap = sharesInstant || !fired.has(instant.getTime());
    const shown = { scheduledFor: iso, local: wallTime(instant, task.timezone, gap), ...(gap ? { dstGap: true as const } : {}), ...(period !== undefined ? { period } : {}) };
    if (sharesInstant) return { ...shown, fate: 'skipped', reason: 'dst_gap' };
    const claim = period === undefined ? undefined : claims.get(period);
    const mark = marks.get(iso);
    const holderId = claim?.jobId ?? mark?.jobId;
    const run = holderId === undefined ? undefined : slotRun(runs.get(holderId), claim, holderId);
    const facts = { iso, gap, settled: instant.getTime() <= settledBy, mark };
    return { ...shown, ...fateOf(facts, run, runs.get(holderId ?? '')) };
  });
  return { slots, truncated };
}

/** A gap slot's instant read with the offset in force before the gap shows the wall time it was meant for. */
function wallTime(instant: Date, timezone: string, gap: boolean): string {
  const zoned = DateTime.fromJSDate(instant, { zone: timezone });
  const zone = gap ? FixedOffsetZone.instance(zoned.minus({ hours: GAP_REACH_HOURS }).offset) : zoned.zone;
  return zoned.setZone(zone).toISO({ suppressMilliseconds: true }) ?? instant.toISOString();
}

/** The holder as the slot shows it: the run's record, or what its claim mirrors if the record expired. */
function slotRun(record: JobRecord | undefined, claim: PeriodState | undefined, id: string): SlotRun | undefined {
  if (record) {
    return { id, status: record.status, trigger: record.trigger, createdAt: record.createdAt, ...(record.finishedAt ? { finishedAt: record.finishedAt } : {}) };
  }
  return claim ? { id, status: claim.status, trigger: claim.trigger } : undefined;
}

interface SlotFacts {
  iso: string;
  /** A cron slot that fell in a spring-forward gap: the schedule never fires it. */
  gap: boolean;
  settled: boolean;
  mark: SlotMark | undefined;
}

function fateOf(facts: SlotFacts, run: SlotRun | undefined, record: JobRecord | undefined): Pick<ScheduleSlot, 'fate' | 'reason' | 'run' | 'replaces'> {
  if (!run) {
    if (facts.mark?.deadLetteredAt) return { fate: 'dead_lettered' };
    if (facts.gap) return { fate: 'skipped', reason: 'dst_gap' };
    return { fate: facts.settled ? 'missing' : 'not_yet' };
  }
  const ownSlot = record?.scheduledFor === facts.iso;
  if (ownSlot && run.trigger === 'schedule') return { fate: run.status === 'failed' || run.status === 'timed_out' ? 'failed' : 'fired', run };
  if (record?.replaces !== undefined) return { fate: 'retried', run, replaces: record.replaces };
  if (ownSlot && run.trigger === 'catch-up') {
    return { fate: 'caught_up', reason: facts.gap ? 'dst_gap' : facts.mark?.deadLetteredAt ? 'dead_lettered' : 'missed', run };
  }
  return { fate: 'period_taken', run };
}
