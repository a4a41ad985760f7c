import * as z from 'zod/mini';
import '../../core/zod-mini-english';

/** A snapshot's period is the run's `period` (`2026-11-22`, `2026-W47`, `2026-11`); it takes no params. */
export const snapshotParams = z.strictObject({});
export type SnapshotParams = z.infer<typeof snapshotParams>;
