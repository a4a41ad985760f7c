import { NightshiftError } from '../../core/errors';
import type { InvokeOptions, Invoker, JobInvocation } from '../../core/jobs/ports';

/** The in-process invoker was chosen but no local cloud is there to run the invocation. */
class NoLocalCloudError extends NightshiftError {
  constructor() {
    super('invoke_failed', 'NIGHTSHIFT_INVOKER=in-process but no local cloud registered an invoker');
  }
}

/**
 * The local cloud's invoker lives in the local cloud process (infra/local); job code reaches it
 * through this registry, so functions never import the local cloud.
 */
let registered: Invoker | undefined;

export function registerInProcessInvoker(invoker: Invoker | undefined): void {
  registered = invoker;
}

export const inProcessInvoker: Invoker = {
  invokeAsync(invocation: JobInvocation, options?: InvokeOptions): Promise<void> {
    if (!registered) {
      return Promise.reject(new NoLocalCloudError());
    }
    return registered.invokeAsync(invocation, options);
  },
};
