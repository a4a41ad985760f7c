export type Cell = string | number | undefined;

function formatCell(cell: Cell): string {
  if (cell === undefined) return '—';
  if (typeof cell === 'string') return cell;
  if (!Number.isFinite(cell)) return String(cell);
  if (Number.isInteger(cell)) return cell.toLocaleString('en-US');
  return cell.toLocaleString('en-US', { maximumFractionDigits: Math.abs(cell) >= 100 ? 0 : Math.abs(cell) >= 10 ? 1 : 3 });
}

/** A plain-text table: numbers right-aligned, text left-aligned. */
export function formatTable(headers: readonly string[], rows: readonly Cell[][]): string {
  const text = rows.map((row) => row.map(formatCell));
  const widths = headers.map((header, column) => Math.max(header.length, ...text.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[], numeric: readonly boolean[]): string =>
    cells.map((cell, column) => (numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd();
  const numericRow = (row: readonly Cell[]): boolean[] => headers.map((_, column) => typeof row[column] === 'number');
  return [
    line(headers, headers.map(() => false)),
    line(widths.map((width) => '-'.repeat(width)), headers.map(() => false)),
    ...text.map((cells, index) => line(cells, numericRow(rows[index] ?? []))),
  ].join('\n');
}

export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function verdict(pass: boolean): string {
  return pass ? 'PASS' : 'FAIL';
}
