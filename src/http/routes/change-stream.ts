// GET /api/upgradestatusinfo/stream: the live change stream, as Server-Sent Events. The request
// is authenticated and scoped like every other read (the auth hook, then the tenant and the API
// version); a browser's EventSource cannot send headers, so `?version=` and `?tenant=` stand in
// for X-Avi-Version and X-Avi-Tenant (a header wins), and `?last_event_id=` for Last-Event-ID.
// The events themselves come from the process's one ChangeStream (services/change-stream.ts).
// An open stream is not work in flight: the server's close ends it (a preClose hook).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, errors } from '../../errors/catalogue.js';
import { parseReadOptions, type QueryParams } from '../../domain/query/list-params.js';
import type { AuthService } from '../../services/auth-service.js';
import type { ChangeStream, StreamClient } from '../../services/change-stream.js';
import { presentObjectJson, type PresentOptions } from '../presenters/upgrade-status-info.js';
import { requestOrigin } from '../origin.js';
import { sessionIds } from '../plugins/auth.js';
import { markLongLived } from '../long-lived.js';
import { contextOf, type RouteDeps } from './upgrade-status-info.js';

export const STREAM_PATH = '/api/upgradestatusinfo/stream';

/** The reconnection delay suggested to clients (`retry:`), in ms. */
export const RETRY_MS = 2000;
/** A client whose unsent output grows past this is dropped; it resumes with Last-Event-ID. */
const MAX_BUFFERED = 4 * 1024 * 1024;

export interface StreamRouteDeps extends RouteDeps {
  stream: ChangeStream;
  auth: AuthService;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function single(query: QueryParams, name: string): string | undefined {
  const v = (query as Record<string, unknown>)[name];
  const first: unknown = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : undefined;
}

/** Last-Event-ID (header, else query): the seq to resume after; undefined: from now on. */
export function lastEventId(request: FastifyRequest): number | undefined {
  const text = (
    header(request, 'last-event-id') ?? single(request.query as QueryParams, 'last_event_id')
  )?.trim();
  if (text === undefined || text === '') return undefined;
  if (!/^\d{1,15}$/.test(text))
    throw errors.invalidHeader('Last-Event-ID', 'the id of an event (a whole number)');
  return Number(text);
}

/** `?version=` and `?tenant=` as the headers EventSource cannot send, unless the headers came. */
function queryAsHeaders(request: FastifyRequest): void {
  const query = request.query as QueryParams;
  for (const [param, name] of [
    ['version', 'x-avi-version'],
    ['tenant', 'x-avi-tenant'],
    ['tenant_uuid', 'x-avi-tenant-uuid'],
  ] as const) {
    const value = single(query, param);
    if (value !== undefined && header(request, name) === undefined) request.headers[name] = value;
  }
}

/** Whether the request's credentials still hold and still reach its tenant. */
async function stillAllowed(request: FastifyRequest, deps: StreamRouteDeps): Promise<boolean> {
  try {
    const authorization = header(request, 'authorization');
    const principal =
      authorization !== undefined
        ? await deps.auth.authenticateHeader(authorization, request.ip)
        : (await deps.auth.authenticateSession(sessionIds(request), 'GET', undefined))?.principal;
    if (!principal) return false;
    await deps.tenants.requestContext(principal, {
      name: header(request, 'x-avi-tenant'),
      uuid: header(request, 'x-avi-tenant-uuid'),
    });
    return true;
  } catch (err) {
    if (err instanceof ApiError) return false;
    throw err; // the database is down: it cannot tell yet
  }
}

/** The client of one response: the head goes out with the first text. */
function streamClient(
  request: FastifyRequest,
  reply: FastifyReply,
  tenant: string | null,
  present: PresentOptions,
  deps: StreamRouteDeps,
): StreamClient {
  const res = reply.raw;
  let started = false;
  return {
    tenant,
    present: (obj) => presentObjectJson(obj, present),
    write(text) {
      if (res.destroyed || res.writableEnded) return false;
      if (!started) {
        started = true;
        reply.hijack();
        markLongLived(res);
        // What the reply holds so far (AVI_API_VERSION, a slid session's cookies), then the stream's.
        for (const [name, value] of Object.entries(reply.getHeaders())) {
          if (value !== undefined) res.setHeader(name, typeof value === 'number' ? String(value) : value);
        }
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          'x-accel-buffering': 'no',
          // Never reused for another request: when the stream ends, so does its connection.
          connection: 'close',
        });
        text = `retry: ${RETRY_MS}\n${text}`;
      }
      res.write(text);
      return res.writableLength <= MAX_BUFFERED;
    },
    end() {
      if (!res.writableEnded) res.end();
    },
    stillAllowed: () => stillAllowed(request, deps),
  };
}

export function changeStreamRoutes(app: FastifyInstance, deps: StreamRouteDeps): void {
  deps.routes.add(STREAM_PATH, 'GET');
  app.addHook('preClose', (done) => {
    deps.stream.close();
    done();
  });

  app.get<{ Querystring: QueryParams }>(STREAM_PATH, async (request, reply) => {
    queryAsHeaders(request);
    const ctx = await contextOf(request, reply, deps);
    const read = parseReadOptions(request.query);
    const resume = lastEventId(request);
    // HEAD: the head a stream would have, and no stream.
    if (request.method === 'HEAD') return reply.type('text/event-stream; charset=utf-8').send();
    const present: PresentOptions = {
      ...read,
      origin: requestOrigin(request, deps.fallbackHost),
      version: ctx.version,
    };
    const client = streamClient(request, reply, ctx.tenant, present, deps);
    let closed = false;
    reply.raw.once('close', () => (closed = true));
    try {
      const subscription = await deps.stream.subscribe(client, resume);
      if (closed) subscription.close();
      else reply.raw.once('close', () => subscription.close());
    } catch (err) {
      if (!reply.raw.headersSent) throw err; // nothing sent yet: an ordinary error answer (503)
      client.end(); // the client reconnects and resumes
    }
    return reply;
  });
}
