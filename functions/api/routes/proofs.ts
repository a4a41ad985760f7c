import { z } from 'zod';
import { periodsBetween } from '../../core/time/periods';
import { InvalidPeriodError } from '../../core/time/errors';
import { ArtifactNotFoundError } from '../../core/storage/errors';
import { runtimeProofIndex } from '../../jobs/sampling-proof/runtime-wiring';
import { BadRequestError, NotFoundError } from '../errors';
import type { RouteHandler } from '../http';
import { parseInput } from '../validation';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_LIST_DAYS = 366;

/** `YYYY-MM-DD` naming a real calendar day (no 2026-02-30). */
const localDay = z
  .string()
  .regex(DAY, 'a local day, YYYY-MM-DD')
  .refine((text) => {
    const match = DAY.exec(text);
    if (!match) return true;
    const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    return new Date(ms).toISOString().slice(0, 10) === text;
  }, 'not a calendar day');

const listQuery = z.object({ from: localDay, to: localDay }).strict();

/** GET /proofs?from=&to=: the index entries of the proven days in the range (both included), oldest first. */
export const listProofs: RouteHandler = async (request, { deps }) => {
  const query = parseInput(listQuery, request.query, 'query');
  try {
    periodsBetween('day', query.from, query.to, { timezone: deps.config.timezone, weekStartsOn: deps.config.weekStartsOn }, MAX_LIST_DAYS);
  } catch (error) {
    if (error instanceof InvalidPeriodError) throw new BadRequestError(`query: ${error.message}`, { cause: error });
    throw error;
  }
  const items = await runtimeProofIndex().list(query.from, query.to);
  return { status: 200, body: { items } };
};

/** GET /proofs/{date}: the proof artifact of that local day, as stored; 404 when the day has none. */
export const getProof: RouteHandler = async (request, { deps }) => {
  const date = parseInput(localDay, request.pathParameters['date'] ?? '', 'path.date');
  const entry = await runtimeProofIndex().get(date);
  if (!entry) throw new NotFoundError(`no sampling proof for ${date}`);
  try {
    return { status: 200, body: JSON.parse(await deps.artifacts.getText(entry.key)) as unknown };
  } catch (error) {
    // The bucket's lifecycle may remove a proof before its index entry expires.
    if (error instanceof ArtifactNotFoundError) throw new NotFoundError(`the sampling proof of ${date} is no longer stored`);
    throw error;
  }
};
