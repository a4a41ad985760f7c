/** How attribution names hours and shares: `11:00–20:00`, `−96%`, `98%`. */

/**
 * The hours that carry the deviation in `sign`'s direction: each at least `share` of the largest
 * hour's (a collapsed evening is every hour of it, not the few that fill a quota).
 */
export function hoursCarrying(byHour: ReadonlyMap<number, number>, sign: number, share: number): number[] {
  const along = [...byHour.entries()].filter(([, value]) => value !== 0 && Math.sign(value) === sign);
  const largest = Math.max(0, ...along.map(([, value]) => Math.abs(value)));
  if (largest === 0) return [];
  return along
    .filter(([, value]) => Math.abs(value) >= share * largest)
    .map(([hour]) => hour)
    .sort((a, b) => a - b);
}

/** Hours as contiguous ranges (`11:00–20:00`); twenty or more hours are `all day`. */
export function formatHours(hours: readonly number[]): string[] {
  if (hours.length === 0) return [];
  if (hours.length >= 20) return ['all day'];
  const ranges: string[] = [];
  let start = hours[0] ?? 0;
  let previous = start;
  for (const hour of [...hours.slice(1), Number.NaN]) {
    if (hour === previous + 1) {
      previous = hour;
      continue;
    }
    ranges.push(`${clock(start)}–${clock(previous + 1)}`);
    start = hour;
    previous = hour;
  }
  return ranges;
}

function clock(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

/** `−96%` (signed) or `98%`; rounded to whole percents. */
export function formatShare(value: number, signed: boolean): string {
  if (!Number.isFinite(value)) return value > 0 ? '+∞%' : '−∞%';
  const percent = Math.round(value * 100);
  if (!signed) return `${percent}%`;
  return percent < 0 ? `−${-percent}%` : `+${percent}%`;
}
