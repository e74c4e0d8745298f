// /api/tenant: the CRUD routes over the tenant service, presented in the controller's shape.
import type { FastifyInstance } from 'fastify';
import type { TenantService } from '../../services/tenant-service.js';
import type { RouteTable } from '../plugins/errors.js';
import { presentTenant, tenantUrl } from '../presenters/tenant.js';
import { crudRoutes } from './crud.js';

export interface TenantRouteDeps {
  tenants: TenantService;
  routes: RouteTable;
  fallbackHost: string;
}

export function tenantRoutes(app: FastifyInstance, deps: TenantRouteDeps): void {
  crudRoutes(app, {
    ...deps,
    path: '/api/tenant',
    service: deps.tenants,
    present: presentTenant,
    url: tenantUrl,
  });
}
