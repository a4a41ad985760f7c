import { NightshiftError } from '../../core/errors';
import type { ArtifactBody, ArtifactStore, Invoker, JobInvocation, StoredObject } from '../../core/jobs/ports';
import { StorageAccessDeniedError } from '../../core/storage/errors';
import type { ScheduleDeadLetterQueue } from '../../core/jobs/slots/dead-letters';

/**
 * What a function gets for a service its access declares no call to (and its entry therefore does
 * not wire): every call refused, as IAM would refuse it, so a missing declaration is found by the
 * first call rather than hidden behind a client that happens to be in the bundle.
 */
const notDeclared = (service: string) => new Error(`this function's access declares no ${service} call, so its bundle has no ${service} client`);

export const unwiredArtifacts: ArtifactStore = {
  put: async (key: string, _body: ArtifactBody) => refuseArtifact(key),
  get: async (key: string) => refuseArtifact(key),
  getText: async (key: string) => refuseArtifact(key),
  list: (prefix: string): AsyncIterable<StoredObject> => ({
    [Symbol.asyncIterator]: () => ({ next: async () => refuseArtifact(prefix) }),
  }),
  presignGet: async (key: string) => refuseArtifact(key),
};

function refuseArtifact(key: string): never {
  throw new StorageAccessDeniedError(`artifact ${key}`, { cause: notDeclared('S3') });
}

export const unwiredInvoker: Invoker = {
  invokeAsync: async (invocation: JobInvocation) => {
    throw new NightshiftError('invoke_failed', `could not start a ${invocation.type} run: this function may not invoke jobs`, { cause: notDeclared('Lambda') });
  },
};

export const unwiredScheduleDeadLetters: ScheduleDeadLetterQueue = {
  receive: async () => refuseDeadLetters(),
  acknowledge: async () => refuseDeadLetters(),
};

function refuseDeadLetters(): never {
  throw new StorageAccessDeniedError("the schedules' dead-letter queue", { cause: notDeclared('SQS') });
}
