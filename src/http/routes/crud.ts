// Routes for the small configuration collections (/api/tenant, /api/user, the read-only
// /api/role): list and read, and create, replace and delete where the service offers them; each
// parses the request, calls the service and presents the result.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../../domain/auth/principal.js';
import type { RouteTable } from '../plugins/errors.js';
import { principalOf } from '../plugins/auth.js';
import { headerSafeUrl, requestOrigin } from '../origin.js';
import { presentList } from '../presenters/tenant.js';
import type { SimplePresentOptions } from '../presenters/tenant.js';
import { nextPageUrl } from './upgrade-status-info.js';
import { includeName, pageOf, parseSimpleList, type Query } from './simple-list.js';

/** What a collection's service offers; every call is made for the request's principal. */
export interface CrudService<T> {
  list(principal: Principal, filter: { name?: string }): T[] | Promise<T[]>;
  get(principal: Principal, uuid: string): T | Promise<T>;
  create?(principal: Principal, body: unknown): Promise<T>;
  replace?(principal: Principal, uuid: string, body: unknown): Promise<T>;
  remove?(principal: Principal, uuid: string): Promise<void>;
}

export interface CrudRouteDeps<T> {
  /** The collection path, e.g. `/api/tenant`. */
  path: string;
  service: CrudService<T>;
  present: (item: T, opts: SimplePresentOptions) => Record<string, unknown>;
  url: (origin: string, item: T, includeName: boolean) => string;
  routes: RouteTable;
  fallbackHost: string;
}

type WithUuid = { Params: { uuid: string }; Querystring: Query };

export function crudRoutes<T>(app: FastifyInstance, deps: CrudRouteDeps<T>): void {
  const { path, service, present } = deps;
  const item = `${path}/:uuid`;
  deps.routes.add(path, 'GET');
  deps.routes.add(item, 'GET');
  const origin = (request: FastifyRequest) => requestOrigin(request, deps.fallbackHost);

  app.get<{ Querystring: Query }>(path, async (request) => {
    const params = parseSimpleList(request.query);
    const all = await service.list(principalOf(request), params);
    const { page, more } = pageOf(all, params);
    const o = origin(request);
    const next = more ? nextPageUrl(o, request.url, params.page + 1) : undefined;
    return presentList(
      all.length,
      page,
      (t) => present(t, { origin: o, includeName: params.includeName }),
      next,
    );
  });

  app.get<WithUuid>(item, async (request) => {
    const stored = await service.get(principalOf(request), request.params.uuid);
    return present(stored, { origin: origin(request), includeName: includeName(request.query) });
  });

  const { create, replace, remove } = service;
  if (create) {
    deps.routes.add(path, 'POST');
    app.post<{ Querystring: Query }>(path, async (request, reply) => {
      const stored = await create.call(service, principalOf(request), request.body);
      const o = origin(request);
      return reply
        .code(201)
        .header('location', headerSafeUrl(deps.url(o, stored, true)))
        .send(present(stored, { origin: o, includeName: true }));
    });
  }
  if (replace) {
    deps.routes.add(item, 'PUT');
    app.put<WithUuid>(item, async (request) => {
      const stored = await replace.call(service, principalOf(request), request.params.uuid, request.body);
      return present(stored, { origin: origin(request), includeName: true });
    });
  }
  if (remove) {
    deps.routes.add(item, 'DELETE');
    app.delete<WithUuid>(item, async (request, reply) => {
      await remove.call(service, principalOf(request), request.params.uuid);
      return reply.code(204).send();
    });
  }
}
