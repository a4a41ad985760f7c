import type { ExportPlan } from './plan';

/** One exported line: a day × metric × group of the plan's `groupBy` dimensions. */
export interface ExportRow {
  day: string;
  metric: string;
  /**
   * The group's value of each `groupBy` dimension; a dimension the group's events did not carry
   * is absent, and the cardinality overflow group has `__other__` for every one.
   */
  dims: Record<string, string>;
  count: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * Where an export's rows come from, in order (day, then metric in plan order, then group),
 * read lazily: a source never holds more than a bounded window of the range. Each source comes
 * with the `ExportShape` its rows are written in.
 */
export type RowSource<R = ExportRow> = (plan: ExportPlan, signal: AbortSignal) => AsyncIterable<R>;

/**
 * Runs `read` over `units` with at most `window` reads in flight and yields the results in
 * order, so the reader stays a bounded distance ahead of the writer.
 */
export async function* readAhead<T, R>(units: readonly T[], window: number, read: (unit: T) => Promise<R>, signal: AbortSignal): AsyncGenerator<R> {
  const inFlight: Promise<R>[] = [];
  let next = 0;
  const fill = (): void => {
    while (inFlight.length < window && next < units.length) {
      const pending = read(units[next] as T);
      // Awaited in order below; until then a failure must not count as unhandled.
      pending.catch(() => undefined);
      inFlight.push(pending);
      next += 1;
    }
  };
  fill();
  while (inFlight.length > 0) {
    signal.throwIfAborted();
    const result = await (inFlight.shift() as Promise<R>);
    fill();
    yield result;
  }
}
