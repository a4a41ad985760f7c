import { defineConfig } from 'nightshift/config';

/**
 * The demo shop's analytics: what `npm start` runs with. Copy it and pass `--config FILE`
 * (.ts, .js or .json) to run your own. Every field with a default may be left out; see
 * functions/core/config/schema.ts for all of them.
 */
export default defineConfig({
  timezone: 'America/Los_Angeles',
  weekStartsOn: 'monday',
  metrics: {
    revenue: { description: 'Order revenue', unit: 'USD' },
    orders: { description: 'Completed orders' },
    sessions: { description: 'Storefront sessions' },
    page_views: { description: 'Page views' },
    refunds: { description: 'Refunded orders' },
  },
  ratios: {
    conversion_rate: { numerator: 'orders', denominator: 'sessions', description: 'Orders per session' },
  },
  dimensions: ['store', 'channel'],
  schedules: {
    'rollup-hourly': {
      job: 'rollup',
      expression: 'cron(5 * * * ? *)',
      description: 'Absorbs new event objects into daily stats (also debounced after ingest)',
    },
    'snapshot-daily': {
      job: 'snapshot',
      expression: 'cron(0 3 * * ? *)',
      period: 'previous-day',
      description: 'Yesterday\'s metrics per scope',
    },
    'snapshot-weekly': {
      job: 'snapshot',
      expression: 'cron(30 3 ? * MON *)',
      period: 'previous-week',
      description: 'Last week\'s metrics per scope',
    },
    'snapshot-monthly': {
      job: 'snapshot',
      expression: 'cron(0 4 1 * ? *)',
      period: 'previous-month',
      description: 'Last month\'s metrics per scope',
    },
    'export-weekly': {
      job: 'export',
      expression: 'cron(0 4 ? * MON *)',
      period: 'previous-week',
      params: { name: 'weekly', format: 'csv', groupBy: ['store'] },
      description: 'Daily stats of the previous week (Monday to Sunday) per store, as CSV under exports/',
    },
    sweeper: {
      job: 'sweeper',
      expression: 'rate(5 minutes)',
      description: 'Times out stuck runs and catches up missed periods',
    },
    'sampling-proof-daily': {
      job: 'sampling-proof',
      expression: 'cron(15 3 * * ? *)',
      period: 'previous-day',
      description: "Proves yesterday's numbers sane (checks below); alerts on warn and critical",
    },
  },
  checks: [
    { kind: 'range', metric: 'revenue', hard: { min: 0 }, soft: { min: 100 } },
    { kind: 'trend', metric: 'revenue' },
    { kind: 'range', metric: 'conversion_rate', hard: { min: 0, max: 1 }, soft: { min: 0.005, max: 0.2 } },
    { kind: 'trend', metric: 'conversion_rate' },
    { kind: 'range', metric: 'sessions', hard: { min: 0 }, soft: { min: 50 } },
    { kind: 'trend', metric: 'sessions' },
    { kind: 'freshness', metric: 'sessions' },
    { kind: 'completeness', metric: 'sessions' },
    { kind: 'ratio_consistency', numerator: 'orders', denominator: 'sessions', ratio: 'conversion_rate' },
  ],
  snapshots: {
    scopeDimensions: ['store'],
    metrics: {
      revenue: { stat: 'sum', metric: 'revenue', description: 'Revenue (USD)' },
      orders: { stat: 'count', metric: 'orders' },
      sessions: { stat: 'count', metric: 'sessions' },
      average_order_value: { stat: 'avg', metric: 'revenue', description: 'Revenue per order event (USD)' },
      largest_order: { stat: 'max', metric: 'revenue' },
      conversion_rate: { stat: 'ratio', numerator: 'orders', denominator: 'sessions', description: 'Orders per session' },
      refund_rate: { stat: 'ratio', numerator: 'refunds', denominator: 'orders' },
    },
  },
  // Event objects over maxObjectBytes (256 MiB) are refused by the rollup, named in its summary, like unreadable ones.
  rollup: { debounceMs: 5000, lookbackHours: 48, maxCardinalityPerMetricDay: 1000, maxObjectBytes: 256 * 1024 * 1024 },
  // Whitelisted scripts (layers/scripts/manifest.json): at most 5 at once, 10 MiB of stdout and of stderr kept.
  scripts: { maxConcurrency: 5, outputCapBytes: 10 * 1024 * 1024, killGraceMs: 5000 },
});
