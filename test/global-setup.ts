import type { TestProject } from 'vitest/node';
import { startEmulators } from '../infra/local/emulators';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    s3Endpoint: string;
  }
}

/**
 * One DynamoDB Local and one s3rver for the whole run, in memory, on free ports. Test files
 * isolate themselves with uniquely named tables and buckets (`test/helpers/storage.ts`), which is
 * far cheaper than an emulator per file. Set NIGHTSHIFT_EMULATOR_LOGS=1 to see their output.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const verbose = process.env.NIGHTSHIFT_EMULATOR_LOGS === '1';
  const startedAt = Date.now();
  const emulators = await startEmulators(verbose ? { onLog: (line) => console.error(line) } : {});
  if (verbose) console.error(`emulators ready in ${Date.now() - startedAt} ms`);
  project.provide('dynamodbEndpoint', emulators.dynamodbEndpoint);
  project.provide('s3Endpoint', emulators.s3Endpoint);
  return async () => {
    await emulators.stop();
  };
}
