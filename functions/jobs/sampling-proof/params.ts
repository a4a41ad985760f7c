import * as z from 'zod/mini';
import '../../core/zod-mini-english';

/** A proof takes no parameters: the day is the run's period, the checks come from config. */
export const samplingProofParams = z.strictObject({});

export type SamplingProofParams = z.infer<typeof samplingProofParams>;
