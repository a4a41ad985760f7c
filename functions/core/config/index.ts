export { configSchema, defineConfig, metricNameSchema, dimensionNameSchema, timezoneSchema } from './schema';
export type { NightshiftConfig, NightshiftConfigInput, ScheduleConfig, CheckConfig, SchedulePeriod } from './schema';
export { parseConfig } from './parse';
export { InvalidConfigError, ConfigLoadError, type ConfigProblem } from './errors';
