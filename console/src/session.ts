import { NightshiftClient, type Principal } from '../../functions/client';

const TOKEN_KEY = 'nightshift.console.token';

/**
 * The API this page came from: `https://host[/stage]/console` → `https://host[/stage]`. The
 * console only ever talks to its own origin (the Content-Security-Policy allows nothing else).
 */
export function apiBaseUrl(location: Location = window.location): string {
  return location.origin + location.pathname.replace(/\/console\/?$/, '');
}

/** Session storage: the token lives as long as the tab, and never in a cookie the API would trust. */
export function savedToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

export function clientFor(token: string): NightshiftClient {
  return new NightshiftClient({ baseUrl: apiBaseUrl(), token, timeoutMs: 30_000 });
}

export interface Session {
  client: NightshiftClient;
  principal: Principal;
  /** The business time zone: times and local days on every view are its. */
  timezone: string;
  isAdmin: boolean;
  signOut: () => void;
}
