import type { Deployment } from '../deployment';
import { alarmExpressionIds, sameDimensions, type AlarmDefinition, type MetricQuery } from './alarms';
import { fieldNames, fieldValue, matchesFilter, parseQuery } from './logs-insights';
import type { MetricStore } from './metric-store';

/**
 * How a metric an alarm or widget reads compares with what was emitted: `exact` (namespace, name
 * and dimensions, values included, of a datapoint), `values` (that name and those dimension names
 * were emitted, and every dimension value was seen with it), or `missing`.
 */
export type MetricMatch = 'exact' | 'values' | 'missing';

export interface MetricCheck {
  metric: string;
  match: MetricMatch;
}

export interface AlarmCheck {
  alarm: string;
  metrics: MetricCheck[];
  /** Every metric at least `values`, one `exact`, and the expression reads only defined ids. */
  matched: boolean;
  problems: string[];
}

export function describeMetric(query: Pick<MetricQuery, 'namespace' | 'name' | 'dimensions'>): string {
  const dimensions = Object.entries(query.dimensions).map(([name, value]) => `${name}=${value}`).join(',');
  return `${query.namespace}/${query.name}${dimensions ? `{${dimensions}}` : ''}`;
}

export function matchMetric(store: MetricStore, query: Pick<MetricQuery, 'namespace' | 'name' | 'dimensions'>): MetricMatch {
  const sameName = store.datapoints.filter((point) => point.namespace === query.namespace && point.name === query.name);
  if (sameName.some((point) => sameDimensions(point.dimensions, query.dimensions))) return 'exact';
  const names = Object.keys(query.dimensions).sort().join(',');
  const shaped = sameName.filter((point) => Object.keys(point.dimensions).sort().join(',') === names);
  if (shaped.length === 0) return 'missing';
  const everyValueSeen = Object.entries(query.dimensions).every(([name, value]) => shaped.some((point) => point.dimensions[name] === value));
  return everyValueSeen ? 'values' : 'missing';
}

export function checkAlarms(store: MetricStore, alarms: readonly AlarmDefinition[]): AlarmCheck[] {
  return alarms.map((alarm) => {
    const metrics = alarm.metrics.map((metric) => ({ metric: describeMetric(metric), match: matchMetric(store, metric) }));
    const problems: string[] = [];
    const defined = new Set(alarm.metrics.map((metric) => metric.id));
    for (const id of alarmExpressionIds(alarm)) if (!defined.has(id)) problems.push(`expression reads ${id}, which is not defined`);
    for (const metric of metrics) if (metric.match === 'missing') problems.push(`${metric.metric} was never emitted`);
    if (!metrics.some((metric) => metric.match === 'exact')) problems.push('none of its metrics was emitted with exactly these dimensions');
    return { alarm: alarm.name, metrics, matched: problems.length === 0, problems };
  });
}

export interface WidgetCheck {
  dashboard: string;
  widget: string;
  metrics: MetricCheck[];
  matched: boolean;
  problems: string[];
}

/** Metric widgets (rows with "." shorthand) and alarm widgets (their alarms must exist). */
export function checkDashboards(deployment: Deployment, store: MetricStore, alarms: readonly AlarmDefinition[]): WidgetCheck[] {
  const checks: WidgetCheck[] = [];
  for (const dashboard of deployment.resources('AWS::CloudWatch::Dashboard')) {
    const body = JSON.parse(String(dashboard.props['DashboardBody'])) as { widgets?: Array<{ type: string; properties?: { title?: string; metrics?: unknown[][]; alarms?: string[] } }> };
    for (const [index, widget] of (body.widgets ?? []).entries()) {
      const title = widget.properties?.title ?? `${widget.type} widget ${index + 1}`;
      if (widget.type === 'alarm') {
        const unknown = (widget.properties?.alarms ?? []).filter((arn) => !alarms.some((alarm) => alarm.arn === arn));
        checks.push({ dashboard: dashboard.physical.ref, widget: title, metrics: [], matched: unknown.length === 0, problems: unknown.map((arn) => `alarm ${arn} does not exist`) });
        continue;
      }
      if (widget.type !== 'metric') continue;
      const metrics: MetricCheck[] = [];
      let previous: unknown[] = [];
      for (const row of widget.properties?.metrics ?? []) {
        const cells = row.filter((cell) => typeof cell === 'string').map((cell, position) => (cell === '.' ? previous[position] : cell)) as string[];
        previous = cells;
        const [namespace = '', name = '', ...pairs] = cells;
        const dimensions: Record<string, string> = {};
        for (let position = 0; position + 1 < pairs.length; position += 2) dimensions[pairs[position] ?? ''] = pairs[position + 1] ?? '';
        metrics.push({ metric: describeMetric({ namespace, name, dimensions }), match: matchMetric(store, { namespace, name, dimensions }) });
      }
      const problems = metrics.filter((metric) => metric.match === 'missing').map((metric) => `${metric.metric} was never emitted`);
      if (metrics.length > 0 && !metrics.some((metric) => metric.match === 'exact')) problems.push('none of its metrics was emitted with exactly these dimensions');
      checks.push({ dashboard: dashboard.physical.ref, widget: title, metrics, matched: problems.length === 0, problems });
    }
  }
  return checks;
}

export interface QueryCheck {
  query: string;
  fields: Array<{ field: string; seen: boolean }>;
  /** Log events of its log groups the query's filters select. */
  matchingEvents: number;
  matched: boolean;
  problems: string[];
}

/**
 * Saved Logs Insights queries: every field they read must appear in a structured log event of
 * their log groups, and their filter must select at least one event of the scenario.
 * `REPLACE_WITH_…` placeholders are filled with a value the field really had.
 */
export function checkQueries(deployment: Deployment, store: MetricStore): QueryCheck[] {
  return deployment.resources('AWS::Logs::QueryDefinition').map((definition) => {
    const groups = new Set(((definition.props['LogGroupNames'] as string[] | undefined) ?? []).map(String));
    const events = store.logs.filter((line) => line.fields && (groups.size === 0 || groups.has(line.logGroup)));
    const seenFields = new Set(events.flatMap((line) => fieldNames(line.fields ?? {})));
    const query = String(definition.props['QueryString']);
    const parsed = parseQuery(query);
    const fields = parsed.fields.filter((field) => !field.startsWith('@')).map((field) => ({ field, seen: seenFields.has(field) }));
    const filters = parsed.filters.map((filter) => fillPlaceholders(filter, events.map((line) => line.fields ?? {})));
    const matchingEvents = events.filter((line) => filters.every((filter) => matchesFilter(filter, line.fields ?? {}))).length;
    const problems = [...fields.filter((field) => !field.seen).map((field) => `field ${field.field} is in no log event of its log groups`), ...(matchingEvents === 0 ? ['its filter selects no log event of the scenario'] : [])];
    return { query: String(definition.props['Name']), fields, matchingEvents, matched: problems.length === 0, problems };
  });
}

function fillPlaceholders(filter: string, events: Array<Record<string, unknown>>): string {
  return filter.replace(/(\w+)\s*=\s*"(REPLACE_WITH_[A-Z_]+)"/g, (match, field: string) => {
    const value = events.map((event) => fieldValue(event, field)).find((candidate) => typeof candidate === 'string');
    return typeof value === 'string' ? `${field} = "${value}"` : match;
  });
}
