import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { booleanOption, EXIT, type Command } from '../command';
import { json, line } from '../output';

export const CONFIG_FILE_NAME = 'nightshift.config.ts';

/**
 * The smallest config worth running, explained line by line: two metrics and their ratio, one
 * dimension, the daily snapshot (values and its schedule) and a sampling proof's two checks.
 * `test/unit/cli/init.test.ts` loads it with the real loader from outside the repository.
 */
export function starterConfig(timezone: string): string {
  return `// Your Nightshift config, written by \`nightshift init\`. Run the local cloud with it from the
// Nightshift checkout (its data goes beside this file):
//   npm start -- --config <this folder>/${CONFIG_FILE_NAME} --data-dir <this folder>/.nightshift
// 'nightshift/config' is Nightshift's own export: the loader finds it wherever this file is.
import { defineConfig } from 'nightshift/config';

export default defineConfig({
  // Days, weeks and months are cut in this time zone (an IANA name).
  timezone: ${JSON.stringify(timezone)},

  // What you send as events: {"metric": "orders", "ts": "2026-11-22T09:15:00Z", "value": 1, "dims": {"channel": "web"}}
  // (value defaults to 1). A ratio divides the sums of two metrics, so there are two.
  metrics: {
    orders: { description: 'Completed orders' },
    visits: { description: 'Storefront visits' },
  },
  ratios: {
    conversion_rate: { numerator: 'orders', denominator: 'visits', description: 'Orders per visit' },
  },
  // Event dims kept in the daily stats (others are dropped): GET /stats can group by them.
  dimensions: ['channel'],

  // The daily snapshot: these values for a day, overall and per channel.
  snapshots: {
    scopeDimensions: ['channel'],
    metrics: {
      orders: { stat: 'count', metric: 'orders' },
      conversion_rate: { stat: 'ratio', numerator: 'orders', denominator: 'visits' },
    },
  },

  // The sampling proof of a day: every check passes, warns or is critical.
  checks: [
    // A conversion rate over 20% is suspicious (warn); outside 0..1 it is impossible (critical).
    { kind: 'range', metric: 'conversion_rate', hard: { min: 0, max: 1 }, soft: { max: 0.2 } },
    // Visits in fewer than 18 of the day's hours: the data stopped (critical).
    { kind: 'completeness', metric: 'visits', criticalMinHours: 18 },
  ],

  schedules: {
    // Yesterday's snapshot at 03:00 in the time zone above (EventBridge Scheduler syntax).
    // \`npx nightshift run snapshot-daily\` starts it now.
    'snapshot-daily': { job: 'snapshot', expression: 'cron(0 3 * * ? *)', period: 'previous-day' },
    // Once events arrive every day, prove each day too (alerts on warn and critical):
    // 'proof-daily': { job: 'sampling-proof', expression: 'cron(15 3 * * ? *)', period: 'previous-day' },
  },
});
`;
}

/** The machine's time zone, which is most likely the business's; UTC when it has none. */
function localTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const init: Command = {
  path: ['init'],
  synopsis: '[DIR] [--force]',
  summary: `Write a small commented ${CONFIG_FILE_NAME} to start your own config from`,
  details: `Writes DIR/${CONFIG_FILE_NAME} (DIR defaults to the current folder; it is created if missing). Needs no API and no token.`,
  options: {
    force: { type: 'boolean', description: `replace an existing ${CONFIG_FILE_NAME}` },
  },
  positionals: [0, 1],
  examples: ['nightshift init ~/my-analytics', 'npm start -- --config ~/my-analytics/nightshift.config.ts --data-dir ~/my-analytics/.nightshift'],
  async run(context) {
    const dir = resolve(context.positionals[0] ?? '.');
    const file = resolve(dir, CONFIG_FILE_NAME);
    await mkdir(dir, { recursive: true });
    try {
      await writeFile(file, starterConfig(localTimezone()), { encoding: 'utf8', flag: booleanOption(context, 'force') ? 'w' : 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      context.io.stderr(`nightshift init: ${file} already exists; --force replaces it\n`);
      return EXIT.failed;
    }
    const start = `npm start -- --config ${file} --data-dir ${resolve(dir, '.nightshift')}`;
    if (context.json) json(context.io, { file, start });
    else line(context.io, `wrote ${file}\nstart the local cloud with it (in the Nightshift checkout):\n  ${start}`);
    return EXIT.ok;
  },
};

export const initCommands: readonly Command[] = [init];
