/** Status as colour AND a symbol and a word: never colour alone. */
const SYMBOLS: Record<string, string> = {
  queued: '◷',
  running: '▶',
  succeeded: '✓',
  pass: '✓',
  ok: '✓',
  healthy: '✓',
  warning: '!',
  warn: '!',
  failed: '✕',
  critical: '✕',
  timed_out: '⌛',
  degraded: '✕',
  unhealthy: '✕',
  skipped: '–',
  held: '⏸',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span class={`badge badge-${status.replace(/_/g, '-')}`}>
      <span aria-hidden="true">{SYMBOLS[status] ?? '•'}</span> {status.replace(/_/g, ' ')}
    </span>
  );
}
