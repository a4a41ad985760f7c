import type { CatchUpSettings, SchedulePeriod } from '../config';
import type { JobType } from './job-types';
import type { JobRecord } from './record';

/** A schedule from config (or from the script manifest), resolved against the catalog. */
export interface ScheduledTask {
  name: string;
  type: JobType;
  expression: string;
  timezone: string;
  enabled: boolean;
  period: SchedulePeriod;
  params: Record<string, unknown>;
  description?: string;
  /** The schedule's own catch-up settings; `catchUpPolicy` fills in the defaults. */
  catchUp?: CatchUpSettings;
}

/**
 * What the lifecycle, the sweeper and the health rule need of the job types this build ships:
 * the catalog's view, built once by the composition root (core never reads the catalog itself).
 */
export interface CatalogView {
  /** The job types this build ships (a job function refuses an invocation of any other). */
  types: readonly JobType[];
  /** Every schedule of this deployment, enabled or not. */
  schedules: readonly ScheduledTask[];
  /**
   * Whether a run did its type's work, for health: it succeeded or warned, or it ended with a
   * verdict its job type declares as work done (a critical sampling proof).
   */
  ranToTheEnd: (job: JobRecord) => boolean;
}
