// /api/role: the built-in roles, read-only.
import type { FastifyInstance } from 'fastify';
import type { RoleService } from '../../services/role-service.js';
import type { RouteTable } from '../plugins/errors.js';
import { principalOf } from '../plugins/auth.js';
import { requestOrigin } from '../origin.js';
import { presentList } from '../presenters/tenant.js';
import { presentRole } from '../presenters/role.js';
import { nextPageUrl } from './upgrade-status-info.js';
import { includeName, pageOf, parseSimpleList, type Query } from './simple-list.js';

export interface RoleRouteDeps {
  roles: RoleService;
  routes: RouteTable;
  fallbackHost: string;
}

const COLLECTION = '/api/role';
const ITEM = '/api/role/:uuid';

export function roleRoutes(app: FastifyInstance, deps: RoleRouteDeps): void {
  deps.routes.add(COLLECTION, 'GET');
  deps.routes.add(ITEM, 'GET');
  const origin = (request: Parameters<typeof requestOrigin>[0]) => requestOrigin(request, deps.fallbackHost);

  app.get<{ Querystring: Query }>(COLLECTION, async (request) => {
    const params = parseSimpleList(request.query);
    const all = deps.roles.list(principalOf(request), params);
    const { page, more } = pageOf(all, params);
    const o = origin(request);
    const next = more ? nextPageUrl(o, request.url, params.page + 1) : undefined;
    return presentList(
      all.length,
      page,
      (r) => presentRole(r, { origin: o, includeName: params.includeName }),
      next,
    );
  });

  app.get<{ Params: { uuid: string }; Querystring: Query }>(ITEM, async (request) => {
    const role = deps.roles.get(principalOf(request), request.params.uuid);
    return presentRole(role, { origin: origin(request), includeName: includeName(request.query) });
  });
}
