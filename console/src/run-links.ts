import type { JobRecord } from '../../functions/client';
import { hashFor } from './router';

/**
 * The console page of what a run produced, when it has one: a sampling-proof run's day (once its
 * proof was written: its summary names the artifact). Other outputs are the run's artifacts.
 */
export function producedPage(job: JobRecord): { href: string; label: string } | undefined {
  if (job.type === 'sampling-proof' && job.period && typeof job.summary?.['key'] === 'string') {
    return { href: hashFor(`proofs/${job.period}`), label: `proof of ${job.period}` };
  }
  return undefined;
}

/** A run's own page. */
export function runHref(id: string): string {
  return `#/jobs/${encodeURIComponent(id)}`;
}
