// /api/user: the CRUD routes over the user service; passwords are never presented.
import type { FastifyInstance } from 'fastify';
import type { UserService } from '../../services/user-service.js';
import type { RouteTable } from '../plugins/errors.js';
import { presentUser, userUrl } from '../presenters/user.js';
import { crudRoutes } from './crud.js';

export interface UserRouteDeps {
  users: UserService;
  routes: RouteTable;
  fallbackHost: string;
}

export function userRoutes(app: FastifyInstance, deps: UserRouteDeps): void {
  crudRoutes(app, { ...deps, path: '/api/user', service: deps.users, present: presentUser, url: userUrl });
}
