import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { formatTime, formatTimeNamed } from '../../../functions/client';

/**
 * The business time zone (the config's, from `GET /metrics` at sign-in): every time on the page
 * is its wall clock, as in the CLI and the banner, never the browser's zone.
 */
export const TimeZone = createContext('UTC');

export function useTimeZone(): string {
  return useContext(TimeZone);
}

/**
 * An instant as `2026-12-03 09:15:02 -08:00`; `named` adds the zone (a time on its own). In a
 * table or list the heading names it instead. The exact UTC instant is in the tooltip.
 */
export function Time({ iso, named = false }: { iso: string | null | undefined; named?: boolean }) {
  const zone = useTimeZone();
  if (!iso) return <span class="muted">—</span>;
  return (
    <time dateTime={iso} title={`${iso} (UTC)`}>
      {named ? formatTimeNamed(iso, zone) : formatTime(iso, zone)}
    </time>
  );
}
