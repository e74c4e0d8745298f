// A small HTTP/1.1 client for load loops (the crash test, the soak): a keep-alive agent with a
// fixed number of sockets to one server on 127.0.0.1, every request bounded by a timeout. A
// request that gets no complete answer (refused, reset, timed out) rejects; any status resolves.
import { Agent, request } from 'node:http';

export interface Answer {
  status: number;
  /** The body's text ('' when there is none). */
  text: string;
}

export class KeepAliveClient {
  private readonly agent: Agent;

  constructor(
    /** `http://127.0.0.1:<port>` */
    private readonly origin: string,
    private readonly headers: Record<string, string>,
    sockets: number,
    private readonly timeoutMs = 10_000,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  request(method: string, path: string, body?: unknown): Promise<Answer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise<Answer>((resolve, reject) => {
      const req = request(
        `${this.origin}${path}`,
        {
          method,
          agent: this.agent,
          timeout: this.timeoutMs,
          headers: {
            ...this.headers,
            ...(payload === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
          res.on('aborted', () => reject(new Error('response aborted')));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Closes every socket (pending requests fail). */
  close(): void {
    this.agent.destroy();
  }
}

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
