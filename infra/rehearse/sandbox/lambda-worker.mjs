// One Lambda execution environment: run by the Node 22 binary, one process per sandbox, one
// invocation at a time, as the Node.js runtime does. Plain JS: it runs without tsx, beside the
// bundle it loads (never the TypeScript sources).
//
// Parent → child (IPC): {kind:'invoke', id, event, context}, {kind:'clock', offsetMs}.
// Child → parent: {kind:'ready'}, {kind:'result', id, ok, payload | error}.
import { format } from 'node:util';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// The rehearsal's clock: the same offset from real time in every process, moved by the parent.
const RealDate = Date;
let clockOffsetMs = Number(process.env.REHEARSAL_CLOCK_OFFSET_MS ?? '0');
class RehearsalDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + clockOffsetMs);
    else super(...args);
  }
  static now() {
    return RealDate.now() + clockOffsetMs;
  }
}
globalThis.Date = RehearsalDate;
delete process.env.REHEARSAL_CLOCK_OFFSET_MS;

// Lambda's Node.js runtime (text log format) prefixes console output with time, request id, level.
let currentRequestId = undefined;
for (const [method, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE']]) {
  console[method] = (...args) => {
    const message = format(...args).replace(/\n/g, '\r');
    process.stdout.write(`${new Date().toISOString()}\t${currentRequestId ?? 'undefined'}\t${level}\t${message}\n`);
  };
}

function errorResult(error, errorType) {
  const e = error instanceof Error ? error : new Error(String(error));
  return { errorType: errorType ?? e.name ?? 'Error', errorMessage: e.message, trace: (e.stack ?? '').split('\n') };
}

let pending = undefined;
function finish(result) {
  const current = pending;
  pending = undefined;
  currentRequestId = undefined;
  if (current) process.send({ kind: 'result', id: current.id, ...result });
}

process.on('uncaughtException', (error) => {
  finish({ ok: false, error: errorResult(error, 'Runtime.UncaughtException'), crashed: true });
  setImmediate(() => process.exit(129));
});
process.on('unhandledRejection', (reason) => {
  finish({ ok: false, error: errorResult(reason, 'Runtime.UnhandledPromiseRejection'), crashed: true });
  setImmediate(() => process.exit(128));
});

/** `index.handler` → index.js, index.mjs or index.cjs in the task root, in the runtime's order. */
async function loadHandler() {
  const spec = process.env._HANDLER ?? '';
  const dot = spec.lastIndexOf('.');
  const modulePath = spec.slice(0, dot);
  const name = spec.slice(dot + 1);
  const root = process.env.LAMBDA_TASK_ROOT;
  const file = ['.js', '.mjs', '.cjs'].map((extension) => join(root, modulePath + extension)).find((candidate) => existsSync(candidate));
  if (!file) throw Object.assign(new Error(`Cannot find module '${modulePath}' in ${root}`), { name: 'Runtime.ImportModuleError' });
  const module = await import(pathToFileURL(file).href);
  const handler = name.split('.').reduce((value, key) => value?.[key], module);
  if (typeof handler !== 'function') throw Object.assign(new Error(`${spec} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  return handler;
}

let handlerPromise = undefined;

async function invoke({ id, event, context }) {
  pending = { id };
  currentRequestId = context.awsRequestId;
  let handler;
  try {
    handlerPromise ??= loadHandler();
    handler = await handlerPromise;
  } catch (error) {
    finish({ ok: false, error: errorResult(error, error?.name?.startsWith('Runtime.') ? error.name : 'Runtime.ImportModuleError'), crashed: true });
    setImmediate(() => process.exit(1));
    return;
  }
  const lambdaContext = {
    ...context,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, context.deadlineMs - Date.now()),
    done: () => {},
    succeed: () => {},
    fail: () => {},
  };
  try {
    const payload =
      handler.length >= 3
        ? await new Promise((resolve, reject) => {
            const maybe = handler(event, lambdaContext, (error, value) => (error ? reject(error) : resolve(value)));
            if (maybe && typeof maybe.then === 'function') maybe.then(resolve, reject);
          })
        : await handler(event, lambdaContext);
    finish({ ok: true, payload: payload === undefined ? null : payload });
  } catch (error) {
    finish({ ok: false, error: errorResult(error) });
  }
}

process.on('message', (message) => {
  if (message?.kind === 'clock') clockOffsetMs = message.offsetMs;
  else if (message?.kind === 'invoke') void invoke(message);
});
process.on('disconnect', () => process.exit(0));
process.send({ kind: 'ready', node: process.version });
