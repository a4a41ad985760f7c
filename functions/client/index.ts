/** The Nightshift HTTP API client: `new NightshiftClient({baseUrl, token})`. No server code, no AWS SDK. */
export { ApiConnectionError, ApiError, NightshiftClient, type ApiClientOptions } from './api-client';
export { DEFAULT_RETRY_POLICY, isRetryable, withRetries, type RetryPolicy } from './retry';
export * from './types';
export { formatTime, formatTimeNamed, instantToWallTime, timeHeading, wallTimeToInstant } from './display-time';
export { describeOutcome, formatBytes, shortId } from './outcome';
