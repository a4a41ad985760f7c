import { defineConfig } from './functions/core/config';

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
  rollup: { debounceMs: 5000, lookbackHours: 48, maxCardinalityPerMetricDay: 1000 },
});
