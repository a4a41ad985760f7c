export type { NightshiftConfig, NightshiftConfigInput, CheckConfig, SchedulePeriod } from './schema';
export { parseConfig } from './parse';
export { InvalidConfigError, ConfigLoadError } from './errors';
export { catchUpModes, durationMs, type CatchUpMode, type CatchUpSettings } from './catch-up-schema';
