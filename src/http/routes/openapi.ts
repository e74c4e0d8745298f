// The API's own documentation: GET /api/swagger.json and /openapi.json (the OpenAPI document,
// for any logged-in user, as on the controller) and GET /swagger (its browser view, a static page
// readable without credentials: it holds no API data and fetches the document itself).
import type { FastifyInstance } from 'fastify';
import type { RouteTable } from '../plugins/errors.js';
import type { JsonObject } from '../openapi/json.js';
import { VIEWER_HEADERS, VIEWER_HTML } from '../openapi/viewer.js';

export interface OpenApiRouteDeps {
  routes: RouteTable;
  /** Builds the document (called once, at the first request, when every route is registered). */
  document: () => JsonObject;
}

export const DOCUMENT_PATHS = ['/api/swagger.json', '/openapi.json'] as const;
export const VIEWER_PATH = '/swagger';

export function openApiRoutes(app: FastifyInstance, deps: OpenApiRouteDeps): void {
  let text: string | undefined;
  for (const path of DOCUMENT_PATHS) {
    deps.routes.add(path, 'GET');
    app.get(path, async (_request, reply) => {
      text ??= JSON.stringify(deps.document());
      return reply.type('application/json; charset=utf-8').send(text);
    });
  }
  deps.routes.add(VIEWER_PATH, 'GET');
  app.get(VIEWER_PATH, async (_request, reply) => reply.headers(VIEWER_HEADERS).send(VIEWER_HTML));
}
