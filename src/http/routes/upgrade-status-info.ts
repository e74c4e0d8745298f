// /api/upgradestatusinfo: parse the request, call the service, present the result.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UpgradeStatusService, RequestContext } from '../../services/upgrade-status-service.js';
import {
  parseListParams,
  parseReadOptions,
  type QueryParams,
  type ReadOptions,
} from '../../domain/query/list-params.js';
import {
  objectUrl,
  presentListJson,
  presentObjectJson,
  type PresentOptions,
} from '../presenters/upgrade-status-info.js';
import { headerSafeUrl, requestOrigin } from '../origin.js';
import type { RouteTable } from '../plugins/errors.js';
import { principalOf } from '../plugins/auth.js';
import type { TenantService } from '../../services/tenant-service.js';
import type { ApiVersions } from '../api-version.js';

export interface RouteDeps {
  service: UpgradeStatusService;
  /** Resolves the request's tenant (`X-Avi-Tenant`, `X-Avi-Tenant-UUID`, the user's default). */
  tenants: TenantService;
  routes: RouteTable;
  /** host:port to use in URLs when the request's Host header is unusable. */
  fallbackHost: string;
  /** Parses `X-Avi-Version` and echoes it in `AVI_API_VERSION`. */
  versions: ApiVersions;
}

type WithUuid = { Params: { uuid: string }; Querystring: QueryParams };
type WithQuery = { Querystring: QueryParams };

const COLLECTION = '/api/upgradestatusinfo';
const JSON_TYPE = 'application/json; charset=utf-8';
const ITEM = '/api/upgradestatusinfo/:uuid';

/**
 * The request's principal (from the auth hook), the tenant it acts in and its API version (which
 * the reply echoes). The version is read first: a bad `X-Avi-Version` is a 400 before anything else.
 */
export async function contextOf(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: RouteDeps,
): Promise<RequestContext> {
  const version = deps.versions.of(request, reply);
  const ctx = await deps.tenants.requestContext(principalOf(request), {
    name: header(request, 'x-avi-tenant'),
    uuid: header(request, 'x-avi-tenant-uuid'),
  });
  ctx.version = version;
  return ctx;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * How to present objects to this request (built member by member: object spread costs more than
 * the rest of a cached read). POST and PUT responses always carry `#name`.
 */
function presentOptions(
  query: ReadOptions,
  origin: string,
  ctx: RequestContext,
  includeName = query.includeName,
): PresentOptions {
  return {
    includeName,
    skipDefault: query.skipDefault,
    fields: query.fields,
    origin,
    version: ctx.version,
  };
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
    const ctx = await contextOf(request, reply, deps);
    const result = await service.list(ctx, params);
    const o = origin(request);
    const next =
      params.page * params.pageSize < result.count ? nextPageUrl(o, request.url, params.page + 1) : undefined;
    return reply
      .type(JSON_TYPE)
      .send(presentListJson(result.count, result.items, presentOptions(params, o, ctx), next));
  });

  app.post<WithQuery>(COLLECTION, async (request, reply) => {
    const query = parseReadOptions(request.query);
    const ctx = await contextOf(request, reply, deps);
    const stored = await service.create(ctx, request.body, {
      slug: header(request, 'slug'),
    });
    const o = origin(request);
    return reply
      .code(201)
      .header('location', headerSafeUrl(objectUrl(o, stored, true)))
      .type(JSON_TYPE)
      .send(presentObjectJson(stored, presentOptions(query, o, ctx, true), false));
  });

  app.get<WithUuid>(ITEM, async (request, reply) => {
    const query = parseReadOptions(request.query);
    const ctx = await contextOf(request, reply, deps);
    const stored = await service.get(ctx, request.params.uuid);
    return reply.type(JSON_TYPE).send(presentObjectJson(stored, presentOptions(query, origin(request), ctx)));
  });

  app.put<WithUuid>(ITEM, async (request, reply) => {
    const query = parseReadOptions(request.query);
    const ctx = await contextOf(request, reply, deps);
    const stored = await service.replace(ctx, request.params.uuid, request.body, header(request, 'if-match'));
    return reply
      .type(JSON_TYPE)
      .send(presentObjectJson(stored, presentOptions(query, origin(request), ctx, true), false));
  });

  app.patch<WithUuid>(ITEM, async (request, reply) => {
    // Presented like a GET, so that `{}` answers exactly what a GET would.
    const query = parseReadOptions(request.query);
    const ctx = await contextOf(request, reply, deps);
    const stored = await service.patch(ctx, request.params.uuid, request.body, header(request, 'if-match'));
    return reply
      .type(JSON_TYPE)
      .send(presentObjectJson(stored, presentOptions(query, origin(request), ctx), false));
  });

  app.delete<WithUuid>(ITEM, async (request, reply) => {
    await service.remove(await contextOf(request, reply, deps), request.params.uuid);
    return reply.code(204).send();
  });
}
