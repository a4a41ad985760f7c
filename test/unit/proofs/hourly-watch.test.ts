import { describe, expect, it } from 'vitest';
import { advanceWatch, sameHourOfWeek, watchDecision, type HourJudgement, type WatchState } from '../../../functions/core/proofs/hourly-watch';
import { parsedCheck, proofConfig } from '../../helpers/proofs';

const judged = (hour: string, status: HourJudgement['status']): HourJudgement => ({
  hour,
  localStart: `${hour}:00-08:00`,
  status,
  reason: null,
  message: status,
  observed: 0,
  expected: null,
  score: null,
  change: null,
});
const fresh: WatchState = { checkId: 'trend:sessions', metric: 'sessions', version: 0 };

describe('hourly watch incidents', () => {
  it('opens one incident for a run of bad hours, escalates once, and closes on a good hour', () => {
    // Act
    const first = advanceWatch(fresh, [judged('2026-11-19T19', 'pass'), judged('2026-11-19T20', 'warn')]);
    const second = advanceWatch(first.state, [judged('2026-11-19T21', 'warn'), judged('2026-11-19T22', 'critical'), judged('2026-11-19T23', 'critical')]);
    const third = advanceWatch(second.state, [judged('2026-11-20T00', 'skipped'), judged('2026-11-20T01', 'pass')]);

    // Assess
    expect(first.events.map((event) => event.type)).toEqual(['opened']);
    expect(second.events.map((event) => event.type)).toEqual(['escalated']);
    expect(second.state.incident).toMatchObject({ firstHour: '2026-11-19T20', lastHour: '2026-11-19T23', hours: 4, severity: 'critical' });
    expect(third.events.map((event) => event.type)).toEqual(['closed']);
    expect(third.state).toEqual({ checkId: 'trend:sessions', metric: 'sessions', judgedThrough: '2026-11-20T01', version: 3 });
  });

  it('goes back the same local hour across a DST change', () => {
    // 2026-11-02 09:00 in Los Angeles is 17:00 UTC; a week before (daylight time) it was 16:00 UTC.
    expect(sameHourOfWeek('2026-11-02T17', 2, 'America/Los_Angeles')).toEqual(['2026-10-26T16', '2026-10-19T16']);
  });

  it('watches a busy metric, and says why it does not watch a sparse one, a ratio or one turned off', () => {
    const config = proofConfig();
    const trend = parsedCheck({ kind: 'trend', metric: 'sessions' });
    expect(watchDecision(trend, config, 85).watched).toBe(true);
    expect(watchDecision(trend, config, 3.2)).toEqual({ watched: false, reason: 'too sparse for hourly baselines: 3.2 events an hour on average, fewer than hourlyMinCount 20' });
    expect(watchDecision(parsedCheck({ kind: 'trend', metric: 'conversion_rate' }), config, 85).reason).toContain('a ratio');
    expect(watchDecision(parsedCheck({ kind: 'trend', metric: 'sessions', hourly: false }), config, 85).reason).toBe('off in the config (hourly: false)');
  });

  it('refuses a config that watches a ratio hourly, naming the field', () => {
    expect(() => proofConfig([{ kind: 'trend', metric: 'conversion_rate', hourly: true }])).toThrow(/checks\.0\.hourly.*"conversion_rate" is a ratio/s);
  });
});
