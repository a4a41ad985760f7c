import * as z from 'zod';

/** A proof takes no parameters: the day is the run's period, the checks come from config. */
export const samplingProofParams = z.object({}).strict();

export type SamplingProofParams = z.infer<typeof samplingProofParams>;
