import { createHash } from 'node:crypto';
import type { NightshiftConfig } from '../../core/config';
import { InvalidJobParamsError } from '../../core/jobs/errors';
import { InvalidPeriodError } from '../../core/time/errors';
import { localDay, parsePeriodKey, periodsBetween } from '../../core/time/periods';
import type { SnapshotPeriodName } from '../../core/snapshots/document';
import { MAX_EXPORT_DAYS, exportParams, type ExportFormat, type ExportParams, type ExportSource } from './params';
import { zodMessage } from '../../core/validation';

/** Columns every row has; a groupBy dimension may not take one of these names. */
export const FIXED_COLUMNS = ['day', 'metric', 'count', 'sum', 'min', 'max', 'avg'] as const;
const DEFAULT_NAME = 'daily-stats';

/** An export with every name checked against the config and its range and key decided. */
export interface ExportPlan {
  source: ExportSource;
  format: ExportFormat;
  from: string;
  to: string;
  /** Local days, in order. */
  days: string[];
  /** Base metrics for `stats`; snapshot metric names for `snapshots`. */
  metrics: string[];
  groupBy: string[];
  /** `snapshots` only: which snapshots, and optionally one scope. */
  snapshotPeriod?: SnapshotPeriodName;
  scope?: string;
  key: string;
  contentType: string;
}

/**
 * Resolves an export's params against the config and, for a period run, its period: the days,
 * the metrics (all configured ones by default), the groupBy dimensions and the object key. The
 * API calls it before recording a run and the job again when it starts.
 */
export function planExport(raw: unknown, context: { config: NightshiftConfig; period?: string | undefined }): ExportPlan {
  const parsed = exportParams.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidJobParamsError(zodMessage(parsed.error, { prefix: 'params' }));
  }
  const params = parsed.data;
  const { config } = context;
  const { from, to } = rangeOf(params, context.period, config);
  const days = daysOf(config, from, to);
  const snapshots = params.source === 'snapshots';
  const metrics = snapshots ? checkedSnapshotMetrics(config, params.metrics) : checkedMetrics(config, params.metrics);
  const groupBy = checkedGroupBy(config, params.groupBy ?? []);
  const snapshotPeriod = snapshots ? (params.periodType ?? 'daily') : undefined;
  const identity = { source: params.source, from, to, metrics, groupBy, ...(snapshots ? { snapshotPeriod, scope: params.scope } : {}) };
  const label = `${params.name ?? (snapshots ? `snapshots-${snapshotPeriod}` : DEFAULT_NAME)}-${fingerprint(identity)}`;
  return {
    source: params.source,
    format: params.format,
    from,
    to,
    days,
    metrics,
    groupBy,
    ...(snapshotPeriod !== undefined ? { snapshotPeriod } : {}),
    ...(params.scope !== undefined ? { scope: params.scope } : {}),
    key: `exports/metrics-${label}-${to.replaceAll('-', '')}.${params.format}`,
    contentType: params.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json',
  };
}

function rangeOf(params: ExportParams, period: string | undefined, config: NightshiftConfig): { from: string; to: string } {
  if (params.from !== undefined && params.to !== undefined) {
    if (period !== undefined) throw new InvalidJobParamsError(`give either a period (${period}) or params.from/to, not both`);
    return { from: params.from, to: params.to };
  }
  if (period === undefined) throw new InvalidJobParamsError('params.from and params.to are required (local days, YYYY-MM-DD), unless the run covers a period');
  const covered = withPeriodErrors(() => parsePeriodKey(period, periodOptions(config)));
  // The period's first and last local days: its start, and the instant just before its end.
  return { from: localDay(covered.start, config.timezone), to: localDay(new Date(covered.end.getTime() - 1), config.timezone) };
}

function daysOf(config: NightshiftConfig, from: string, to: string): string[] {
  return withPeriodErrors(() => periodsBetween('day', from, to, periodOptions(config), MAX_EXPORT_DAYS).map((day) => day.key));
}

const periodOptions = (config: NightshiftConfig) => ({ timezone: config.timezone, weekStartsOn: config.weekStartsOn });

function withPeriodErrors<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof InvalidPeriodError) throw new InvalidJobParamsError(`export range: ${error.message}`, { cause: error });
    throw error;
  }
}

function checkedMetrics(config: NightshiftConfig, requested: readonly string[] | undefined): string[] {
  const known = Object.keys(config.metrics).sort();
  if (requested === undefined) {
    if (known.length === 0) throw new InvalidJobParamsError('the config declares no metrics to export');
    return known;
  }
  for (const metric of requested) {
    if (Object.hasOwn(config.metrics, metric)) continue;
    const ratio = Object.hasOwn(config.ratios, metric) ? config.ratios[metric] : undefined;
    if (ratio) {
      throw new InvalidJobParamsError(
        `params.metrics: "${metric}" is a ratio; exports carry daily stats of base metrics: export ${ratio.numerator} and ${ratio.denominator} instead`,
      );
    }
    throw new InvalidJobParamsError(`params.metrics: unknown metric "${metric}" (configured: ${known.join(', ') || 'none'})`);
  }
  return [...requested];
}

function checkedSnapshotMetrics(config: NightshiftConfig, requested: readonly string[] | undefined): string[] {
  const known = Object.keys(config.snapshots.metrics).sort();
  if (requested === undefined) {
    if (known.length === 0) throw new InvalidJobParamsError('the config declares no snapshot metrics to export (snapshots.metrics)');
    return known;
  }
  const unknown = requested.find((metric) => !Object.hasOwn(config.snapshots.metrics, metric));
  if (unknown !== undefined) throw new InvalidJobParamsError(`params.metrics: unknown snapshot metric "${unknown}" (configured: ${known.join(', ') || 'none'})`);
  return [...requested];
}

function checkedGroupBy(config: NightshiftConfig, requested: readonly string[]): string[] {
  for (const dimension of requested) {
    if (!config.dimensions.includes(dimension)) {
      throw new InvalidJobParamsError(`params.groupBy: unknown dimension "${dimension}" (configured: ${config.dimensions.join(', ') || 'none'})`);
    }
    if ((FIXED_COLUMNS as readonly string[]).includes(dimension)) {
      throw new InvalidJobParamsError(`params.groupBy: dimension "${dimension}" has the name of a fixed column (${FIXED_COLUMNS.join(', ')})`);
    }
  }
  return [...requested];
}

/**
 * Eight hex digits of what the export contains, in the key: the same export run again replaces
 * its object, and two different exports with the same name and end day do not overwrite each other.
 */
function fingerprint(identity: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 8);
}
