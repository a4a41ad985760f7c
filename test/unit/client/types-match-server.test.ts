import { describe, expect, it } from 'vitest';
import type { JobRecord as ServerJobRecord } from '../../../functions/core/jobs/record';
import type { BackfillResult as ServerBackfillResult } from '../../../functions/core/jobs/backfill';
import type { JobHealth as ServerJobHealth } from '../../../functions/core/jobs/health';
import type { StatsResult as ServerStatsResult } from '../../../functions/jobs/rollup/query-stats';
import type { SnapshotItem as ServerSnapshotItem } from '../../../functions/core/snapshots/document';
import type { Annotation, BackfillResult, JobHealth, JobRecord, ProofCheck, ScheduleSlot, SnapshotItem, StatsResult } from '../../../functions/client/types';
import type { Annotation as ServerAnnotation } from '../../../functions/core/calendar/types';
import type { CheckResult as ServerCheckResult } from '../../../functions/core/proofs/types';
import type { ScheduleSlot as ServerScheduleSlot } from '../../../functions/core/jobs/slots/schedule-slots';
import { SLOT_FATES } from '../../../functions/client/types';
import { slotFates } from '../../../functions/core/jobs/slots/schedule-slots';
import { TERMINAL_STATUSES } from '../../../functions/client/types';
import { terminalStatuses } from '../../../functions/core/jobs/states';

/** Compiles only when the server's type can be handed to a client that expects the client's. */
function fits<Client>() {
  return <_Server extends Client>(): true => true;
}

describe('client types', () => {
  it("accept what the server's routes return (checked by the type checker)", () => {
    // Act / Assess: each line is a compile-time assertion.
    expect(fits<JobRecord>()<ServerJobRecord>()).toBe(true);
    expect(fits<BackfillResult>()<ServerBackfillResult>()).toBe(true);
    expect(fits<JobHealth>()<ServerJobHealth>()).toBe(true);
    expect(fits<StatsResult>()<ServerStatsResult>()).toBe(true);
    expect(fits<SnapshotItem>()<ServerSnapshotItem>()).toBe(true);
    expect(fits<Annotation>()<ServerAnnotation>()).toBe(true);
    expect(fits<ProofCheck>()<ServerCheckResult>()).toBe(true);
    expect(fits<ScheduleSlot>()<ServerScheduleSlot>()).toBe(true);
  });

  it('know the same terminal statuses as the lifecycle', () => {
    // Assess
    expect([...TERMINAL_STATUSES].sort()).toEqual([...terminalStatuses].sort());
  });

  it('know the same slot fates as the slot ledger', () => {
    // Assess
    expect([...SLOT_FATES]).toEqual([...slotFates]);
  });
});

describe('client module', () => {
  it('imports nothing but its own files (no server code, no AWS SDK), so a browser console and an MCP server can use it', async () => {
    // Prepare
    const { readdir, readFile } = await import('node:fs/promises');
    const dir = new URL('../../../functions/client/', import.meta.url);

    // Act
    const imports: string[] = [];
    for (const name of await readdir(dir)) {
      const source = await readFile(new URL(name, dir), 'utf8');
      for (const match of source.matchAll(/^(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)) imports.push(match[1]!);
    }

    // Assess
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((specifier) => !specifier.startsWith('./'))).toEqual([]);
  });
});
