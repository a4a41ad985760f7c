import type { JobType } from './core/jobs/job-types';

/**
 * What a deployed function may touch, declared next to the code that touches it (each job type's
 * definition in its folder, the API and the authorizer here) rather than in the stack: adding a
 * job type, or a new store call to one, is where the grant must change too. The CDK stack turns each declaration into IAM statements and environment
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
  /** Receives and deletes the schedules' dead letters (the sweeper records each one's slot). */
  drainsScheduleDeadLetters?: boolean;
  /** Reads the API token secret (names and digests). */
  readsTokens?: boolean;
}

export type TableAccess = 'R' | 'RW';

/**
 * Analytics partitions a reader may also write: `rollup#written` (the hours ingest stored objects
 * in), `annotation` (users' annotations), `snapshot#<period>` (a released snapshot's items).
 */
export type AnalyticsPartition = 'rollup#written' | 'annotation' | 'snapshot#daily' | 'snapshot#weekly' | 'snapshot#monthly';

/** The bucket's top-level prefixes; DESIGN.md section 4 and artifactPrefixRetention name them. */
export type ArtifactPrefix = 'events/' | 'rollup/' | 'snapshots/' | 'sampling-proofs/' | 'exports/' | 'scripts/' | 'runs/' | 'quarantine/';

/**
 * The API: run records and idempotency items (Jobs), reads of stats, snapshots and the proof
 * index (Analytics); ingest writes `events/` and marks the hours it wrote (`rollup#written` items
 * of Analytics, nothing else there); presigned links and proof documents read the artifact
 * prefixes runs record; POST /jobs invokes, an ingest's debounced rollup is queued. Releasing a
 * held output copies it from `quarantine/` to its normal key and, for a snapshot, writes its items.
 */
export const apiAccess: FunctionAccess = {
  jobs: 'RW',
  analytics: 'R',
  analyticsPartitionWrites: ['rollup#written', 'annotation', 'snapshot#daily', 'snapshot#weekly', 'snapshot#monthly'],
  artifacts: { read: ['snapshots/', 'sampling-proofs/', 'exports/', 'scripts/', 'runs/', 'quarantine/'], write: ['events/', 'exports/', 'snapshots/'] },
  invokes: 'all-jobs',
  sendsDelayed: true,
};

/** The authorizer hashes a bearer token and compares it with the secret's digests: nothing else. */
export const authorizerAccess: FunctionAccess = { readsTokens: true };
