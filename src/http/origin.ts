// The `<scheme>://<host>` that URLs in responses carry: the one the client used.
import type { FastifyRequest } from 'fastify';

// A Host header is echoed into JSON and into the Location header: anything odd falls back.
const SAFE_HOST = /^[A-Za-z0-9.\-_]{1,253}(:\d{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?$/;

export function requestOrigin(request: FastifyRequest, fallbackHost: string): string {
  const host = request.headers.host;
  const safe = typeof host === 'string' && SAFE_HOST.test(host) ? host : fallbackHost;
  return `${request.protocol}://${safe}`;
}

/** A URL made safe for a response header: bytes outside printable ASCII are percent-encoded. */
export function headerSafeUrl(url: string): string {
  let out = '';
  for (const byte of Buffer.from(url, 'utf8')) {
    out +=
      byte > 0x20 && byte < 0x7f
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
