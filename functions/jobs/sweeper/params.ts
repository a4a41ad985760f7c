import * as z from 'zod';

/** The sweeper takes no parameters. */
export const sweeperParams = z.object({}).strict();
export type SweeperParams = z.infer<typeof sweeperParams>;
