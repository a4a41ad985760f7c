export type { FireTimeOptions } from './types';
export { parseScheduleExpression } from './parse';
export { nextFireTimes, fireTimesBetween, intendedSlotsBetween, previousFireTime, typicalIntervalMs } from './fire-times';
export { scheduleWarnings } from './warnings';
