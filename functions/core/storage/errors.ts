import { NightshiftError } from '../errors';

/** Anything the storage adapters could not do; subclasses say why. The SDK error is the `cause`. */
export class StorageError extends NightshiftError {}

export class StorageUnavailableError extends StorageError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('storage_unavailable', `${what}: storage is unavailable`, options);
  }
}

export class StorageThrottledError extends StorageError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('storage_throttled', `${what}: storage is throttling requests, try again`, options);
  }
}

export class StorageAccessDeniedError extends StorageError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('storage_access_denied', `${what}: access denied`, options);
  }
}

export class StorageMisconfiguredError extends StorageError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('storage_misconfigured', `${what}: the table or bucket does not exist or is misconfigured`, options);
  }
}

export class ArtifactNotFoundError extends StorageError {
  constructor(readonly key: string, options?: { cause?: unknown }) {
    super('artifact_not_found', `no artifact at ${key}`, options);
  }
}

/** A storage failure that fits no narrower class; the SDK error is the `cause`. */
export class StorageFailedError extends StorageError {
  constructor(what: string, options?: { cause?: unknown }) {
    super('storage_failed', `${what} failed`, options);
  }
}
