// Placeholder until the API router lands (replaced in the same series of commits).
export const handler = async (): Promise<void> => {
  throw new Error('api handler not wired yet');
};
