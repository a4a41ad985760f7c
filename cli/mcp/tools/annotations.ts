import { z } from 'zod';
import { ANNOTATION_KINDS } from '../../../functions/client/types';
import { describeAnnotation, describeCalendar } from '../../commands/annotations';
import { annotationOutput, annotationsOutput } from '../output-schemas';
import { defineTool, localDay } from '../tool';

export const annotateDays = defineTool({
  name: 'annotate_days',
  title: 'Annotate local days',
  description: [
    'Record why days are unusual (POST /annotations; needs an admin token; recorded under the token\'s name): incident (a known problem), holiday, promotion (a sale),',
    'or new_normal (a lasting change from that day on: earlier days leave later baselines, so it stops paging once acknowledged).',
    'Sampling proofs made afterwards leave annotated days out of trend baselines; on a holiday or promotion day a trend deviation is at most a warn; an alert on an annotated day says so.',
  ].join(' '),
  input: z.strictObject({
    kind: z.enum(ANNOTATION_KINDS).describe('incident, holiday, promotion or new_normal'),
    from: localDay('First local day, YYYY-MM-DD'),
    to: localDay('Last local day, YYYY-MM-DD (included); default from').optional(),
    metrics: z.array(z.string().min(1)).max(20).optional().describe('Metrics or ratios it concerns; default every metric'),
    note: z.string().min(1).max(500).describe('Why: what happened'),
  }),
  output: annotationOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(args, context) {
    const annotation = await context.client.annotate(args);
    return { text: describeAnnotation(annotation), structured: { ...annotation } };
  },
});

export const listAnnotations = defineTool({
  name: 'list_annotations',
  title: 'Annotations and holidays of local days',
  description: "The annotations overlapping local days from..to (who recorded them and why) and the configured region's holidays on those days (GET /annotations).",
  input: z.strictObject({ from: localDay('First local day, YYYY-MM-DD'), to: localDay('Last local day, YYYY-MM-DD (included)') }),
  output: annotationsOutput,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, context) {
    const page = await context.client.listAnnotations(args.from, args.to);
    return { text: describeCalendar(page, args.from, args.to), structured: { ...page } };
  },
});
