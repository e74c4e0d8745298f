// GET /ui and /ui/<file>: the dashboard, static files from src/ui/ served as they are (no build
// step): read once at start-up, each with its ETag. The page is readable without credentials (it
// holds no API data; it logs in itself at /login) and is served under a strict
// Content-Security-Policy: scripts, styles and connections from this origin only, nothing inline,
// no frames.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../errors/catalogue.js';
import type { RouteTable } from '../plugins/errors.js';

export const UI_PATH = '/ui';
export const UI_ROUTES = [UI_PATH, `${UI_PATH}/:file`] as const;

export const UI_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const SECURITY_HEADERS = {
  'content-security-policy': UI_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-cache',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

interface UiFile {
  body: Buffer;
  type: string;
  etag: string;
}

/** src/ui/, from src/http/routes (tsx) or from dist/src/http/routes (the built server). */
function uiFolder(): string | undefined {
  for (const relative of ['../../ui/', '../../../../src/ui/']) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

/** Every servable file of `dir` by name (no subfolders, no hidden files). */
export function loadUiFiles(dir: string | undefined = uiFolder()): Map<string, UiFile> {
  const files = new Map<string, UiFile>();
  if (dir === undefined) return files;
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type === undefined || name.startsWith('.')) continue;
    const body = readFileSync(join(dir, name));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    files.set(name, { body, type, etag });
  }
  return files;
}

function send(request: FastifyRequest, reply: FastifyReply, file: UiFile | undefined): FastifyReply {
  if (!file) throw errors.unknownPath('GET', request.url.slice(0, 200));
  reply.headers(SECURITY_HEADERS).header('etag', file.etag);
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  return reply.type(file.type).send(file.body);
}

export function uiRoutes(
  app: FastifyInstance,
  deps: { routes: RouteTable; files?: Map<string, UiFile> },
): void {
  const files = deps.files ?? loadUiFiles();
  for (const path of UI_ROUTES) deps.routes.add(path, 'GET');
  app.get(UI_PATH, async (request, reply) => send(request, reply, files.get('index.html')));
  app.get<{ Params: { file: string } }>(`${UI_PATH}/:file`, async (request, reply) =>
    send(request, reply, files.get(request.params.file)),
  );
}
