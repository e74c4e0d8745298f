// Raw HTTP/1.1 over a TCP socket, for what `inject` cannot send: header bytes the Node parser
// itself judges (CR, LF, NUL, folding, oversized headers, smuggling framings). The answer is read
// until the server closes the connection or a complete response has arrived.
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The raw header block, for checks on what the server wrote. */
  head: string;
}

function parse(raw: Buffer): RawResponse | undefined {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = text.slice(0, end);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? NaN);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const bodyBytes = raw.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1'));
  const length = headers['content-length'];
  if (length !== undefined && bodyBytes.length < Number(length)) return undefined;
  const body = (length === undefined ? bodyBytes : bodyBytes.subarray(0, Number(length))).toString('utf8');
  return { status, headers, body, head };
}

/** Sends `request` as is and resolves with the first response (undefined: closed without one). */
export function rawRequest(
  port: number,
  request: string | Buffer,
  timeoutMs = 5000,
): Promise<RawResponse | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    let done = false;
    const finish = (value: RawResponse | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => {
      if (!done) {
        done = true;
        socket.destroy();
        reject(
          new Error(`no answer within ${timeoutMs} ms to ${JSON.stringify(String(request).slice(0, 120))}`),
        );
      }
    }, timeoutMs);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const parsed = parse(Buffer.concat(chunks));
      if (parsed) finish(parsed);
    });
    socket.on('end', () => finish(parse(Buffer.concat(chunks))));
    socket.on('close', () => finish(parse(Buffer.concat(chunks))));
    socket.on('error', () => finish(parse(Buffer.concat(chunks))));
    socket.write(request);
  });
}
