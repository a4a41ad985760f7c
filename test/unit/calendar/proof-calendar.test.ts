import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { evaluateProof } from '../../../functions/core/proofs/evaluate-proof';
import { holidayCalendarOf } from '../../../functions/core/calendar/holidays';
import { compileHolidayTable } from '../../../infra/calendar/compile-holidays';
import { proofCalendar } from '../../../functions/core/calendar/proof-calendar';
import type { Annotation } from '../../../functions/core/calendar/types';
import { baseMetricsOf } from '../../../functions/core/proofs/daily-value';
import { InvalidConfigError, type NightshiftConfig } from '../../../functions/core/config';
import { dayFacts, FactsTable, proofConfig } from '../../helpers/proofs';

const THANKSGIVING = '2026-11-26';
const config = proofConfig([{ kind: 'trend', metric: 'sessions' }], { calendar: { region: 'US' } });

/** Eight same-weekday weeks of ~10 000 sessions before `day` (±1%), and `value` on the day. */
function sessions(day: string, value: number, overrides: Record<string, number> = {}): FactsTable {
  const table = new FactsTable();
  for (let week = 1; week <= 8; week++) {
    const earlier = DateTime.fromISO(day).minus({ weeks: week }).toISODate() ?? '';
    table.set('sessions', earlier, dayFacts(overrides[earlier] ?? 10_000 * (1 + ((week % 3) - 1) / 100)));
  }
  return table.set('sessions', day, dayFacts(value));
}

function annotation(kind: Annotation['kind'], from: string, to = from): Annotation {
  return { id: `01${kind.toUpperCase()}`, kind, from, to, metrics: ['sessions'], note: `${kind} note`, createdBy: 'alice', createdAt: '2026-12-01T00:00:00.000Z' };
}

function prove(onConfig: NightshiftConfig, day: string, facts: FactsTable, annotations: Annotation[] = []) {
  const holidays = holidayCalendarOf(onConfig.calendar, compileHolidayTable(onConfig.calendar));
  const calendar = proofCalendar({ ...(holidays ? { holidays } : {}), annotations, baseMetrics: (metric) => baseMetricsOf(onConfig, metric) });
  const evaluation = evaluateProof({ config: onConfig, day, now: new Date('2027-01-01T00:00:00Z'), facts: facts.lookup, earlierCritical: () => false, calendar });
  return { evaluation, trend: evaluation.checks.find((check) => check.id === 'trend:sessions')! };
}

describe('the proof calendar', () => {
  it('softens a holiday dip to a warn and names the holiday, where the same dip without a region is critical', () => {
    // Prepare: Thanksgiving at −35%.
    const facts = sessions(THANKSGIVING, 6_500);

    // Act
    const withRegion = prove(config, THANKSGIVING, facts);
    const withoutRegion = prove(proofConfig([{ kind: 'trend', metric: 'sessions' }]), THANKSGIVING, facts);

    // Assess
    expect(withoutRegion.trend.status).toBe('critical');
    expect(withRegion.trend).toMatchObject({ status: 'warn', reason: 'critical_z_on_marked_day', calendar: [{ source: 'holiday', name: 'Thanksgiving Day', region: 'US' }] });
    expect(withRegion.trend.message).toContain('holiday Thanksgiving Day (US)');
    expect(withRegion.evaluation.calendar).toEqual([{ source: 'holiday', name: 'Thanksgiving Day', region: 'US' }]);
  });

  it('keeps a holiday critical when the metric fell to zero: an outage whatever the day', () => {
    // Act
    const { trend } = prove(config, THANKSGIVING, sessions(THANKSGIVING, 0));

    // Assess
    expect([trend.status, trend.reason]).toEqual(['critical', 'zero_with_positive_baseline']);
  });

  it('leaves holidays and annotated days out of later baselines', () => {
    // Prepare: the Thursday after Thanksgiving; an incident annotated three Thursdays before.
    const day = '2026-12-03';
    const facts = sessions(day, 10_000, { [THANKSGIVING]: 6_500, '2026-11-12': 12_000 });

    // Act
    const { trend } = prove(config, day, facts, [annotation('incident', '2026-11-12')]);

    // Assess
    expect(trend.baseline?.excluded).toEqual([
      { day: THANKSGIVING, reason: 'holiday' },
      { day: '2026-11-12', reason: 'annotated' },
    ]);
    expect(trend.status).toBe('pass');
  });

  it('an alert on an annotated incident day says so, and keeps its status', () => {
    // Act
    const { trend } = prove(config, '2026-12-03', sessions('2026-12-03', 6_000), [annotation('incident', '2026-12-02', '2026-12-04')]);

    // Assess
    expect(trend.status).toBe('critical');
    expect(trend.message).toContain('incident annotated by alice: incident note');
  });

  it('a new_normal restarts the baseline: a lasting drop stops paging once acknowledged', () => {
    // Prepare: sessions fell 40% on 2026-11-19, for good.
    const day = '2026-11-19';
    const facts = sessions(day, 6_000);

    // Act
    const unacknowledged = prove(config, day, facts);
    const acknowledged = prove(config, day, facts, [annotation('new_normal', day)]);
    const weekLater = prove(config, '2026-11-26', sessions('2026-11-26', 6_100, { [day]: 6_000 }), [annotation('new_normal', day)]);

    // Assess
    expect(unacknowledged.trend.status).toBe('critical');
    expect(acknowledged.trend).toMatchObject({ status: 'skipped', reason: 'new_normal' });
    expect(acknowledged.trend.message).toContain('the baseline restarts at the new normal from 2026-11-19');
    expect(weekLater.trend.baseline?.used.map((point) => point.day)).toEqual([day]);
    expect(weekLater.trend.status).toBe('skipped');
  });

  it('the config refuses a region date-holidays does not know, naming the field', () => {
    // Act / Assess
    expect(() => proofConfig([], { calendar: { region: 'US-XX' } })).toThrow(InvalidConfigError);
    expect(() => proofConfig([], { calendar: { region: 'Narnia' } })).toThrow(/calendar\.region: a region is a country code/);
    expect(proofConfig([], { calendar: { region: 'DE-BY' } }).calendar).toEqual({ region: 'DE-BY', holidayTypes: ['public'] });
  });
});
