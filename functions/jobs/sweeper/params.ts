import * as z from 'zod/mini';
import '../../core/zod-mini-english';

/** The sweeper takes no parameters. */
export const sweeperParams = z.strictObject({});
export type SweeperParams = z.infer<typeof sweeperParams>;
