import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../functions/client';
import { describeProblem } from './components/notices';
import { TimeZone } from './components/time';
import { clientFor, forgetToken, saveToken, savedToken, type Session } from './session';
import { useRoute, type Route } from './router';
import { JobsView } from './views/jobs-view';
import { JobDetailView } from './views/job-detail-view';
import { SchedulesView } from './views/schedules-view';
import { TimelineView } from './views/timeline-view';
import { HealthView } from './views/health-view';
import { ProofsView } from './views/proofs-view';
import { ChartView } from './views/chart-view';

/** Asks the API who a token is (the only way to know it is valid and whether it may act) and the business time zone. */
async function openSession(token: string, signOut: () => void): Promise<Session> {
  const client = clientFor(token);
  const [principal, catalog] = await Promise.all([client.me(), client.metrics()]);
  return { client, principal, timezone: catalog.timezone, isAdmin: principal.scopes.includes('admin'), signOut };
}

export function App() {
  const [session, setSession] = useState<Session | undefined>();
  const [restoring, setRestoring] = useState(() => savedToken() !== null);
  const [problem, setProblem] = useState<string | undefined>();

  const signOut = (): void => {
    forgetToken();
    setSession(undefined);
  };

  useEffect(() => {
    const token = savedToken();
    if (!token) return;
    openSession(token, signOut)
      .then(setSession, (error: unknown) => {
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) forgetToken();
        setProblem(signInProblem(error));
      })
      .finally(() => setRestoring(false));
  }, []);

  const signIn = async (token: string): Promise<void> => {
    setProblem(undefined);
    try {
      const opened = await openSession(token, signOut);
      saveToken(token);
      setSession(opened);
    } catch (error) {
      setProblem(signInProblem(error));
    }
  };

  if (restoring) return <p class="muted center">Checking the saved token…</p>;
  if (!session) return <SignIn onSignIn={signIn} problem={problem} />;
  return <Shell session={session} />;
}

function signInProblem(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) return 'The API does not know this token.';
  if (error instanceof ApiError && error.status === 403) return 'This token lacks the read scope (an ingest-only token cannot use the console).';
  return describeProblem(error);
}

function SignIn({ onSignIn, problem }: { onSignIn: (token: string) => Promise<void>; problem: string | undefined }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    if (!token.trim()) return;
    setBusy(true);
    await onSignIn(token.trim());
    setBusy(false);
  };
  return (
    <main class="sign-in">
      <h1>Nightshift console</h1>
      <p>Sign in with an API token (read scope; admin to start runs). It is kept in this tab's session storage only.</p>
      <form onSubmit={(event) => void submit(event)}>
        <label for="token">API token</label>
        <input id="token" ref={input} type="password" autocomplete="off" value={token} onInput={(event) => setToken(event.currentTarget.value)} required />
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      {problem && (
        <p class="notice notice-error" role="alert">
          {problem}
        </p>
      )}
      <p class="muted small">
        Local cloud: the admin token is printed by <code>npm start</code> (NIGHTSHIFT_ADMIN_TOKEN). In AWS: <code>npm run token -- create</code>.
      </p>
    </main>
  );
}

const NAV: Array<{ view: Route['view']; href: string; label: string; also?: Array<Route['view']> }> = [
  { view: 'jobs', href: '#/jobs', label: 'Jobs', also: ['job'] },
  { view: 'schedules', href: '#/schedules', label: 'Schedules' },
  { view: 'timeline', href: '#/timeline', label: 'Timeline' },
  { view: 'health', href: '#/health', label: 'Health' },
  { view: 'proofs', href: '#/proofs', label: 'Proofs' },
  { view: 'chart', href: '#/chart', label: 'Metric chart' },
];

function Shell({ session }: { session: Session }) {
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // After a navigation, keyboard and screen-reader users land on the new view's heading.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [route.view, route.view === 'job' ? route.id : '']);

  return (
    <TimeZone.Provider value={session.timezone}>
      <a class="skip-link" href="#main" onClick={(event) => { event.preventDefault(); main.current?.focus(); }}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">☾ Nightshift</span>
        <nav aria-label="Views">
          <ul>
            {NAV.map((item) => {
              const current = item.view === route.view || item.also?.includes(route.view);
              return (
                <li key={item.view}>
                  <a href={item.href} aria-current={current ? 'page' : undefined}>
                    {item.label}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
        <span class="who">
          <span title={`scopes: ${session.principal.scopes.join(', ')}`}>
            {session.principal.name} <span class="muted">({session.isAdmin ? 'admin' : 'read-only'})</span>
          </span>
          <button type="button" class="link-button" onClick={session.signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <View route={route} session={session} />
      </main>
    </TimeZone.Provider>
  );
}

function View({ route, session }: { route: Route; session: Session }) {
  switch (route.view) {
    case 'jobs':
      return <JobsView session={session} query={route.query} />;
    case 'job':
      return <JobDetailView session={session} id={route.id} />;
    case 'schedules':
      return <SchedulesView session={session} />;
    case 'timeline':
      return <TimelineView session={session} query={route.query} />;
    case 'health':
      return <HealthView session={session} />;
    case 'proofs':
      return <ProofsView session={session} date={route.date} />;
    case 'chart':
      return <ChartView session={session} query={route.query} />;
    default:
      return (
        <section>
          <h1 tabIndex={-1}>Not found</h1>
          <p>
            Nothing at <code>{route.hash}</code>. <a href="#/jobs">Back to the jobs</a>.
          </p>
        </section>
      );
  }
}
