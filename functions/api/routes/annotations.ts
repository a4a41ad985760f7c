import * as z from 'zod/mini';
import '../../core/zod-mini-english';
import { annotationKinds } from '../../core/calendar/types';
import { recordAnnotation } from '../../core/calendar/record-annotation';
import { BadRequestError } from '../errors';
import { jsonBody, type RouteHandler } from '../http';
import { parseInput } from '../validation';
import { localDaySchema } from '../schemas';

/** At most a year per annotation: a longer lasting change is a `new_normal`. */
const MAX_ANNOTATION_DAYS = 366;

export const annotationBody = z.strictObject({
  kind: z.enum(annotationKinds).check(z.describe('incident, holiday, promotion, or new_normal (a lasting change: days before it leave later baselines)')),
  from: localDaySchema.check(z.describe('first local day')),
  to: z.optional(localDaySchema).check(z.describe('last local day, included; default `from` (ignored for new_normal)')),
  metrics: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(63))).check(z.maxLength(20))).check(z.describe('metrics or ratios it concerns; default every metric')),
  note: z.string().check(z.trim(), z.minLength(1), z.maxLength(500), z.describe('why: what happened')),
});

export const listAnnotationsQuery = z.strictObject({ from: localDaySchema, to: localDaySchema });

/** POST /annotations: records who annotated which days and why; proofs made after it read it. */
export const postAnnotation: RouteHandler = async (request, { deps, annotations }) => {
  const body = parseInput(annotationBody, jsonBody(request), 'body');
  const to = body.to ?? body.from;
  if (to < body.from) throw new BadRequestError(`body.to: ${to} is before from (${body.from})`);
  if (body.kind !== 'new_normal' && daysBetween(body.from, to) >= MAX_ANNOTATION_DAYS) {
    throw new BadRequestError(`body.to: at most ${MAX_ANNOTATION_DAYS} days per annotation (a lasting change is a new_normal)`);
  }
  const known = new Set([...Object.keys(deps.config.metrics), ...Object.keys(deps.config.ratios)]);
  const unknown = (body.metrics ?? []).filter((metric) => !known.has(metric));
  if (unknown.length > 0) throw new BadRequestError(`body.metrics: unknown metric ${unknown.map((name) => `"${name}"`).join(', ')} (declared: ${[...known].sort().join(', ')})`);
  const createdBy = request.principal?.name ?? 'api';
  const annotation = await recordAnnotation(annotations, deps.clock, { ...body, to }, createdBy);
  deps.logger.info('annotation recorded', { audit: true, principal: createdBy, annotation: annotation.id, kind: annotation.kind, from: annotation.from, to: annotation.to });
  return { status: 201, body: annotation };
};

/**
 * GET /annotations?from=&to=: annotations overlapping the days, with the holidays the days' proofs
 * took into account. The API carries no holiday table (only the sampling proof does:
 * functions/core/calendar/holidays.ts), so a day not proven yet lists no holiday.
 */
export const listAnnotations: RouteHandler = async (request, { annotations, proofs }) => {
  const query = parseInput(listAnnotationsQuery, request.query, 'query');
  if (query.to < query.from) throw new BadRequestError(`query.to: ${query.to} is before from (${query.from})`);
  if (daysBetween(query.from, query.to) >= MAX_ANNOTATION_DAYS) throw new BadRequestError(`query: at most ${MAX_ANNOTATION_DAYS} days`);
  const [items, proven] = await Promise.all([annotations.list(query.from, query.to), proofs.list(query.from, query.to)]);
  const holidays = proven.flatMap((entry) => (entry.calendar ?? []).flatMap((mark) => (mark.source === 'holiday' ? [{ day: entry.date, name: mark.name, region: mark.region }] : [])));
  return { status: 200, body: { items, holidays } };
};

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
