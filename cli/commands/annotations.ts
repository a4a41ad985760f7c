import { ANNOTATION_KINDS, type Annotation, type AnnotationKind, type AnnotationsPage } from '../../functions/client/types';
import { EXIT, dayOption, isCalendarDay, listOption, localDayOf, requiredOption, type Command } from '../command';
import { formatFields, formatTable, json, line } from '../output';

const add: Command = {
  path: ['annotate'],
  synopsis: 'KIND FROM [TO] --note WHY [--metric NAME]...',
  summary: 'Annotate local days (incident, holiday, promotion, new_normal): proofs leave them out of baselines; admin',
  options: {
    note: { type: 'string', description: 'why: what happened (recorded with your token\'s name)', valueName: 'WHY' },
    metric: { type: 'string', multiple: true, description: 'a metric or ratio it concerns (repeatable; default every metric)', valueName: 'NAME' },
  },
  positionals: [2, 3],
  examples: [
    'nightshift annotate incident 2026-11-29 --note "payment provider outage" --metric orders',
    'nightshift annotate promotion 2026-11-27 2026-11-30 --note "Black Friday sale"',
    'nightshift annotate new_normal 2026-12-01 --note "app channel retired" --metric sessions',
  ],
  async run(context) {
    const [kind = '', from = '', to] = context.positionals;
    if (!(ANNOTATION_KINDS as readonly string[]).includes(kind)) context.usage(`KIND must be one of ${ANNOTATION_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
    for (const day of [from, ...(to === undefined ? [] : [to])]) if (!isCalendarDay(day)) context.usage(`days must be YYYY-MM-DD, got ${JSON.stringify(day)}`);
    const metrics = listOption(context, 'metric');
    const annotation = await context.client.annotate({
      kind: kind as AnnotationKind,
      from,
      ...(to !== undefined ? { to } : {}),
      ...(metrics.length > 0 ? { metrics } : {}),
      note: requiredOption(context, 'note'),
    });
    if (context.json) json(context.io, annotation);
    else line(context.io, describeAnnotation(annotation));
    return EXIT.ok;
  },
};

const list: Command = {
  path: ['annotations', 'list'],
  synopsis: '[--from DAY] [--to DAY]',
  summary: "Annotations and the region's holidays over local days (default the last 30 days)",
  options: {
    from: { type: 'string', description: 'first local day (default 29 days before --to)', valueName: 'DAY' },
    to: { type: 'string', description: 'last local day (default today in UTC)', valueName: 'DAY' },
  },
  positionals: [0, 0],
  async run(context) {
    const to = dayOption(context, 'to') ?? localDayOf(context.io.now(), 'UTC');
    const from = dayOption(context, 'from') ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
    const page = await context.client.listAnnotations(from, to);
    if (context.json) json(context.io, { from, to, ...page });
    else line(context.io, describeCalendar(page, from, to));
    return EXIT.ok;
  },
};

export function describeAnnotation(annotation: Annotation): string {
  return formatFields([
    ['id', annotation.id],
    ['kind', annotation.kind],
    ['days', annotation.kind === 'new_normal' ? `from ${annotation.from} on` : annotation.from === annotation.to ? annotation.from : `${annotation.from}..${annotation.to}`],
    ['metrics', annotation.metrics.length === 0 ? 'every metric' : annotation.metrics.join(', ')],
    ['note', annotation.note],
    ['by', `${annotation.createdBy} at ${annotation.createdAt}`],
  ]);
}

/** Annotations, then holidays, as tables (or a sentence when there are none). */
export function describeCalendar(page: AnnotationsPage, from: string, to: string): string {
  if (page.items.length === 0 && page.holidays.length === 0) return `no annotations or holidays for ${from}..${to}`;
  const parts: string[] = [];
  if (page.items.length > 0) {
    parts.push(
      formatTable(page.items, [
        { header: 'FROM', value: (item) => item.from },
        { header: 'TO', value: (item) => (item.kind === 'new_normal' ? '(on)' : item.to) },
        { header: 'KIND', value: (item) => item.kind },
        { header: 'METRICS', value: (item) => (item.metrics.length === 0 ? 'all' : item.metrics.join(', ')) },
        { header: 'BY', value: (item) => item.createdBy },
        { header: 'NOTE', value: (item) => item.note },
      ]),
    );
  }
  if (page.holidays.length > 0) {
    parts.push(
      formatTable(page.holidays, [
        { header: 'HOLIDAY', value: (holiday) => holiday.day },
        { header: 'NAME', value: (holiday) => holiday.name },
        { header: 'REGION', value: (holiday) => holiday.region },
      ]),
    );
  }
  return parts.join('\n\n');
}

export const annotationCommands: readonly Command[] = [add, list];
