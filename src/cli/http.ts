// The CLI's HTTP transport: node:http and node:https with keep-alive agents, so that TLS can be
// relaxed (--insecure) or pinned to a CA file (--ca-file) without undici. Plain requests are read
// whole; streams (the SSE change feed) hand back the response to be read as it arrives.
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { CliError, NetworkError } from './errors.js';

export interface TlsOptions {
  /** Accept any certificate (self-signed, wrong name, expired). */
  insecure: boolean;
  /** PEM file of the certificate(s) to trust instead of the system's CAs. */
  caFile?: string;
}

export interface HttpResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface RequestOptions {
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Socket inactivity limit; 0: none (streams). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** How long a plain request may stay silent before it fails. */
const REQUEST_TIMEOUT_MS = 60_000;

/** TLS failures that mean "this certificate is not trusted": say how to trust it. */
const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export class Transport {
  private readonly http = new HttpAgent({ keepAlive: true });
  private readonly https: HttpsAgent;

  constructor(tls: TlsOptions) {
    let ca: string | undefined;
    if (tls.caFile !== undefined) {
      try {
        ca = readFileSync(tls.caFile, 'utf8');
      } catch (e) {
        throw new CliError(`cannot read --ca-file ${tls.caFile}: ${(e as NodeJS.ErrnoException).code ?? e}`);
      }
    }
    this.https = new HttpsAgent({
      keepAlive: true,
      rejectUnauthorized: !tls.insecure,
      ...(ca !== undefined ? { ca } : {}),
    });
  }

  /** Sends a request and reads the whole answer. */
  async request(url: URL, opts: RequestOptions): Promise<HttpResponse> {
    const res = await this.open(url, { timeoutMs: REQUEST_TIMEOUT_MS, ...opts });
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return {
      status: res.statusCode ?? 0,
      headers: res.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
  }

  /** Sends a request and resolves the response as soon as its headers arrive. */
  open(url: URL, opts: RequestOptions): Promise<IncomingMessage> {
    const https = url.protocol === 'https:';
    const send = https ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
    return new Promise((resolve, reject) => {
      const req = send(url, {
        method: opts.method,
        headers,
        agent: https ? this.https : this.http,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const timeout = opts.timeoutMs ?? 0;
      if (timeout > 0) {
        req.setTimeout(timeout, () =>
          req.destroy(new NetworkError(`no answer from ${url.origin} within ${timeout / 1000} s`)),
        );
      }
      req.once('response', resolve);
      req.once('error', (e) => reject(transportError(e, url)));
      req.end(opts.body);
    });
  }

  /** Closes every kept-alive connection. */
  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

/** A failure of the connection itself, in one line that says what to do about it. */
function transportError(e: Error, url: URL): Error {
  if (e instanceof CliError || e.name === 'AbortError') return e;
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (UNTRUSTED.has(code)) {
    return new CliError(`TLS: ${e.message} (${url.host}); use --ca-file <pem> to trust it, or --insecure`);
  }
  if (code === 'ECONNREFUSED') return new NetworkError(`cannot connect to ${url.origin}: connection refused`);
  if (code === 'ENOTFOUND') return new CliError(`cannot resolve ${url.hostname}`);
  if (code === 'EAI_AGAIN') return new NetworkError(`cannot resolve ${url.hostname} for now`);
  if (code === 'ECONNRESET' || code === 'EPIPE') return new NetworkError(`connection to ${url.origin} reset`);
  if (code === 'EPROTO' || /wrong version number|packet length too long/i.test(e.message)) {
    return new CliError(`TLS handshake with ${url.origin} failed: does it speak HTTPS? (try http://)`);
  }
  return new NetworkError(`${url.origin}: ${code !== '' ? `${code} ` : ''}${e.message}`);
}
