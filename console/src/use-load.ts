import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** When `data` was last fetched. */
  loadedAt: Date | undefined;
  reload: () => void;
}

/**
 * Fetches `load()` when `key` changes, and again every `refreshMs` while the tab is visible.
 * An answer that arrives after the key changed is dropped, so a slow response for an old filter
 * never overwrites the new one. Earlier data stays on screen while a refresh runs.
 */
export function useLoad<T>(key: string, load: () => Promise<T>, options: { refreshMs?: number | undefined } = {}): Loaded<T> {
  const [state, setState] = useState<{ key: string; data: T | undefined; error: unknown; loading: boolean; loadedAt: Date | undefined }>({
    key,
    data: undefined,
    error: undefined,
    loading: true,
    loadedAt: undefined,
  });
  const latest = useRef({ key, load });
  latest.current = { key, load };
  const generation = useRef(0);

  const run = useCallback(() => {
    const mine = ++generation.current;
    const { key: runKey, load: runLoad } = latest.current;
    setState((previous) => ({ ...(previous.key === runKey ? previous : { data: undefined, loadedAt: undefined }), key: runKey, error: undefined, loading: true }));
    runLoad().then(
      (data) => {
        if (mine === generation.current) setState({ key: runKey, data, error: undefined, loading: false, loadedAt: new Date() });
      },
      (error: unknown) => {
        if (mine === generation.current) setState((previous) => ({ ...previous, key: runKey, error, loading: false }));
      },
    );
  }, []);

  useEffect(run, [key, run]);

  const refreshMs = options.refreshMs;
  useEffect(() => {
    if (!refreshMs) return undefined;
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') run();
    }, refreshMs);
    return () => window.clearInterval(timer);
  }, [refreshMs, run]);

  const current = state.key === key ? state : { data: undefined, error: undefined, loading: true, loadedAt: undefined };
  return { data: current.data, error: current.error, loading: current.loading, loadedAt: current.loadedAt, reload: run };
}
