import * as z from 'zod';
import type { NightshiftClient } from '../../../functions/client/api-client';
import { describeProof } from '../../commands/proofs';
import { proofOutput } from '../output-schemas';
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
