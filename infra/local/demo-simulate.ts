/**
 * What the demo's sampling proofs find, without the local cloud: for first starts spread over
 * days, weekdays, DST changes and hours, it generates the demo events (`demoEvents`), folds them
 * into each metric-day's facts as the rollup's stats would (sum, count, local hours with data),
 * and proves the last `DEMO_PROOF_DAYS` days oldest first with the SAME `evaluateProof` the job
 * runs (earlier critical days feed later baselines). Prints how often each verdict came up per
 * kind of day; exits 1 when a planted incident was missed or an ordinary day was flagged.
 *
 *   node --import tsx infra/local/demo-simulate.ts [starts=100] [hoursBetweenStarts=29] [first=2026-01-01T00:20:00Z]
 *
 * About 0.4 s a start.
 */
import { DateTime } from 'luxon';
import { loadConfigFile, DEFAULT_CONFIG_FILE } from '../config/load-config';
import { earlierCriticalFrom, evaluateProof } from '../../functions/core/proofs/evaluate-proof';
import type { MetricDayFacts } from '../../functions/core/proofs/types';
import { parsePeriodKey } from '../../functions/core/time/periods';
import { DEMO_PROOF_DAYS, demoEvents, type DemoIncidentKind } from './demo-events';

/** What each planted incident must at least make its day (other checks may join in). */
const EXPECTED: Record<DemoIncidentKind, { checkId: string; status: 'warn' | 'critical' }> = {
  bulk_order: { checkId: 'trend:revenue', status: 'critical' },
  missing_hour: { checkId: 'completeness:sessions', status: 'warn' },
  app_outage: { checkId: 'trend:sessions', status: 'critical' },
};

const [startsArg, stepArg, firstArg] = process.argv.slice(2);
const starts = Number(startsArg ?? 100);
const stepHours = Number(stepArg ?? 29);
const first = Date.parse(firstArg ?? '2026-01-01T00:20:00Z');
const config = await loadConfigFile(DEFAULT_CONFIG_FILE, process.cwd());
const hoursInDay = (day: string) => parsePeriodKey(day, { timezone: config.timezone, weekStartsOn: 'monday' }).hours;

const tally = new Map<string, number>();
const problems: string[] = [];
const localHour = new Map<number, { day: string; label: string }>();
for (let run = 0; run < starts; run += 1) {
  const now = new Date(first + run * stepHours * 3_600_000);
  const data = demoEvents(config, now);
  const facts = new Map<string, { sum: number; count: number; hours: Set<string> }>();
  for (const event of data.events) {
    const hour = Math.floor(event.tsMs / 3_600_000);
    let local = localHour.get(hour);
    if (!local) {
      const time = DateTime.fromMillis(hour * 3_600_000, { zone: config.timezone });
      localHour.set(hour, (local = { day: time.toISODate() ?? '', label: time.toFormat("yyyy-MM-dd'T'HH:mmZZ") }));
    }
    const key = `${event.metric}|${local.day}`;
    let fact = facts.get(key);
    if (!fact) facts.set(key, (fact = { sum: 0, count: 0, hours: new Set() }));
    fact.sum += event.value;
    fact.count += 1;
    fact.hours.add(local.label);
  }
  const lookup = (metric: string, day: string): MetricDayFacts => {
    const fact = facts.get(`${metric}|${day}`);
    if (!fact) return { sum: 0, count: 0 };
    return { sum: fact.sum, count: fact.count, meta: { updatedAt: now.toISOString(), hoursWithData: fact.hours.size, hoursInDay: hoursInDay(day) } };
  };
  const planted = new Map(data.incidents.map((incident) => [incident.day, incident.kind]));
  const criticalByDay = new Map<string, string[]>();
  const today = DateTime.fromJSDate(now, { zone: config.timezone }).startOf('day');
  for (let daysAgo = DEMO_PROOF_DAYS; daysAgo >= 1; daysAgo -= 1) {
    const day = today.minus({ days: daysAgo }).toISODate() ?? '';
    const proof = evaluateProof({ config, day, now, facts: lookup, earlierCritical: earlierCriticalFrom(config, criticalByDay) });
    criticalByDay.set(day, proof.criticalMetrics);
    const notable = proof.checks.filter((check) => check.status !== 'pass');
    const verdict = notable.map((check) => `${check.status} ${check.id} (${check.reason})`).join(', ') || 'pass';
    const kind = planted.get(day);
    tally.set(`${kind ?? 'ordinary day'}: ${verdict}`, (tally.get(`${kind ?? 'ordinary day'}: ${verdict}`) ?? 0) + 1);
    const expected = kind && EXPECTED[kind];
    const found = expected && notable.some((check) => check.id === expected.checkId && check.status === expected.status);
    if (expected && !found) problems.push(`start ${now.toISOString()}: ${kind} on ${day} not found (${verdict})`);
    if (!kind && notable.length > 0) problems.push(`start ${now.toISOString()}: ordinary day ${day} flagged (${verdict})`);
  }
}
for (const [verdict, count] of [...tally.entries()].sort()) console.log(`${String(count).padStart(6)}  ${verdict}`);
console.log(problems.length === 0 ? `${starts} starts: every incident found, no ordinary day flagged` : problems.join('\n'));
process.exit(problems.length === 0 ? 0 : 1);
