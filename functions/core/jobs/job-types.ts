/**
 * A job type's name (`rollup`, `sampling-proof`). Which types exist is not core's to know: each is
 * declared in its folder under functions/jobs/ and listed by the catalog (functions/catalog.ts),
 * which hands core what it needs (the config's valid names, the ledger's partitions, the views).
 */
export type JobType = string;
