import { ApiConnectionError, ApiError } from '../../../functions/client';

export function describeProblem(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (HTTP ${error.status}, ${error.code})`;
  if (error instanceof ApiConnectionError) return `No answer from the API: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

export function ErrorNotice({ error, what }: { error: unknown; what: string }) {
  if (!error) return null;
  return (
    <div class="notice notice-error" role="alert">
      <strong>Could not {what}.</strong> {describeProblem(error)}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <pre class="json" aria-label={label} tabIndex={0}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
