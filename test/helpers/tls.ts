// An HTTPS listener in front of an in-process app, with the test-only certificate, for tests of
// what changes over TLS (Secure cookies, https references).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './app.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url));

/** The certificate, to trust as the CA of a client request. */
export const TLS_CA = fixture('localhost-cert.pem');

export async function listenTls(
  t: TestApp,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer(
    { key: fixture('localhost-key.pem'), cert: fixture('localhost-cert.pem') },
    (req, res) => t.app.routing(req, res),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
