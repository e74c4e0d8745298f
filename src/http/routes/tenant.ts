// /api/tenant: parse the request, call the tenant service, present the result.
import type { FastifyInstance } from 'fastify';
import type { TenantService } from '../../services/tenant-service.js';
import type { RouteTable } from '../plugins/errors.js';
import { principalOf } from '../plugins/auth.js';
import { headerSafeUrl, requestOrigin } from '../origin.js';
import { presentList, presentTenant, tenantUrl } from '../presenters/tenant.js';
import { nextPageUrl } from './upgrade-status-info.js';
import { includeName, pageOf, parseSimpleList, type Query } from './simple-list.js';

export interface TenantRouteDeps {
  tenants: TenantService;
  routes: RouteTable;
  fallbackHost: string;
}

const COLLECTION = '/api/tenant';
const ITEM = '/api/tenant/:uuid';

type WithUuid = { Params: { uuid: string }; Querystring: Query };

export function tenantRoutes(app: FastifyInstance, deps: TenantRouteDeps): void {
  for (const m of ['GET', 'POST']) deps.routes.add(COLLECTION, m);
  for (const m of ['GET', 'PUT', 'DELETE']) deps.routes.add(ITEM, m);
  const origin = (request: Parameters<typeof requestOrigin>[0]) => requestOrigin(request, deps.fallbackHost);

  app.get<{ Querystring: Query }>(COLLECTION, async (request) => {
    const params = parseSimpleList(request.query);
    const all = await deps.tenants.list(principalOf(request), params);
    const { page, more } = pageOf(all, params);
    const o = origin(request);
    const next = more ? nextPageUrl(o, request.url, params.page + 1) : undefined;
    return presentList(
      all.length,
      page,
      (t) => presentTenant(t, { origin: o, includeName: params.includeName }),
      next,
    );
  });

  app.post<{ Querystring: Query }>(COLLECTION, async (request, reply) => {
    const stored = await deps.tenants.create(principalOf(request), request.body);
    const o = origin(request);
    return reply
      .code(201)
      .header('location', headerSafeUrl(tenantUrl(o, stored, true)))
      .send(presentTenant(stored, { origin: o, includeName: true }));
  });

  app.get<WithUuid>(ITEM, async (request) => {
    const stored = await deps.tenants.get(principalOf(request), request.params.uuid);
    return presentTenant(stored, { origin: origin(request), includeName: includeName(request.query) });
  });

  app.put<WithUuid>(ITEM, async (request) => {
    const stored = await deps.tenants.replace(principalOf(request), request.params.uuid, request.body);
    return presentTenant(stored, { origin: origin(request), includeName: true });
  });

  app.delete<WithUuid>(ITEM, async (request, reply) => {
    await deps.tenants.remove(principalOf(request), request.params.uuid);
    return reply.code(204).send();
  });
}
