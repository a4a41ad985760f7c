import { UnauthorizedError } from '../errors';
import type { RouteHandler } from '../http';

/**
 * GET /me: the calling token's name and scopes. Front ends (the web console) ask once after
 * sign-in, to tell an unknown token from a known one and to show admin actions only to admins.
 */
export const getMe: RouteHandler = async (request) => {
  const principal = request.principal;
  // The route's scope is `read`, so the principal is always set by now.
  if (!principal) throw new UnauthorizedError();
  return { status: 200, body: { name: principal.name, scopes: [...principal.scopes].sort() } };
};

/**
 * GET /metrics: what the config declares — metrics, ratios, kept dimensions and the zone days
 * are counted in — so clients can offer them without a copy of the config.
 */
export const listMetrics: RouteHandler = async (_request, { deps }) => {
  const { config } = deps;
  return {
    status: 200,
    body: {
      timezone: config.timezone,
      weekStartsOn: config.weekStartsOn,
      metrics: Object.entries(config.metrics)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, spec]) => ({ name, ...(spec.description ? { description: spec.description } : {}), ...(spec.unit ? { unit: spec.unit } : {}) })),
      ratios: Object.entries(config.ratios)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, spec]) => ({ name, numerator: spec.numerator, denominator: spec.denominator, ...(spec.description ? { description: spec.description } : {}) })),
      dimensions: [...config.dimensions],
    },
  };
};
