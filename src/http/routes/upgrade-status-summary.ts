// /api/upgradestatussummary: the read-only summary of each UpgradeStatusInfo record (what
// `show upgrade status` prints). The same service calls, tenant rules, API versions and query
// language as /api/upgradestatusinfo; the presenter leaves out every member the summary lacks
// and names the summary's own URL. Only GET (and HEAD); other methods get the router's 405.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SUMMARY_FIELDS, SUMMARY_PATH, UpgradeStatusSummary } from '../../domain/schema/index.js';
import {
  parseListParams,
  parseReadOptions,
  type QueryParams,
  type ReadOptions,
} from '../../domain/query/list-params.js';
import { ApiError, errors } from '../../errors/catalogue.js';
import type { RequestContext } from '../../services/upgrade-status-service.js';
import {
  presentListJson,
  presentObjectJson,
  type PresentOptions,
} from '../presenters/upgrade-status-info.js';
import { requestOrigin } from '../origin.js';
import { contextOf, nextPageUrl, type RouteDeps } from './upgrade-status-info.js';

type WithUuid = { Params: { uuid: string }; Querystring: QueryParams };
type WithQuery = { Querystring: QueryParams };

export const SUMMARY_COLLECTION = `/api/${SUMMARY_PATH}`;
const ITEM = `${SUMMARY_COLLECTION}/:uuid`;
const JSON_TYPE = 'application/json; charset=utf-8';

/** The summary's members only (or those of `fields`, which names summary members only). */
function presentOptions(query: ReadOptions, origin: string, ctx: RequestContext): PresentOptions {
  return {
    includeName: query.includeName,
    skipDefault: query.skipDefault,
    fields: query.fields ?? (SUMMARY_FIELDS as string[]),
    origin,
    version: ctx.version,
    path: SUMMARY_PATH,
  };
}

export function upgradeStatusSummaryRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { service } = deps;
  const origin = (request: FastifyRequest) => requestOrigin(request, deps.fallbackHost);
  deps.routes.add(SUMMARY_COLLECTION, 'GET');
  deps.routes.add(ITEM, 'GET');

  app.get<WithQuery>(SUMMARY_COLLECTION, async (request, reply) => {
    const params = parseListParams(request.query, UpgradeStatusSummary);
    const ctx = await contextOf(request, reply, deps);
    const result = await service.list(ctx, params);
    const o = origin(request);
    const next =
      params.page * params.pageSize < result.count ? nextPageUrl(o, request.url, params.page + 1) : undefined;
    return reply
      .type(JSON_TYPE)
      .send(presentListJson(result.count, result.items, presentOptions(params, o, ctx), next));
  });

  app.get<WithUuid>(ITEM, async (request, reply) => {
    const query = parseReadOptions(request.query, UpgradeStatusSummary);
    const ctx = await contextOf(request, reply, deps);
    const stored = await service.get(ctx, request.params.uuid).catch((e: unknown) => {
      throw e instanceof ApiError && e.status === 404 ? errors.objectNotFound('UpgradeStatusSummary') : e;
    });
    return reply.type(JSON_TYPE).send(presentObjectJson(stored, presentOptions(query, origin(request), ctx)));
  });
}
