// A logged-in session with the controller, as the Python SDK keeps one: POST /login with the
// credentials, then the session cookies on every call, `X-CSRFToken` (the csrftoken cookie) and
// `Referer` on writes, `X-Avi-Version` (the controller's own version unless --api-version says
// otherwise) and `X-Avi-Tenant`. A call answered 401 after login (the session expired) logs in
// again once and is retried. Every non-2xx answer becomes an ApiCallError `<status> <error>`.
import type { IncomingMessage } from 'node:http';
import { ApiCallError, CliError } from './errors.js';
import { Transport, type HttpResponse, type TlsOptions } from './http.js';

export interface ConnectionOptions extends TlsOptions {
  /** `http(s)://host[:port]`. */
  controller: URL;
  username: string;
  password: string;
  tenant?: string;
  apiVersion?: string;
}

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json | undefined;
}

export type Query = Record<string, string | number | boolean | undefined>;

interface ListPage {
  count: number;
  results: JsonObject[];
  next?: string;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The server's error text: `{"error": ...}` (or `detail`), else the body, else the status text. */
export function errorText(res: HttpResponse): string {
  try {
    const parsed: unknown = JSON.parse(res.body);
    if (isObject(parsed)) {
      const text = parsed.error ?? parsed.detail ?? parsed.message;
      if (typeof text === 'string') return text;
    }
  } catch {
    // not JSON
  }
  const line = res.body.trim().split('\n')[0] ?? '';
  return line !== '' ? line.slice(0, 200) : 'no error text';
}

export class ApiClient {
  private readonly transport: Transport;
  private readonly cookies = new Map<string, string>();
  private apiVersion: string | undefined;
  private loggedIn = false;

  private constructor(readonly options: ConnectionOptions) {
    this.transport = new Transport(options);
    this.apiVersion = options.apiVersion;
  }

  /** Logs in; rejects with `401 Invalid credentials` and the like. */
  static async connect(options: ConnectionOptions): Promise<ApiClient> {
    const client = new ApiClient(options);
    try {
      await client.login();
    } catch (e) {
      client.transport.close();
      throw e;
    }
    return client;
  }

  /** The API version every call speaks. */
  get version(): string | undefined {
    return this.apiVersion;
  }

  private async login(): Promise<void> {
    const { username, password } = this.options;
    this.cookies.clear();
    const res = await this.raw('POST', '/login', {}, JSON.stringify({ username, password }));
    if (res.status !== 200) throw new ApiCallError(res.status, errorText(res));
    this.loggedIn = true;
    if (this.apiVersion === undefined) {
      const body: unknown = JSON.parse(res.body);
      const version = isObject(body) && isObject(body.version) ? body.version.Version : undefined;
      if (typeof version === 'string') this.apiVersion = version;
    }
  }

  url(path: string, query: Query = {}): URL {
    const url = new URL(path, this.options.controller);
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === false) continue;
      url.searchParams.set(k, v === true ? '' : String(v));
    }
    return url;
  }

  /** The headers of every call after login. */
  headers(method: string, extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json', ...extra };
    if (this.cookies.size > 0) {
      h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    }
    if (this.apiVersion !== undefined) h['x-avi-version'] = this.apiVersion;
    if (this.options.tenant !== undefined && h['x-avi-tenant'] === undefined) {
      h['x-avi-tenant'] = this.options.tenant;
    }
    if (WRITES.has(method)) {
      const csrf = this.cookies.get('csrftoken');
      if (csrf !== undefined) h['x-csrftoken'] = csrf;
      h.referer = `${this.options.controller.origin}/`;
    }
    return h;
  }

  private async raw(
    method: string,
    path: string,
    query: Query,
    body?: string,
    extra: Record<string, string> = {},
  ): Promise<HttpResponse> {
    const headers = this.headers(method, extra);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.transport.request(this.url(path, query), {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    this.remember(res.headers['set-cookie']);
    return res;
  }

  private remember(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const [pair = ''] = line.split(';', 1);
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /;\s*max-age=0\b/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** One call; a 401 after login logs in again once. Resolves the raw answer, any status. */
  async call(
    method: string,
    path: string,
    query: Query = {},
    body?: Json,
    headers: Record<string, string> = {},
  ): Promise<HttpResponse> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    let res = await this.raw(method, path, query, text, headers);
    if (res.status === 401 && this.loggedIn) {
      await this.login();
      res = await this.raw(method, path, query, text, headers);
    }
    return res;
  }

  /** A call that must succeed: its JSON body (undefined when empty), else an ApiCallError. */
  async send(
    method: string,
    path: string,
    query: Query = {},
    body?: Json,
    headers: Record<string, string> = {},
  ): Promise<Json | undefined> {
    const res = await this.call(method, path, query, body, headers);
    if (res.status < 200 || res.status >= 300) throw new ApiCallError(res.status, errorText(res));
    if (res.body.trim() === '') return undefined;
    try {
      return JSON.parse(res.body) as Json;
    } catch {
      throw new CliError(`${method} ${path}: the answer is not JSON`);
    }
  }

  async get(path: string, query: Query = {}): Promise<JsonObject> {
    const body = await this.send('GET', path, query);
    if (!isObject(body)) throw new CliError(`GET ${path}: the answer is not a JSON object`);
    return body;
  }

  /** Every page of a list, in order; `onPage` hears the total count and each page's objects. */
  async listAll(
    path: string,
    query: Query = {},
    onPage?: (count: number, page: JsonObject[]) => void | Promise<void>,
  ): Promise<JsonObject[]> {
    const all: JsonObject[] = [];
    for (let page = 1; ; page++) {
      const body = (await this.get(path, { page_size: 200, ...query, page })) as unknown as ListPage;
      if (!Array.isArray(body.results)) throw new CliError(`GET ${path}: the answer is not a list`);
      all.push(...body.results);
      await onPage?.(typeof body.count === 'number' ? body.count : all.length, body.results);
      if (body.next === undefined || body.results.length === 0) return all;
    }
  }

  /** Opens a long-lived GET (the change stream); the caller reads and ends it. */
  async stream(path: string, extra: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
    const headers = this.headers('GET', { accept: 'text/event-stream', ...extra });
    const res = await this.transport.open(this.url(path), { method: 'GET', headers, signal, timeoutMs: 0 });
    this.remember(res.headers['set-cookie']);
    return res;
  }

  /** Logs in again (after the stream was refused with 401). */
  relogin(): Promise<void> {
    return this.login();
  }

  /** Logs out (best effort) and closes the connections. */
  async close(): Promise<void> {
    try {
      if (this.loggedIn) await this.raw('POST', '/logout', {});
    } catch {
      // the session ends by itself
    } finally {
      this.loggedIn = false;
      this.transport.close();
    }
  }
}
