import * as z from 'zod/mini';
import '../../core/zod-mini-english';
import { periodsBetween } from '../../core/time/periods';
import { InvalidPeriodError } from '../../core/time/errors';
import { ArtifactNotFoundError } from '../../core/storage/errors';
import { BadRequestError, NotFoundError } from '../errors';
import type { RouteHandler } from '../http';
import { parseInput } from '../validation';
import { localDaySchema } from '../schemas';

const MAX_LIST_DAYS = 366;

/** A proof's day: `YYYY-MM-DD`, a real calendar day. */
export const proofDate = localDaySchema;

export const listProofsQuery = z.strictObject({ from: proofDate, to: proofDate });

/** GET /proofs?from=&to=: the index entries of the proven days in the range (both included), oldest first. */
export const listProofs: RouteHandler = async (request, { deps, proofs }) => {
  const query = parseInput(listProofsQuery, request.query, 'query');
  try {
    periodsBetween('day', query.from, query.to, { timezone: deps.config.timezone, weekStartsOn: deps.config.weekStartsOn }, MAX_LIST_DAYS);
  } catch (error) {
    if (error instanceof InvalidPeriodError) throw new BadRequestError(`query: ${error.message}`, { cause: error });
    throw error;
  }
  const items = await proofs.list(query.from, query.to);
  return { status: 200, body: { items } };
};

/** GET /proofs/{date}: the proof artifact of that local day, as stored; 404 when the day has none. */
export const getProof: RouteHandler = async (request, { deps, proofs }) => {
  const date = parseInput(proofDate, request.pathParameters['date'] ?? '', 'path.date');
  const entry = await proofs.get(date);
  if (!entry) throw new NotFoundError(`no sampling proof for ${date}`);
  try {
    return { status: 200, body: JSON.parse(await deps.artifacts.getText(entry.key)) as unknown };
  } catch (error) {
    // The bucket's lifecycle may remove a proof before its index entry expires.
    if (error instanceof ArtifactNotFoundError) throw new NotFoundError(`the sampling proof of ${date} is no longer stored`);
    throw error;
  }
};
