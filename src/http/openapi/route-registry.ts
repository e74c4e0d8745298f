// Every route the app registers, recorded as it is registered (an onRoute hook), so the OpenAPI
// document lists exactly the routes the server has: a route added later cannot be left out.
import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  /** GET, POST, ... (never the HEAD routes Fastify adds beside each GET). */
  readonly method: string;
  /** The URL as registered: `/api/upgradestatusinfo/:uuid`. */
  readonly url: string;
}

/** Records every route registered on `app` (and its child contexts) from now on, in order. */
export function recordRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      if (method === 'HEAD') continue;
      if (!routes.some((r) => r.method === method && r.url === route.url))
        routes.push({ method, url: route.url });
    }
  });
  return routes;
}

/** `/api/x/:uuid` → `/api/x/{uuid}` (the OpenAPI path template). */
export const openApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
