import { formatTimeNamed } from '../../functions/client/display-time';
import type { ProofDocument } from '../../functions/client/types';
import { dayBefore, dayOption, EXIT, isCalendarDay, localDayOf, timezoneOf, timezoneOption, type Command } from '../command';
import { formatFields, formatNumber, formatTable, json, line } from '../output';

const show: Command = {
  path: ['proofs', 'show'],
  synopsis: '[DATE] [--timezone ZONE]',
  summary: "A day's sampling proof (default yesterday); exit 1 when it is critical",
  options: { timezone: timezoneOption },
  positionals: [0, 1],
  examples: ['nightshift proofs show', 'nightshift proofs show 2026-11-22 --json'],
  async run(context) {
    const given = context.positionals[0];
    if (given !== undefined && !isCalendarDay(given)) context.usage(`DATE must be a day YYYY-MM-DD, got ${JSON.stringify(given)}`);
    const date = given ?? localDayOf(context.io.now(), await timezoneOf(context), -1);
    const proof = await context.client.getProof(date);
    if (context.json) json(context.io, proof);
    else line(context.io, describeProof(proof, await context.timezone()));
    return proof.status === 'critical' ? EXIT.failed : EXIT.ok;
  },
};

/** A proof's summary as `key  value` lines, then a table of every check that did not pass; times in `timezone`. */
export function describeProof(proof: ProofDocument, timezone: string): string {
  const fields = formatFields([
    ['date', `${proof.date} (${proof.timezone})`],
    ['status', `${proof.status} (exit code ${proof.exitCode})`],
    ['checks', `${proof.summary.pass} pass, ${proof.summary.warn} warn, ${proof.summary.critical} critical, ${proof.summary.skipped} skipped of ${proof.summary.total}`],
    ['generated', formatTimeNamed(proof.generatedAt, timezone)],
  ]);
  const notable = proof.checks.filter((check) => check.status !== 'pass');
  if (notable.length === 0) return fields;
  const table = formatTable(notable, [
    { header: 'CHECK', value: (check) => check.id },
    { header: 'STATUS', value: (check) => check.status },
    { header: 'OBSERVED', value: (check) => formatNumber(check.observed), align: 'right' },
    { header: 'EXPECTED', value: (check) => (check.expected ? `${formatNumber(check.expected.min)}..${formatNumber(check.expected.max)}` : '') },
    { header: 'MESSAGE', value: (check) => check.message },
  ]);
  const explained = explanationLines(proof);
  return `${fields}\n\n${table}${explained.length > 0 ? `\n\nexplained by\n${explained.join('\n')}` : ''}`;
}

/** Each explained check's contributors, `  trend:sessions  channel=app: −96% in every store, …`. */
export function explanationLines(proof: ProofDocument): string[] {
  return proof.checks.flatMap((check) => (check.attribution?.contributors ?? []).map((contributor) => `  ${check.id}  ${contributor.message}`));
}

const list: Command = {
  path: ['proofs', 'list'],
  synopsis: '[--from DAY] [--to DAY] [--timezone ZONE]',
  summary: 'Proven days and their status (default the last 14 days)',
  options: {
    from: { type: 'string', description: 'first local day (default 14 days before --to)', valueName: 'DAY' },
    to: { type: 'string', description: 'last local day (default yesterday)', valueName: 'DAY' },
    timezone: timezoneOption,
  },
  positionals: [0, 0],
  async run(context) {
    const explicitTo = dayOption(context, 'to');
    const explicitFrom = dayOption(context, 'from');
    const to = explicitTo ?? localDayOf(context.io.now(), await timezoneOf(context), -1);
    const from = explicitFrom ?? dayBefore(to, 13);
    const { items } = await context.client.listProofs(from, to);
    if (context.json) json(context.io, { from, to, items });
    else if (items.length === 0) line(context.io, `no proofs for ${from}..${to}`);
    else {
      line(
        context.io,
        formatTable(items, [
          { header: 'DATE', value: (item) => item.date },
          { header: 'STATUS', value: (item) => item.status },
          { header: 'PASS', value: (item) => String(item.summary.pass), align: 'right' },
          { header: 'WARN', value: (item) => String(item.summary.warn), align: 'right' },
          { header: 'CRITICAL', value: (item) => String(item.summary.critical), align: 'right' },
          { header: 'SKIPPED', value: (item) => String(item.summary.skipped), align: 'right' },
          { header: 'RUN', value: (item) => item.jobId },
          { header: 'CRITICAL METRICS', value: (item) => item.criticalMetrics.join(', ') },
        ]),
      );
    }
    return EXIT.ok;
  },
};

export const proofCommands: readonly Command[] = [show, list];
