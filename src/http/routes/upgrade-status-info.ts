// /api/upgradestatusinfo: parse the request, call the service, present the result.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { UpgradeStatusService, RequestContext } from '../../services/upgrade-status-service.js';
import { parseListParams, parseReadOptions, type QueryParams } from '../../domain/query/list-params.js';
import { objectUrl, presentListJson, presentObjectJson } from '../presenters/upgrade-status-info.js';
import { headerSafeUrl, requestOrigin } from '../origin.js';
import type { RouteTable } from '../plugins/errors.js';
import { principalOf } from '../plugins/auth.js';
import type { TenantService } from '../../services/tenant-service.js';

export interface RouteDeps {
  service: UpgradeStatusService;
  /** Resolves the request's tenant (`X-Avi-Tenant`, `X-Avi-Tenant-UUID`, the user's default). */
  tenants: TenantService;
  routes: RouteTable;
  /** host:port to use in URLs when the request's Host header is unusable. */
  fallbackHost: string;
}

type WithUuid = { Params: { uuid: string }; Querystring: QueryParams };
type WithQuery = { Querystring: QueryParams };

const COLLECTION = '/api/upgradestatusinfo';
const JSON_TYPE = 'application/json; charset=utf-8';
const ITEM = '/api/upgradestatusinfo/:uuid';

/** The request's principal (from the auth hook) and the tenant it acts in. */
function contextOf(request: FastifyRequest, tenants: TenantService): Promise<RequestContext> {
  return tenants.requestContext(principalOf(request), {
    name: header(request, 'x-avi-tenant'),
    uuid: header(request, 'x-avi-tenant-uuid'),
  });
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The `next` link: the path as requested, every original parameter, and the next page. */
export function nextPageUrl(origin: string, rawUrl: string, nextPage: number): string {
  const [path = '', query = ''] = rawUrl.split(/\?(.*)/s, 2);
  const kept = query.split('&').filter((p) => p !== '' && !/^page(=|$)/.test(p));
  kept.push(`page=${nextPage}`);
  return `${origin}${path.replace(/\/{2,}/g, '/')}?${kept.join('&')}`;
}

export function upgradeStatusInfoRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { service } = deps;
  const origin = (request: FastifyRequest) => requestOrigin(request, deps.fallbackHost);
  for (const [method, path] of [
    ['GET', COLLECTION],
    ['POST', COLLECTION],
    ['GET', ITEM],
    ['PUT', ITEM],
    ['PATCH', ITEM],
    ['DELETE', ITEM],
  ] as const) {
    deps.routes.add(path, method);
  }

  app.get<WithQuery>(COLLECTION, async (request, reply) => {
    const params = parseListParams(request.query);
    const result = await service.list(await contextOf(request, deps.tenants), params);
    const o = origin(request);
    const next =
      params.page * params.pageSize < result.count ? nextPageUrl(o, request.url, params.page + 1) : undefined;
    return reply
      .type(JSON_TYPE)
      .send(presentListJson(result.count, result.items, { ...params, origin: o }, next));
  });

  app.post<WithQuery>(COLLECTION, async (request, reply) => {
    const options = { ...parseReadOptions(request.query), includeName: true };
    const stored = await service.create(await contextOf(request, deps.tenants), request.body, {
      slug: header(request, 'slug'),
    });
    const o = origin(request);
    return reply
      .code(201)
      .header('location', headerSafeUrl(objectUrl(o, stored, true)))
      .type(JSON_TYPE)
      .send(presentObjectJson(stored, { ...options, origin: o }));
  });

  app.get<WithUuid>(ITEM, async (request, reply) => {
    const options = parseReadOptions(request.query);
    const stored = await service.get(await contextOf(request, deps.tenants), request.params.uuid);
    return reply.type(JSON_TYPE).send(presentObjectJson(stored, { ...options, origin: origin(request) }));
  });

  app.put<WithUuid>(ITEM, async (request, reply) => {
    const options = { ...parseReadOptions(request.query), includeName: true };
    const stored = await service.replace(
      await contextOf(request, deps.tenants),
      request.params.uuid,
      request.body,
      header(request, 'if-match'),
    );
    return reply.type(JSON_TYPE).send(presentObjectJson(stored, { ...options, origin: origin(request) }));
  });

  app.patch<WithUuid>(ITEM, async (request, reply) => {
    // Presented like a GET, so that `{}` answers exactly what a GET would.
    const options = parseReadOptions(request.query);
    const stored = await service.patch(
      await contextOf(request, deps.tenants),
      request.params.uuid,
      request.body,
      header(request, 'if-match'),
    );
    return reply.type(JSON_TYPE).send(presentObjectJson(stored, { ...options, origin: origin(request) }));
  });

  app.delete<WithUuid>(ITEM, async (request, reply) => {
    await service.remove(await contextOf(request, deps.tenants), request.params.uuid);
    return reply.code(204).send();
  });
}
