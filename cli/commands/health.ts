import type { JobHealth } from '../../functions/client/types';
import { EXIT, type Command } from '../command';
import { formatTable, formatTime, json, line } from '../output';

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
    if (type === undefined) {
      const report = await context.client.health();
      if (context.json) json(context.io, report);
      status = report.status;
      jobs = report.jobs;
    } else {
      const report = await context.client.jobHealth(type);
      if (context.json) json(context.io, report);
      status = report.status;
      jobs = { [type]: report };
    }
    if (!context.json) {
      line(
        context.io,
        formatTable(Object.entries(jobs), [
          { header: 'TYPE', value: ([name]) => name },
          { header: 'HEALTHY', value: ([, job]) => (job.healthy ? 'yes' : 'NO') },
          { header: 'LAST RUN', value: ([, job]) => (job.lastRun ? `${job.lastRun.status} ${formatTime(job.lastRun.createdAt)}` : '—') },
          { header: 'LAST SUCCESS', value: ([, job]) => formatTime(job.lastSuccess?.finishedAt ?? job.lastSuccess?.createdAt) || '—' },
          { header: 'REASON', value: ([, job]) => job.reason },
        ]),
      );
      line(context.io, status);
    }
    return status === 'ok' ? EXIT.ok : EXIT.failed;
  },
};

export const healthCommands: readonly Command[] = [health];
