import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What `bundle-worker.ts` reads on its standard input. */
export interface LambdaBundleRequest {
  /** Absolute path of the handler module. */
  entry: string;
  /** Absolute path of the `index.mjs` to write (its source map beside it). */
  outfile: string;
  define: Record<string, string>;
  /** Also build the web console into `console/` beside the bundle (the API function serves it). */
  consoleDir?: string;
}

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const worker = fileURLToPath(new URL('./bundle-worker.ts', import.meta.url));

/**
 * Bundles a function with `lambdaBundleOptions` while the CDK synthesizes, which is synchronous:
 * esbuild runs plugins only in its asynchronous API, so the build runs in a child Node process
 * (as NodejsFunction runs the esbuild binary in one) and this waits for it. A failed build throws
 * with esbuild's messages.
 */
export function bundleLambdaSync(request: LambdaBundleRequest): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', worker], {
    cwd: projectRoot,
    input: JSON.stringify(request),
    encoding: 'utf8',
    stdio: ['pipe', 'inherit', 'pipe'],
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.error) throw new Error(`could not start the bundler for ${request.entry}`, { cause: result.error });
  if (result.status !== 0) throw new Error(`bundling ${request.entry} failed (exit ${result.status ?? result.signal}):\n${result.stderr}`);
  if (result.stderr.trim() !== '') process.stderr.write(result.stderr);
}
