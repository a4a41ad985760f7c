import type { NightshiftConfig } from '../../core/config';
import { snapshotItems, type SnapshotDocument } from '../../core/snapshots/document';
import type { SnapshotStore } from '../../core/snapshots/ports';
import { parsePeriodKey, type Period } from '../../core/time/periods';

const DAY_SECONDS = 86_400;

/**
 * Makes the document's items the period's whole set (expiring with the period's retention): the
 * run does it, or the release of a held snapshot from the released document.
 */
export function publishSnapshot(document: SnapshotDocument, key: string, config: NightshiftConfig, snapshots: SnapshotStore): Promise<{ written: number; deleted: number }> {
  const period = parsePeriodKey(document.period, { timezone: config.timezone, weekStartsOn: config.weekStartsOn });
  const expiresAt = Math.floor(period.end.getTime() / 1000) + retentionDays(config, period.type) * DAY_SECONDS;
  return snapshots.replacePeriod(document.periodType, document.bounds.firstDay, snapshotItems(document, key, expiresAt));
}

function retentionDays(config: NightshiftConfig, type: Period['type']): number {
  const { retention } = config;
  return type === 'day' ? retention.dailySnapshotsDays : type === 'week' ? retention.weeklySnapshotsDays : retention.monthlySnapshotsDays;
}
