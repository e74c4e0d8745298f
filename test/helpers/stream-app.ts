// A test app listening on 127.0.0.1 (event streams need a real socket; inject cannot stream), with
// helpers to open its change stream and to write through its API.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { basicAuth, JSON_HEADERS, sampleRecord, startTestApp, ADMIN_PASSWORD, type TestApp } from './app.js';
import { openSse, type SseEvent, type SseStream } from './sse.js';

export const STREAM = '/api/upgradestatusinfo/stream';
export const ADMIN = basicAuth('admin', ADMIN_PASSWORD);

export interface ListeningApp extends TestApp {
  url: string;
  /** Opens the stream as the admin (Basic), with extra headers (which replace the defaults). */
  stream(path?: string, headers?: Record<string, string>): Promise<SseStream>;
  /** POSTs a record as the admin; returns its uuid. */
  create(overrides?: Record<string, unknown>, headers?: Record<string, string>): Promise<string>;
  patch(uuid: string, body: unknown, headers?: Record<string, string>): Promise<Record<string, unknown>>;
  remove(uuid: string, headers?: Record<string, string>): Promise<void>;
  /** GET of one object as the admin, as JSON. */
  get(uuid: string, headers?: Record<string, string>): Promise<Record<string, unknown>>;
}

export async function listeningApp(t: TestContext, env: Record<string, string> = {}): Promise<ListeningApp> {
  const app = await startTestApp(env);
  const streams: SseStream[] = [];
  t.after(async () => {
    for (const s of streams) s.close();
    await app.close();
  });
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.app.server.address() as AddressInfo).port}`;
  const inject = async (
    method: 'POST' | 'PATCH' | 'DELETE' | 'GET',
    path: string,
    body?: unknown,
    headers = {},
  ) => {
    const res = await app.app.inject({
      method,
      url: path,
      headers: { ...JSON_HEADERS, ...headers },
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    assert.ok(res.statusCode < 300, `${method} ${path}: ${res.statusCode} ${res.body}`);
    return res.body === '' ? {} : (res.json() as Record<string, unknown>);
  };
  let n = 0;
  return {
    ...app,
    url,
    async stream(path = STREAM, headers = { authorization: ADMIN, 'x-avi-version': '31.1.1' }) {
      const s = await openSse(url + path, headers);
      streams.push(s);
      return s;
    },
    async create(overrides = {}, headers = {}) {
      const body = await inject(
        'POST',
        '/api/upgradestatusinfo',
        sampleRecord({ name: `r-${++n}`, ...overrides }),
        headers,
      );
      return body.uuid as string;
    },
    patch: (uuid, body, headers = {}) => inject('PATCH', `/api/upgradestatusinfo/${uuid}`, body, headers),
    async remove(uuid, headers = {}) {
      await inject('DELETE', `/api/upgradestatusinfo/${uuid}`, undefined, headers);
    },
    async get(uuid, headers = {}) {
      // Over the socket, so that URLs carry the same host as the stream's.
      const res = await fetch(`${url}/api/upgradestatusinfo/${uuid}`, {
        headers: { authorization: ADMIN, 'x-avi-version': '31.1.1', ...headers },
      });
      assert.equal(res.status, 200);
      return (await res.json()) as Record<string, unknown>;
    },
  };
}

/** The event's data as JSON. */
export function data(ev: SseEvent): Record<string, unknown> {
  return JSON.parse(ev.data) as Record<string, unknown>;
}

/** `[event, uuid]` of each event (the uuid from its data). */
export function kinds(events: readonly SseEvent[]): [string, unknown][] {
  return events.map((e) => [e.event, e.event === 'reset' ? undefined : data(e).uuid]);
}
