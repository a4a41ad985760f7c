import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { buildConsole } from '../../console/build';
import type { LambdaBundleRequest } from './bundle-sync';
import { lambdaBundleOptions } from './lambda-bundle';

/** The child process of `bundleLambdaSync`: one function's bundle (and the console where asked), then exit. */
const request = JSON.parse(readFileSync(0, 'utf8')) as LambdaBundleRequest;
await build(lambdaBundleOptions(request.entry, request.outfile, request.define));
if (request.consoleDir) await buildConsole(request.consoleDir);
