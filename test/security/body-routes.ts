// The routes that read a request body, and sending a raw body to one of them through the harness.
import type { LightMyRequestResponse } from 'fastify';
import { JSON_HEADERS } from '../helpers/app.js';
import type { Hostile, World } from './harness.js';

export interface BodyRoute {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  anonymous?: boolean;
  headers?: Record<string, string>;
}

/** Every route that reads a body (DELETE only where the body cannot parse). */
export function bodyRoutes(world: World, withDelete: boolean): BodyRoute[] {
  const star = { 'x-avi-tenant': '*' };
  const obj = world.alpha.objects[0]!.url;
  return [
    { method: 'POST', url: '/api/upgradestatusinfo' },
    { method: 'PUT', url: obj, headers: star },
    { method: 'PATCH', url: obj, headers: star },
    { method: 'POST', url: '/api/tenant' },
    { method: 'PUT', url: `/api/tenant/${world.alpha.uuid}` },
    { method: 'POST', url: '/api/user' },
    { method: 'PUT', url: `/api/user/${world.users.alphaOp.uuid}` },
    { method: 'POST', url: '/login', anonymous: true },
    { method: 'POST', url: '/logout', anonymous: true },
    { method: 'POST', url: '/api/user-token' },
    ...(withDelete ? [{ method: 'DELETE' as const, url: obj, headers: star }] : []),
  ];
}

/** Routes that may ignore a body that parses (so they need not refuse odd members). */
export const IGNORES_BODY = new Set(['/logout', '/api/user-token']);

export function sendBody(
  hostile: Hostile,
  route: BodyRoute,
  payload: string | Buffer,
  contentType: string,
  label: string,
): Promise<LightMyRequestResponse> {
  return hostile.send({
    label: `${route.method} ${route.url} ${label}`,
    method: route.method,
    url: route.url,
    headers: { ...JSON_HEADERS, 'content-type': contentType, ...(route.headers ?? {}) },
    payload,
    ...(route.anonymous ? { anonymous: true } : {}),
  });
}
