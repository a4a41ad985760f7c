import type { ApiError } from '../functions/client/api-client';

/** Where a command writes: injected so tests can capture it and the progress bar knows if it may draw. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is a terminal: progress bars are drawn only then. */
  stderrIsTty: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** Waits between polls; tests make it instant. */
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
}

/** An API error as the CLI and the MCP tools word it: the API's own message, then its status and code. */
export function apiErrorText(error: Pick<ApiError, 'message' | 'status' | 'code'>): string {
  return `${error.message} (HTTP ${error.status} ${error.code})`;
}

export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  /** Numbers read best right-aligned. */
  align?: 'left' | 'right';
  /** Cut longer cells with an ellipsis (the last column is never cut). */
  maxWidth?: number;
}

/**
 * A plain-text table: a header, then one line per row, columns separated by two spaces and
 * padded to the widest cell. No colours or borders, so it pastes and greps well.
 */
export function formatTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const cells = rows.map((row) => columns.map((column, index) => clip(oneLine(column.value(row)), index === columns.length - 1 ? undefined : column.maxWidth)));
  const widths = columns.map((column, index) => Math.max(width(column.header), ...cells.map((line) => width(line[index] ?? ''))));
  const render = (line: readonly string[]): string =>
    line
      .map((cell, index) => {
        const last = index === line.length - 1;
        const pad = ' '.repeat(Math.max(0, (widths[index] ?? 0) - width(cell)));
        if (columns[index]?.align === 'right') return pad + cell;
        return last ? cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [render(columns.map((column) => column.header)), ...cells.map(render)].join('\n');
}

/** `key  value` lines with the keys aligned, for one record. */
export function formatFields(fields: ReadonlyArray<readonly [string, string | undefined]>): string {
  const shown = fields.filter((field): field is readonly [string, string] => field[1] !== undefined && field[1] !== '');
  const keyWidth = Math.max(0, ...shown.map(([key]) => key.length));
  return shown.map(([key, value]) => `${key.padEnd(keyWidth)}  ${value}`).join('\n');
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ');
}

function clip(text: string, maxWidth: number | undefined): string {
  if (maxWidth === undefined || width(text) <= maxWidth) return text;
  return `${[...text].slice(0, Math.max(1, maxWidth - 1)).join('')}…`;
}

/** Characters as a terminal shows them (code points, not UTF-16 units). */
function width(text: string): number {
  return [...text].length;
}

/** `1.2 s`, `3 min 4 s`, `850 ms`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(10)));
}

/** `{a: 1, b: "x"}` → `a=1 b=x`; compact enough for a table cell. */
export function formatPairs(record: Readonly<Record<string, unknown>> | undefined): string {
  if (!record) return '';
  return Object.entries(record)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
}

export function json(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

export function line(io: CliIo, text = ''): void {
  io.stdout(`${text}\n`);
}

/** A one-line progress bar for stderr: `[#####.....] 52% 52,000 lines`. */
export function progressBar(fraction: number, label: string, barWidth = 30): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const filled = Math.round(clamped * barWidth);
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${String(Math.floor(clamped * 100)).padStart(3)}% ${label}`;
}
