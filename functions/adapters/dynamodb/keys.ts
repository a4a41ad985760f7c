/** Item ids of the non-run items that share the Jobs table. */
export const periodClaimId = (type: string, period: string): string => `period#${type}#${period}`;
/** A schedule's slot: the run its delivery created (schedules without a period), or its dead letter. */
export const slotMarkId = (schedule: string, scheduledFor: string): string => `slot#${schedule}#${scheduledFor}`;
export const leaseId = (name: string): string => `lease#${name}`;
export const debounceId = (name: string): string => `debounce#${name}`;
export const idempotencyId = (hash: string): string => `idem#${hash}`;
/** The one item recording when this deployment first started (`firstStartedAt`). */
export const FIRST_START_ID = 'meta#first-start';
