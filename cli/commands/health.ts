import { formatTime, timeHeading } from '../../functions/client/display-time';
import type { JobHealth } from '../../functions/client/types';
import { EXIT, type Command } from '../command';
import { formatTable, json, line } from '../output';

const health: Command = {
  path: ['health'],
  synopsis: '[TYPE]',
  summary: 'Whether each job type ran successfully recently enough; exit 1 when degraded',
  positionals: [0, 1],
  examples: ['nightshift health', 'nightshift health snapshot --json'],
  async run(context) {
    const type = context.positionals[0];
    let status: 'ok' | 'degraded';
    let jobs: Record<string, JobHealth>;
    let reportedZone: string | undefined;
    if (type === undefined) {
      const report = await context.client.health();
      if (context.json) json(context.io, report);
      status = report.status;
      jobs = report.jobs;
      reportedZone = report.timezone;
    } else {
      const report = await context.client.jobHealth(type);
      if (context.json) json(context.io, report);
      status = report.status;
      jobs = { [type]: report };
      reportedZone = report.timezone;
    }
    if (!context.json) {
      // Health needs no token: the zone comes with the report, not from GET /metrics.
      const timezone = await context.timezone(reportedZone);
      line(
        context.io,
        formatTable(Object.entries(jobs), [
          { header: 'TYPE', value: ([name]) => name },
          { header: 'HEALTHY', value: ([, job]) => (job.healthy ? 'yes' : 'NO') },
          { header: timeHeading('LAST RUN', timezone), value: ([, job]) => (job.lastRun ? `${job.lastRun.status} ${formatTime(job.lastRun.createdAt, timezone)}` : '—') },
          { header: 'LAST SUCCESS', value: ([, job]) => formatTime(job.lastSuccess?.finishedAt ?? job.lastSuccess?.createdAt, timezone) || '—' },
          { header: 'REASON', value: ([, job]) => job.reason },
        ]),
      );
      line(context.io, status);
    }
    return status === 'ok' ? EXIT.ok : EXIT.failed;
  },
};

export const healthCommands: readonly Command[] = [health];
