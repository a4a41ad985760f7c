import { describe, expect, it } from 'vitest';
import type { ScheduleSlot } from '../../../functions/client';
import { describeSlot, dstChangeBefore, isMissed, lastSlots, slotWindows } from '../../../console/src/slot-timeline';

const ZONE = 'America/Los_Angeles';
const slot = (scheduledFor: string, fate: ScheduleSlot['fate'], extra: Partial<ScheduleSlot> = {}): ScheduleSlot => ({ scheduledFor, local: scheduledFor, fate, ...extra });

describe('the console timeline', () => {
  it('asks for as far back as the last slots reach: hours for a 5-minute schedule, three 31-day windows at most', () => {
    // Prepare
    const now = new Date('2026-12-03T12:00:00Z');
    const every5 = { nextRuns: [{ utc: '2026-12-03T12:05:00Z', local: '' }, { utc: '2026-12-03T12:10:00Z', local: '' }] };
    const weekly = { nextRuns: [{ utc: '2026-12-07T11:30:00Z', local: '' }, { utc: '2026-12-14T11:30:00Z', local: '' }] };
    // Act
    const short = slotWindows(every5, now, 24);
    const long = slotWindows(weekly, now, 24);
    // Assess: 25 spacings of 5 minutes; 25 weeks capped at 93 days, newest window first.
    expect(short).toEqual([{ from: '2026-12-03T09:55:00.000Z', to: '2026-12-03T12:00:00.000Z' }]);
    expect(long).toEqual([
      { from: '2026-11-02T12:00:00.000Z', to: '2026-12-03T12:00:00.000Z' },
      { from: '2026-10-02T12:00:00.000Z', to: '2026-11-02T12:00:00.000Z' },
      { from: '2026-09-01T12:00:00.000Z', to: '2026-10-02T12:00:00.000Z' },
    ]);
  });

  it('keeps the newest slots of the windows, oldest first', () => {
    // Act
    const kept = lastSlots([{ slots: [slot('c', 'fired'), slot('d', 'not_yet')] }, { slots: [slot('a', 'missing'), slot('b', 'fired')] }], 3);
    // Assess
    expect(kept.map((one) => one.scheduledFor)).toEqual(['b', 'c', 'd']);
  });

  it('names a slot in the business zone with its offset, its fate, why, and its run; marks the offset change of a DST night', () => {
    // Prepare: the daily 02:30 slots around 2027-03-14; the gap one made up by the sweeper.
    const slots = [
      slot('2027-03-13T10:30:00.000Z', 'fired', { run: { id: '01M8XTEA68H1GEZGWHK0JX7F4A', status: 'succeeded', trigger: 'schedule' } }),
      slot('2027-03-14T10:30:00.000Z', 'caught_up', { local: '2027-03-14T02:30:00-08:00', dstGap: true, reason: 'dst_gap', run: { id: '01M8XTEA68H1GEZGWHK0JX7F4B', status: 'warning', trigger: 'catch-up' } }),
      slot('2027-03-15T09:30:00.000Z', 'dead_lettered'),
    ];
    // Act
    const texts = slots.map((one, index) => describeSlot(one, ZONE, dstChangeBefore(slots, index, ZONE)));
    // Assess
    expect(texts).toEqual([
      '2027-03-13 02:30:00 -08:00 · fired · run K0JX7F4A succeeded',
      '2027-03-14 03:30:00 -07:00 · caught up · meant for 02:30 local, in a spring-forward gap · run K0JX7F4B warning · DST: offset -08:00 → -07:00 since the previous slot',
      '2027-03-15 02:30:00 -07:00 · dead-lettered',
    ]);
    expect(slots.map(isMissed)).toEqual([false, false, true]);
  });
});
