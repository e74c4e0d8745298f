// /api/role: the built-in roles, read-only, through the same collection routes as tenants.
import type { FastifyInstance } from 'fastify';
import type { RoleService } from '../../services/role-service.js';
import type { RouteTable } from '../plugins/errors.js';
import { presentRole, roleUrl } from '../presenters/role.js';
import { crudRoutes } from './crud.js';

export interface RoleRouteDeps {
  roles: RoleService;
  routes: RouteTable;
  fallbackHost: string;
}

export function roleRoutes(app: FastifyInstance, deps: RoleRouteDeps): void {
  crudRoutes(app, { ...deps, path: '/api/role', service: deps.roles, present: presentRole, url: roleUrl });
}
