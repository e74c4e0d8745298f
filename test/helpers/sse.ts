// A small Server-Sent Events client for tests: opens a stream over node:http, parses it with the
// CLI's parser (the HTML standard's rules) and hands the events out in order, with timeouts.
import { get as httpGet, type IncomingMessage } from 'node:http';
import { SseParser, type SseEvent } from '../../src/cli/sse.js';

export type { SseEvent };

export interface SseStream {
  status: number;
  headers: IncomingMessage['headers'];
  /** The body, for an answer other than 200. */
  text: string;
  /** Every event received so far, in order. */
  readonly events: SseEvent[];
  /** The raw stream text received so far (comments, `retry:`, `id:` lines included). */
  raw(): string;
  /** The Last-Event-ID a reconnection would send now. */
  lastEventId(): string | undefined;
  /** The next event not taken yet; rejects after `ms`. */
  next(ms?: number): Promise<SseEvent>;
  /** The next `n` events. */
  take(n: number, ms?: number): Promise<SseEvent[]>;
  /** Resolves when no event came within `ms` (rejects when one did). */
  quiet(ms: number): Promise<void>;
  /** Resolves once the server ended the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens `url` as an event stream with `headers` (node:http: close() really closes the socket). */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpGet(url, { headers: { accept: 'text/event-stream', ...headers } }, resolve);
    req.on('error', reject);
  });
  res.setEncoding('utf8');
  const status = res.statusCode ?? 0;
  const events: SseEvent[] = [];
  const parser = new SseParser(headers['last-event-id']);
  let raw = '';
  let taken = 0;
  let wake: (() => void) | undefined;
  let done = false;
  const text =
    status === 200
      ? ''
      : await new Promise<string>((resolve) => {
          let body = '';
          res.on('data', (d: string) => (body += d));
          res.on('end', () => resolve(body));
        });
  const ended = new Promise<void>((resolve) => {
    if (status !== 200) return resolve();
    res.on('data', (s: string) => {
      raw += s;
      events.push(...parser.push(s));
      wake?.();
    });
    res.on('close', () => {
      done = true;
      wake?.();
      resolve();
    });
    res.on('error', () => undefined);
  });

  async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (done) throw new Error(`the stream ended while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        const got = events.map((e) => `${e.id ?? ''}:${e.event}`).join(' ');
        throw new Error(`no ${what} within ${ms} ms; events so far: ${got}; received: ${raw.slice(-600)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  return {
    status,
    headers: res.headers,
    text,
    events,
    raw: () => raw,
    lastEventId: () => parser.lastEventId,
    async next(ms = 5000) {
      await waitFor(() => events.length > taken, ms, 'event');
      return events[taken++] as SseEvent;
    },
    async take(n, ms = 5000) {
      await waitFor(() => events.length >= taken + n, ms, `${n} events`);
      const out = events.slice(taken, taken + n);
      taken += n;
      return out;
    },
    async quiet(ms) {
      const before = events.length;
      await new Promise((r) => setTimeout(r, ms));
      if (events.length > before) {
        throw new Error(`unexpected events: ${JSON.stringify(events.slice(before))}`);
      }
    },
    ended,
    close() {
      res.destroy();
    },
  };
}
