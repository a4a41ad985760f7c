import type { Metafile } from 'esbuild';

/**
 * Where a bundle's bytes come from, from esbuild's metafile: each input's bytes in the output,
 * summed by what a reader would act on — the AWS SDK (every @aws-sdk, @smithy and @aws package,
 * and the few packages only the SDK pulls in), zod, luxon, Powertools, Nightshift's own code, the
 * rest.
 */
export const BREAKDOWN_GROUPS = ['AWS SDK', 'zod', 'luxon', 'Powertools', 'Nightshift', 'other'] as const;
export type BreakdownGroup = (typeof BREAKDOWN_GROUPS)[number];

/** Packages only the SDK brings: DynamoDB's endpoint-discovery cache and the XML parser. */
const SDK_DEPENDENCIES = new Set(['mnemonist', 'obliterator', 'fast-xml-parser', 'strnum', 'tslib', 'bowser']);

export function packageOf(input: string): string | undefined {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return undefined;
  const [scopeOrName, name] = input.slice(at + 'node_modules/'.length).split('/');
  return scopeOrName!.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName;
}

function groupOf(input: string): BreakdownGroup {
  const name = packageOf(input);
  if (name === undefined) return input.startsWith('functions/') || input.startsWith('layers/') ? 'Nightshift' : 'other';
  if (/^@(aws-sdk|smithy|aws-crypto|aws)\//.test(name) || SDK_DEPENDENCIES.has(name)) return 'AWS SDK';
  if (name === 'zod' || name === 'luxon') return name;
  if (name.startsWith('@aws-lambda-powertools/')) return 'Powertools';
  return 'other';
}

export interface Breakdown {
  /** Bytes in the output per group. */
  groups: Record<BreakdownGroup, number>;
  /** The largest packages (Nightshift's code as one), bytes in the output, largest first. */
  largest: { name: string; bytes: number }[];
}

export function breakdownOf(metafile: Metafile, outfileSuffix = 'index.mjs', top = 8): Breakdown {
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith(outfileSuffix))?.[1];
  if (!output) throw new Error(`the metafile has no output ending in ${outfileSuffix}`);
  const groups = Object.fromEntries(BREAKDOWN_GROUPS.map((group) => [group, 0])) as Record<BreakdownGroup, number>;
  const packages = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    groups[groupOf(input)] += bytesInOutput;
    const name = packageOf(input) ?? (groupOf(input) === 'Nightshift' ? 'Nightshift' : 'other');
    packages.set(name, (packages.get(name) ?? 0) + bytesInOutput);
  }
  const largest = [...packages].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, bytes]) => ({ name, bytes }));
  return { groups, largest };
}
