// A Server-Sent Events parser (the HTML standard's event-stream format): lines end in LF, CR
// or CRLF; `id`, `event`, `data` (several lines joined with LF) and `retry` fields; lines
// starting with `:` are comments (keep-alives); a blank line dispatches the event. Unlike a
// browser, an event with a type but no data (`event: reset`) is dispatched too.

export interface SseEvent {
  /** The last event id seen so far (sticky across events, as Last-Event-ID is). */
  id: string | undefined;
  /** `message` unless the event names its type. */
  event: string;
  data: string;
}

export class SseParser {
  private buffer = '';
  private lastId: string | undefined;
  private type = '';
  private data: string[] = [];
  private hasData = false;
  private afterCr = false;
  /** The reconnection delay the server asked for (`retry:`), in ms. */
  retryMs: number | undefined;

  constructor(lastId?: string) {
    this.lastId = lastId;
  }

  get lastEventId(): string | undefined {
    return this.lastId;
  }

  /** Feeds a chunk of the stream; returns the events it completed. */
  push(chunk: string): SseEvent[] {
    if (chunk === '') return [];
    // A CR that ended the previous chunk may be the first half of a CRLF.
    if (this.afterCr && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.afterCr = false;
    this.buffer += chunk;
    const events: SseEvent[] = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buffer);
      if (!m) break;
      if (m[0] === '\r' && m.index === this.buffer.length - 1) this.afterCr = true;
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      const event = this.line(line);
      if (event) events.push(event);
    }
    return events;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.type = value;
        break;
      case 'data':
        this.data.push(value);
        this.hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    const event: SseEvent = { id: this.lastId, event: this.type || 'message', data: this.data.join('\n') };
    const any = this.hasData || this.type !== '';
    this.type = '';
    this.data = [];
    this.hasData = false;
    return any ? event : undefined;
  }
}
