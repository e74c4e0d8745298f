// Routes for the small configuration collections (/api/tenant, /api/user): list, create, read,
// replace and delete, each parsing the request, calling the service and presenting the result.
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
  list(principal: Principal, filter: { name?: string }): Promise<T[]>;
  get(principal: Principal, uuid: string): Promise<T>;
  create(principal: Principal, body: unknown): Promise<T>;
  replace(principal: Principal, uuid: string, body: unknown): Promise<T>;
  remove(principal: Principal, uuid: string): Promise<void>;
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
  for (const m of ['GET', 'POST']) deps.routes.add(path, m);
  for (const m of ['GET', 'PUT', 'DELETE']) deps.routes.add(item, m);
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

  app.post<{ Querystring: Query }>(path, async (request, reply) => {
    const stored = await service.create(principalOf(request), request.body);
    const o = origin(request);
    return reply
      .code(201)
      .header('location', headerSafeUrl(deps.url(o, stored, true)))
      .send(present(stored, { origin: o, includeName: true }));
  });

  app.get<WithUuid>(item, async (request) => {
    const stored = await service.get(principalOf(request), request.params.uuid);
    return present(stored, { origin: origin(request), includeName: includeName(request.query) });
  });

  app.put<WithUuid>(item, async (request) => {
    const stored = await service.replace(principalOf(request), request.params.uuid, request.body);
    return present(stored, { origin: origin(request), includeName: true });
  });

  app.delete<WithUuid>(item, async (request, reply) => {
    await service.remove(principalOf(request), request.params.uuid);
    return reply.code(204).send();
  });
}
