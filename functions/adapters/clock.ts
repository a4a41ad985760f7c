import type { Clock } from '../core/jobs/ports';

export const systemClock: Clock = { now: () => new Date() };
