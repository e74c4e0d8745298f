// A stub controller for `watch`: /login and /logout as the real server answers them, the list
// (for `reset`), and GET /api/upgradestatusinfo/stream answered by the test's own script per
// connection, so that drops, resumption (Last-Event-ID) and refusals can be staged.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type StreamScript = (connection: number, req: IncomingMessage, res: ServerResponse) => void;

export interface SseStub {
  url: string;
  env: Record<string, string>;
  /** The headers of every stream request, in order. */
  streams: IncomingMessage['headers'][];
  logins: number;
  logouts: number;
  close(): Promise<void>;
}

export const STUB_PASSWORD = 'stub-password';

/** `id`, `event` and `data` as one SSE event block. */
export function sse(id: number, event: string, data: unknown): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function openStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
}

export async function startSseStub(script: StreamScript, list: unknown[] = []): Promise<SseStub> {
  const open = new Set<ServerResponse>();
  const stub = { streams: [] as IncomingMessage['headers'][], logins: 0, logouts: 0 };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'POST' && path === '/login') {
      stub.logins++;
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const ok = (JSON.parse(body) as { password?: string }).password === STUB_PASSWORD;
        if (!ok) {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"error": "Invalid credentials"}');
          return;
        }
        res.setHeader('set-cookie', [
          `sessionid=s${stub.logins}; Path=/; HttpOnly`,
          `avi-sessionid=s${stub.logins}; Path=/; HttpOnly`,
          'csrftoken=c1; Path=/',
        ]);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"version": {"Version": "31.1.1"}}');
      });
      return;
    }
    if (req.method === 'POST' && path === '/logout') {
      stub.logouts++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    if (req.method === 'GET' && path === '/api/upgradestatusinfo') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ count: list.length, results: list }));
      return;
    }
    if (req.method === 'GET' && path === '/api/upgradestatusinfo/stream') {
      stub.streams.push(req.headers);
      open.add(res);
      res.once('close', () => open.delete(res));
      script(stub.streams.length, req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error": "not in the stub"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(stub, {
    url,
    env: { AVI_CONTROLLER: url, AVI_PASSWORD: STUB_PASSWORD },
    async close() {
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
