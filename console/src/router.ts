import { useEffect, useState } from 'preact/hooks';

/** The console's places, kept in the URL's hash so links and the back button work. */
export type Route =
  | { view: 'jobs'; query: URLSearchParams }
  | { view: 'job'; id: string }
  | { view: 'schedules' }
  | { view: 'timeline'; query: URLSearchParams }
  | { view: 'health' }
  | { view: 'proofs'; date: string | undefined }
  | { view: 'chart'; query: URLSearchParams }
  | { view: 'not-found'; hash: string };

export function parseHash(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?', 2);
  const query = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second] = parts;
  if (parts.length === 0 || (first === 'jobs' && parts.length === 1)) return { view: 'jobs', query };
  if (first === 'jobs' && second && parts.length === 2) return { view: 'job', id: second };
  if (first === 'schedules' && parts.length === 1) return { view: 'schedules' };
  if (first === 'timeline' && parts.length === 1) return { view: 'timeline', query };
  if (first === 'health' && parts.length === 1) return { view: 'health' };
  if (first === 'proofs' && parts.length <= 2) return { view: 'proofs', date: second };
  if (first === 'chart' && parts.length === 1) return { view: 'chart', query };
  return { view: 'not-found', hash };
}

/** `#/jobs?type=snapshot`, without empty parameters. */
export function hashFor(path: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, value);
  const search = params.toString();
  return `#/${path}${search ? `?${search}` : ''}`;
}

export function navigate(hash: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', hash);
  else window.history.pushState(null, '', hash);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const update = (): void => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', update);
    window.addEventListener('popstate', update);
    // Effects run after paint: a hash that changed between the first render and now would be missed.
    update();
    return () => {
      window.removeEventListener('hashchange', update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}
