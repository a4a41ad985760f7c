import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { NightshiftClient } from '../../functions/client/api-client';
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from '../../functions/client/retry';
import { EXIT, integerOption, stringOption, type Command } from '../command';
import { json, line, progressBar, type CliIo } from '../output';

/** The API takes at most 10,000 events and 10 MiB per request; stay well under both. */
export const DEFAULT_BATCH_LINES = 5_000;
export const DEFAULT_BATCH_BYTES = 1024 * 1024;
/** Rejections kept with their reasons; past this only the count grows, so memory stays bounded. */
const MAX_REJECTION_DETAILS = 10_000;
const NEWLINE = 0x0a;

export interface SendOptions {
  batchLines: number;
  batchBytes: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** How long a batch is sent again (same Idempotency-Key) after an answer that may mend itself. */
  retry: RetryPolicy;
  /** Names this run's batches: batch n is sent with Idempotency-Key `<runKey>-<n>`. Default: a new UUID. */
  runKey?: string;
  /** Told of each retry (a line on stderr in the CLI). */
  onRetry?: (message: string) => void;
  /** Called after each answered request and as the file is read. */
  onProgress?: (progress: { bytesRead: number; linesRead: number; accepted: number; rejected: number }) => void;
}

export interface SendReport {
  /** Lines read, blank ones included. */
  lines: number;
  /** Non-blank lines sent. */
  events: number;
  accepted: number;
  rejectedCount: number;
  /** Rejections by the FILE's line number (1-based), oldest first, at most 10,000. */
  rejected: Array<{ line: number; error: string }>;
  requests: number;
  /** Requests sent again, with the same Idempotency-Key, after an answer that said to retry or no answer. */
  retries: number;
  objects: number;
  /**
   * Set when a batch still failed after its retries: the run stopped there, and the lines from
   * `firstUnsentLine` on were not all stored. Sending the file again with the same `runKey` (and
   * the same batch options) stores only what is missing.
   */
  failure?: { message: string; firstUnsentLine: number };
  /** The batches' Idempotency-Keys are `<runKey>-0`, `<runKey>-1`, … */
  runKey: string;
}

interface Batch {
  /** 0, 1, …: its Idempotency-Key is the run's key and this number. */
  index: number;
  body: string;
  /** File line number of each event in the batch, in order: the API's `index` maps through it. */
  lineNumbers: number[];
}

/**
 * Streams an NDJSON file to `POST /events` in batches: the file is read as a stream and split on
 * newlines as bytes, at most `concurrency` batches are in flight and reading waits for them, so
 * memory stays bounded whatever the file's size. Blank lines are not sent; each event's file line
 * number is kept so rejections point into the file. Each batch carries its own Idempotency-Key, so
 * one that got no answer, a 5xx (outcome unknown) or a 409 (still at work) is sent again until
 * `retry.forMs` has passed, and is stored once however often it was sent.
 */
export async function sendNdjsonFile(client: NightshiftClient, path: string, options: SendOptions): Promise<SendReport> {
  const runKey = options.runKey ?? randomUUID();
  const report: SendReport = { lines: 0, events: 0, accepted: 0, rejectedCount: 0, rejected: [], requests: 0, retries: 0, objects: 0, runKey };
  let batches = 0;
  let bytesRead = 0;
  let parts: string[] = [];
  let lineNumbers: number[] = [];
  let batchBytes = 0;
  let pending: Buffer[] = [];
  const inFlight = new Set<Promise<void>>();
  const progress = () => options.onProgress?.({ bytesRead, linesRead: report.lines, accepted: report.accepted, rejected: report.rejectedCount });

  const send = async (batch: Batch): Promise<void> => {
    try {
      const result = await withRetries(() => client.sendNdjson(batch.body, { idempotencyKey: `${runKey}-${batch.index}` }), options.retry, (error, attempt, delayMs) => {
        report.retries += 1;
        options.onRetry?.(`lines ${batch.lineNumbers[0]}-${batch.lineNumbers.at(-1)}: ${(error as Error).message}; sending again in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt + 1}, same Idempotency-Key)`);
      });
      report.requests += 1;
      report.accepted += result.accepted;
      report.objects += result.objects.length;
      for (const rejection of result.rejected) {
        report.rejectedCount += 1;
        if (report.rejected.length < MAX_REJECTION_DETAILS) {
          report.rejected.push({ line: batch.lineNumbers[rejection.index] ?? -1, error: rejection.error.replace(/^line \d+ is not valid JSON/, 'not valid JSON') });
        }
      }
      progress();
    } catch (error) {
      const first = batch.lineNumbers[0] ?? 0;
      if (!report.failure || first < report.failure.firstUnsentLine) report.failure = { message: (error as Error).message, firstUnsentLine: first };
    }
  };

  const flush = async (): Promise<void> => {
    if (lineNumbers.length === 0) return;
    const batch: Batch = { index: batches, body: parts.join('\n'), lineNumbers };
    batches += 1;
    parts = [];
    lineNumbers = [];
    batchBytes = 0;
    const request = send(batch).finally(() => inFlight.delete(request));
    inFlight.add(request);
    if (inFlight.size >= options.concurrency) await Promise.race(inFlight);
  };

  const addLine = async (bytes: Buffer): Promise<void> => {
    report.lines += 1;
    let text = bytes.toString('utf8');
    if (report.lines === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') return;
    const size = bytes.length + 1;
    if (lineNumbers.length > 0 && (lineNumbers.length >= options.batchLines || batchBytes + size > options.batchBytes)) await flush();
    parts.push(text);
    lineNumbers.push(report.lines);
    batchBytes += size;
    report.events += 1;
  };

  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    let start = 0;
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, start)) {
      pending.push(chunk.subarray(start, at));
      await addLine(pending.length === 1 ? pending[0]! : Buffer.concat(pending));
      pending = [];
      start = at + 1;
      if (report.failure) break;
    }
    if (report.failure) break;
    if (start < chunk.length) pending.push(chunk.subarray(start));
    progress();
  }
  if (!report.failure && pending.length > 0) await addLine(Buffer.concat(pending));
  if (!report.failure) await flush();
  await Promise.all(inFlight);
  report.rejected.sort((a, b) => a.line - b.line);
  return report;
}

const SHOWN_REJECTIONS = 20;

function drawProgress(io: CliIo, totalBytes: number) {
  let lastDraw = 0;
  return {
    update(progress: { bytesRead: number; linesRead: number; accepted: number; rejected: number }) {
      const now = Date.now();
      if (now - lastDraw < 100) return;
      lastDraw = now;
      const label = `${progress.linesRead.toLocaleString('en-US')} lines  accepted ${progress.accepted.toLocaleString('en-US')}  rejected ${progress.rejected.toLocaleString('en-US')}`;
      io.stderr(`\r${progressBar(totalBytes === 0 ? 1 : progress.bytesRead / totalBytes, label)}\x1b[K`);
    },
    clear() {
      if (lastDraw > 0) io.stderr('\r\x1b[K');
    },
  };
}

const send: Command = {
  path: ['events', 'send'],
  synopsis: 'FILE.ndjson [--batch-lines N] [--batch-bytes B] [--concurrency C]',
  summary: 'Ingest an NDJSON file of events in batches; rejected lines by their line number',
  details: [
    'Streams the file (any size, bounded memory) to POST /events in batches of at most',
    `${DEFAULT_BATCH_LINES} lines or ${DEFAULT_BATCH_BYTES} bytes; blank lines are skipped. A progress bar is drawn on`,
    'stderr when it is a terminal. Each batch is sent with its own Idempotency-Key: a batch',
    'that gets no answer, a 5xx or a 409 is sent again with the same key for up to --retry-for',
    'seconds, and is stored once however often it was sent. Exit 0 when every event was',
    'accepted, 1 when some were rejected or a batch still failed (the run stops there and says',
    'from which line to resend).',
  ].join('\n'),
  options: {
    'batch-lines': { type: 'string', description: `events per request, 1-10000 (default ${DEFAULT_BATCH_LINES})`, valueName: 'N' },
    'batch-bytes': { type: 'string', description: `bytes per request, at most 8 MiB (default ${DEFAULT_BATCH_BYTES})`, valueName: 'B' },
    concurrency: { type: 'string', description: 'requests in flight, 1-8 (default 2)', valueName: 'C' },
    'retry-for': { type: 'string', description: `seconds to keep resending a batch that may go through, 0-3600 (default ${DEFAULT_RETRY_POLICY.forMs / 1000})`, valueName: 'S' },
    key: { type: 'string', description: 'the run key a stopped send printed: send the same file again, storing only what is missing', valueName: 'KEY' },
  },
  positionals: [1, 1],
  examples: ['nightshift events send events.ndjson', 'nightshift events send big.ndjson --json | jq .rejected'],
  async run(context) {
    const path = context.positionals[0]!;
    const options: SendOptions = {
      batchLines: integerOption(context, 'batch-lines', 1, 10_000) ?? DEFAULT_BATCH_LINES,
      batchBytes: integerOption(context, 'batch-bytes', 1024, 8 * 1024 * 1024) ?? DEFAULT_BATCH_BYTES,
      concurrency: integerOption(context, 'concurrency', 1, 8) ?? 2,
      retry: { ...DEFAULT_RETRY_POLICY, forMs: (integerOption(context, 'retry-for', 0, 3600) ?? DEFAULT_RETRY_POLICY.forMs / 1000) * 1000 },
      onRetry: (message) => context.io.stderr(`\r\x1b[Kretrying ${message}\n`),
      ...runKeyOption(context),
    };
    let size: number;
    try {
      const info = await stat(path);
      if (!info.isFile()) context.usage(`${path} is not a file`);
      size = info.size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') context.usage(`no such file: ${path}`);
      throw error;
    }
    const started = Date.now();
    const bar = context.io.stderrIsTty && !context.json ? drawProgress(context.io, size) : undefined;
    const report = await sendNdjsonFile(context.client, path, { ...options, ...(bar ? { onProgress: (progress) => bar.update(progress) } : {}) });
    bar?.clear();
    const seconds = (Date.now() - started) / 1000;
    if (context.json) json(context.io, { file: path, ...report, seconds });
    else {
      const retried = report.retries > 0 ? ` (${report.retries} sent again)` : '';
      line(context.io, `${path}: ${report.events.toLocaleString('en-US')} events in ${report.requests} request(s)${retried}, ${seconds.toFixed(1)} s`);
      line(context.io, `accepted ${report.accepted.toLocaleString('en-US')}, rejected ${report.rejectedCount.toLocaleString('en-US')}`);
      for (const rejection of report.rejected.slice(0, SHOWN_REJECTIONS)) line(context.io, `  line ${rejection.line}: ${rejection.error}`);
      if (report.rejectedCount > SHOWN_REJECTIONS) line(context.io, `  … and ${report.rejectedCount - SHOWN_REJECTIONS} more (--json lists up to ${MAX_REJECTION_DETAILS})`);
    }
    if (report.failure) {
      context.io.stderr(
        `error: ${report.failure.message}\nstopped: lines from ${report.failure.firstUnsentLine} on may not all be stored. To finish, run the same command again with --key ${report.runKey}: batches already stored are not stored twice (for 24 hours).\n`,
      );
      return EXIT.failed;
    }
    return report.rejectedCount > 0 ? EXIT.failed : EXIT.ok;
  },
};

/** `--key`: a run key as `events send` prints it (printable ASCII, short enough for `<key>-<batch>`). */
function runKeyOption(context: Parameters<Command['run']>[0]): { runKey?: string } {
  const key = stringOption(context, 'key');
  if (key === undefined) return {};
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) context.usage('--key must be 1-200 printable ASCII characters (the key a stopped send printed)');
  return { runKey: key };
}

export const eventsCommands: readonly Command[] = [send];
