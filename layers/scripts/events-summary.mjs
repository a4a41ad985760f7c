#!/usr/bin/env node
// Summarises one raw Nightshift event object (gzip or plain NDJSON, one event per line).
// Reads the local path the runner downloaded the object to; writes into NIGHTSHIFT_OUTPUT_DIR.
import { createReadStream } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';

const { values } = parseArgs({
  options: { input: { type: 'string' }, metric: { type: 'string' }, top: { type: 'string', default: '5' } },
  strict: true,
});
const outputDir = process.env.NIGHTSHIFT_OUTPUT_DIR;
if (!values.input || !outputDir) {
  console.error('usage: events-summary --input FILE [--metric NAME] [--top N] (NIGHTSHIFT_OUTPUT_DIR must be set)');
  process.exit(2);
}
const top = Number(values.top);

async function isGzip(path) {
  const handle = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

const source = createReadStream(values.input);
const stream = (await isGzip(values.input)) ? source.pipe(createGunzip()) : source;
const metrics = new Map();
const groups = new Map();
let lines = 0;
let invalid = 0;
const invalidSamples = [];

const groupKey = (dims) =>
  Object.keys(dims)
    .sort()
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(dims[k])}`)
    .join('&');

for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
  if (line.trim() === '') continue;
  lines += 1;
  let event;
  try {
    event = JSON.parse(line);
  } catch {
    event = undefined;
  }
  const value = event?.value ?? 1;
  if (typeof event?.metric !== 'string' || typeof event?.ts !== 'string' || typeof value !== 'number' || !Number.isFinite(Date.parse(event.ts))) {
    invalid += 1;
    if (invalidSamples.length < 5) invalidSamples.push({ line: lines, text: line.slice(0, 200) });
    continue;
  }
  if (values.metric && event.metric !== values.metric) continue;
  const dims = event.dims && typeof event.dims === 'object' ? event.dims : {};
  const day = new Date(Date.parse(event.ts)).toISOString().slice(0, 10);
  const m = metrics.get(event.metric) ?? { count: 0, sum: 0, min: Infinity, max: -Infinity, first: event.ts, last: event.ts };
  m.count += 1;
  m.sum += value;
  m.min = Math.min(m.min, value);
  m.max = Math.max(m.max, value);
  if (event.ts < m.first) m.first = event.ts;
  if (event.ts > m.last) m.last = event.ts;
  metrics.set(event.metric, m);
  const key = `${day}\u0000${event.metric}\u0000${groupKey(dims)}`;
  const g = groups.get(key) ?? { day, metric: event.metric, dims: groupKey(dims), count: 0, sum: 0, min: Infinity, max: -Infinity };
  g.count += 1;
  g.sum += value;
  g.min = Math.min(g.min, value);
  g.max = Math.max(g.max, value);
  groups.set(key, g);
}

const round = (x) => Math.round(x * 1e6) / 1e6;
const summary = {
  input: values.input.split('/').pop(),
  lines,
  invalid,
  invalidSamples,
  metrics: Object.fromEntries(
    [...metrics.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, m]) => {
      const mine = [...groups.values()].filter((g) => g.metric === name);
      const byGroup = new Map();
      for (const g of mine) byGroup.set(g.dims, (byGroup.get(g.dims) ?? 0) + g.sum);
      const topGroups = [...byGroup.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, top)
        .map(([dims, sum]) => ({ dims: dims || '-', sum: round(sum), share: m.sum === 0 ? 0 : round(sum / m.sum) }));
      return [name, { count: m.count, sum: round(m.sum), min: m.min, max: m.max, mean: round(m.sum / m.count), first: m.first, last: m.last, groups: byGroup.size, topGroups }];
    }),
  ),
};

const csvField = (text) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
const rows = [...groups.values()].sort((a, b) => a.day.localeCompare(b.day) || a.metric.localeCompare(b.metric) || a.dims.localeCompare(b.dims));
const csv = ['day,metric,dims,count,sum,min,max', ...rows.map((g) => [g.day, g.metric, csvField(g.dims || '-'), g.count, round(g.sum), g.min, g.max].join(','))].join('\n') + '\n';

await writeFile(join(outputDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
await writeFile(join(outputDir, 'groups.csv'), csv);
console.log(`events-summary: ${lines} lines, ${invalid} invalid, ${metrics.size} metrics, ${rows.length} day/metric/group rows`);
for (const [name, m] of Object.entries(summary.metrics)) console.log(`  ${name}: count=${m.count} sum=${m.sum} groups=${m.groups}`);
if (invalid > 0) console.error(`events-summary: ${invalid} line(s) were not valid events (first at line ${invalidSamples[0].line})`);
