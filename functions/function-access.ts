import type { JobType } from './core/jobs/job-types';

/**
 * What a deployed function may touch, declared next to the code that touches it (the catalog)
 * rather than in the stack: adding a job type, or a new store call to one, is where the grant
 * must change too. The CDK stack turns each declaration into IAM statements and environment
 * variables (infra/constructs/function-access.ts); the local cloud has no IAM and ignores it.
 * Read the job's code, not its description, when changing one of these.
 */
export interface FunctionAccess {
  /** The Jobs table: run records, leases, debounce marks, idempotency items. Absent: no grant. */
  jobs?: TableAccess;
  /** The Analytics table: partials, stats, snapshot items, the proof index. Absent: no grant. */
  analytics?: TableAccess;
  /**
   * Item writes (put, batch) to Analytics limited to these partition keys (IAM
   * `dynamodb:LeadingKeys`), for a function that otherwise only reads it.
   */
  analyticsPartitionWrites?: readonly AnalyticsPartition[];
  /** Key prefixes of the artifacts bucket (each ends in `/`). */
  artifacts?: {
    /** GetObject under these prefixes (and presigned GETs, which carry the signer's rights). */
    read?: readonly ArtifactPrefix[];
    /** PutObject and AbortMultipartUpload under these prefixes (streamed uploads go multipart). */
    write?: readonly ArtifactPrefix[];
  };
  /** Job functions it may invoke: every one (`'all-jobs'`), or these types. */
  invokes?: 'all-jobs' | readonly JobType[];
  /** Sends delayed (debounced) rollups to the delay queue. */
  sendsDelayed?: boolean;
  /** Publishes to the sampling-proof alert topic. */
  publishesAlerts?: boolean;
  /** Reads the API token secret (names and digests). */
  readsTokens?: boolean;
}

export type TableAccess = 'R' | 'RW';

/** Analytics partitions a reader may also write: `rollup#written`, the hours ingest stored objects in. */
export type AnalyticsPartition = 'rollup#written';

/** The bucket's top-level prefixes; DESIGN.md section 4 and artifactPrefixRetention name them. */
export type ArtifactPrefix = 'events/' | 'rollup/' | 'snapshots/' | 'sampling-proofs/' | 'exports/' | 'scripts/' | 'runs/';

/**
 * Every run reads and writes its record in Jobs (claims, leases, transitions, debounce marks);
 * nothing runs without it.
 */
const runsAJob: FunctionAccess = { jobs: 'RW' };

/**
 * The rollup: lists and reads `events/`, writes hour partials and daily stats to Analytics, and
 * spills groups too big for an item to `rollup/` (rollup-store.ts), reading them back later.
 * A debounced run that finds the lease held asks again: through the delay queue, or with a
 * direct invoke of itself when `rollup.debounceMs` is 0.
 */
export const rollupAccess: FunctionAccess = {
  ...runsAJob,
  analytics: 'RW',
  artifacts: { read: ['events/', 'rollup/'], write: ['rollup/'] },
  invokes: ['rollup'],
  sendsDelayed: true,
};

/**
 * Snapshot, proof and export bring the rollup up to date inline (bringRollupUpToDate) before they
 * read stats, so each needs the rollup's data access on top of its own (not its invoke or queue:
 * the inline rollup never debounces).
 */
export function withInlineRollup(own: FunctionAccess): FunctionAccess {
  return {
    ...own,
    jobs: 'RW',
    analytics: 'RW',
    artifacts: {
      read: unique([...(rollupAccess.artifacts?.read ?? []), ...(own.artifacts?.read ?? [])]),
      write: unique([...(rollupAccess.artifacts?.write ?? []), ...(own.artifacts?.write ?? [])]),
    },
  };
}

/** Snapshot items in Analytics, the JSON artifact under `snapshots/`. */
export const snapshotAccess = withInlineRollup({ artifacts: { write: ['snapshots/'] } });

/** The proof document under `sampling-proofs/`, its index item in Analytics, and the alert. */
export const samplingProofAccess = withInlineRollup({ artifacts: { write: ['sampling-proofs/'] }, publishesAlerts: true });

/** Reads stats or snapshot items (Analytics) and streams one object under `exports/`. */
export const exportAccess = withInlineRollup({ artifacts: { write: ['exports/'] } });

/**
 * Writes only its own `scripts/<jobId>/…`; downloads the inputs a manifest entry may name
 * (manifest.ts: keys under events/, exports/, snapshots/ or scripts/). No Analytics.
 */
export const scriptRunAccess: FunctionAccess = {
  ...runsAJob,
  artifacts: { read: ['events/', 'exports/', 'snapshots/', 'scripts/'], write: ['scripts/'] },
};

/** Times out stale runs and catches up missed periods: the ledger and invokes, no data. */
export const sweeperAccess: FunctionAccess = { ...runsAJob, invokes: 'all-jobs' };

/**
 * The API: run records and idempotency items (Jobs), reads of stats, snapshots and the proof
 * index (Analytics); ingest writes `events/` and marks the hours it wrote (`rollup#written` items
 * of Analytics, nothing else there); presigned links and proof documents read the artifact
 * prefixes runs record; POST /jobs invokes, an ingest's debounced rollup is queued.
 */
export const apiAccess: FunctionAccess = {
  jobs: 'RW',
  analytics: 'R',
  analyticsPartitionWrites: ['rollup#written'],
  artifacts: { read: ['snapshots/', 'sampling-proofs/', 'exports/', 'scripts/', 'runs/'], write: ['events/'] },
  invokes: 'all-jobs',
  sendsDelayed: true,
};

/** The authorizer hashes a bearer token and compares it with the secret's digests: nothing else. */
export const authorizerAccess: FunctionAccess = { readsTokens: true };

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
