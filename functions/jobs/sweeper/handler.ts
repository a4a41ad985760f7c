// Placeholder until the job wrapper lands (replaced in the same series of commits).
export const handler = async (): Promise<void> => {
  throw new Error('sweeper handler not wired yet');
};
