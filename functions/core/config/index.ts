export type { NightshiftConfig, NightshiftConfigInput, CheckConfig, SchedulePeriod } from './schema';
export { parseConfig } from './parse';
export { InvalidConfigError, ConfigLoadError } from './errors';
