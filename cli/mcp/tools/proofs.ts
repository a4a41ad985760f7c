import * as z from 'zod';
import type { NightshiftClient } from '../../../functions/client/api-client';
import { describeProof, explanationLines } from '../../commands/proofs';
import { explainOutput, proofOutput } from '../output-schemas';
import { defineTool, localDay } from '../tool';

const DAY_MS = 86_400_000;

export const getProof = defineTool({
  name: 'get_proof',
  title: "A day's sampling proof",
  description:
    "The sampling proof of a local day: whether that day's data is plausible (pass, warn or critical), each check (ranges, trends, ratios) with what it observed and expected, and the anomalies. Without a date, the latest proven day of the last year.",
  input: z.strictObject({
    date: localDay('The local day, YYYY-MM-DD; omitted, the latest day that has a proof').optional(),
  }),
  output: proofOutput,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, context) {
    const date = args.date ?? (await latestProvenDay(context.client, context.now()));
    const proof = await context.client.getProof(date);
    return { text: describeProof(proof, await context.timezone()), structured: { ...proof } };
  },
});

export const explainProof = defineTool({
  name: 'explain_proof',
  title: "What explains a day's anomalies",
  description:
    "For each trend or range check of a day's sampling proof that warned or went critical: which kept dimension values and local hours explain the change, with each contributor's own change and its share of the metric's deviation (e.g. \"channel=app: −96% in every store, 11:00–20:00; explains 98% of the drop\"). Without a date, the latest proven day of the last year.",
  input: z.strictObject({
    date: localDay('The local day, YYYY-MM-DD; omitted, the latest day that has a proof').optional(),
  }),
  output: explainOutput,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, context) {
    const date = args.date ?? (await latestProvenDay(context.client, context.now()));
    const proof = await context.client.getProof(date);
    const explained = proof.checks
      .filter((check) => check.status === 'warn' || check.status === 'critical')
      .map((check) => ({ checkId: check.id, status: check.status, message: check.message, contributors: check.attribution?.contributors ?? [] }));
    const lines = explanationLines(proof);
    const text =
      explained.length === 0
        ? `${date}: ${proof.status}; nothing warned or went critical, nothing to explain`
        : [`${date}: ${proof.status}`, ...explained.map((check) => `${check.status} ${check.checkId}: ${check.message}`), ...(lines.length > 0 ? ['explained by', ...lines] : ['no dimension or hour explains it (no hour partials for the day or its baseline)'])].join('\n');
    return { text, structured: { date, status: proof.status, checks: explained } };
  },
});

/**
 * The newest day in the proof index. The business time zone is the API's, not known here, so the
 * range ends on tomorrow in UTC (today in every zone) and spans the 366 days the API allows.
 */
async function latestProvenDay(client: NightshiftClient, now: number): Promise<string> {
  const to = new Date(now + DAY_MS).toISOString().slice(0, 10);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - 365 * DAY_MS).toISOString().slice(0, 10);
  const { items } = await client.listProofs(from, to);
  const latest = items.reduce<string | undefined>((newest, item) => (newest === undefined || item.date > newest ? item.date : newest), undefined);
  if (latest === undefined) throw new Error(`no sampling proof from ${from} to ${to}; run_job {"type":"sampling-proof","period":"<a day>"} makes one`);
  return latest;
}
