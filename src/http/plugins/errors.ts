// The one place errors become responses: every error is `{"error": "..."}` JSON with its status.
// Also answers unknown paths (404) and known paths with a wrong method (405 with Allow).
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ApiError, errors } from '../../errors/catalogue.js';
import { StoreUnavailableError } from '../../storage/types.js';

export function sendError(reply: FastifyReply, err: ApiError): FastifyReply {
  return reply.code(err.status).headers(err.headers).type('application/json').send(err.toBody());
}

/** Turns anything thrown while handling a request into an ApiError. */
export function toApiError(err: unknown, bodyLimit: number): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof StoreUnavailableError) return errors.databaseUnavailable();
  const fe = err as Partial<FastifyError> & { status?: number };
  const status = fe.statusCode ?? fe.status;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.bodyTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType(String(fe.message ?? '').replace(/^Unsupported Media Type: ?/, ''));
  }
  if (err instanceof SyntaxError || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return errors.malformedJson(String(fe.message ?? 'invalid JSON'));
  }
  if (err instanceof RangeError) return errors.malformedJson('the body is nested too deeply');
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError(status, String(fe.message ?? 'Bad request'));
  }
  return errors.internal();
}

/** Path patterns and their methods, so that a wrong method gets 405 rather than 404. */
export class RouteTable {
  private readonly routes: { source: string; pattern: RegExp; methods: Set<string> }[] = [];

  add(path: string, method: string): void {
    const source = '^' + path.replace(/:[A-Za-z]+/g, '[^/]+') + '$';
    let entry = this.routes.find((r) => r.source === source);
    if (!entry) {
      entry = { source, pattern: new RegExp(source), methods: new Set() };
      this.routes.push(entry);
    }
    entry.methods.add(method);
    if (method === 'GET') entry.methods.add('HEAD');
  }

  allowed(url: string): string[] | undefined {
    const path = normalizePath(url);
    const entry = this.routes.find((r) => r.pattern.test(path));
    return entry ? [...entry.methods] : undefined;
  }
}

function normalizePath(url: string): string {
  const path = url.split('?')[0]!.replace(/\/{2,}/g, '/');
  return path.length > 1 ? path.replace(/\/$/, '') : path;
}

export function installErrorHandling(app: FastifyInstance, routes: RouteTable, bodyLimit: number): void {
  app.setErrorHandler((err, request, reply) => {
    const apiError = toApiError(err, bodyLimit);
    if (apiError.status >= 500) request.log.error({ err }, 'request failed');
    return sendError(reply, apiError);
  });
  app.setNotFoundHandler((request, reply) => {
    const allow = routes.allowed(request.url);
    if (allow) return sendError(reply, errors.methodNotAllowed(request.method, allow));
    return sendError(reply, errors.unknownPath(request.method, normalizePath(request.url).slice(0, 200)));
  });
}
