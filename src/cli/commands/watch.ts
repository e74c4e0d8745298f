// `watch`: follows the change stream GET /api/upgradestatusinfo/stream (Server-Sent Events:
// `id`, `event: create|update|delete|reset`, `data` the object or `{"uuid"}`). On a terminal it
// keeps a screen of one line per record redrawn on each change; otherwise (or with --json) it
// prints one line per event. A dropped connection is reopened with Last-Event-ID, after the
// server's `retry` or a pause that doubles up to 30 s; --once, --count and --timeout stop it.
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { CONNECTION_HELP, flag, numberOption, parse, positionalsBetween } from '../args.js';
import { errorText, isObject, type ApiClient } from '../client.js';
import { helpAsked, withClient, write, type Io } from '../context.js';
import { ApiCallError, CliError, describeError, NetworkError } from '../errors.js';
import { SseParser, type SseEvent } from '../sse.js';
import { CHANGE_KINDS, changeLine, Screen, WatchState, type Change, type ChangeKind } from '../watch-view.js';

export const WATCH_HELP = `Usage: avi-upgrade-status watch [options]

Follows the live changes of UpgradeStatusInfo records. On a terminal: one line per record
(progress bar, percentage, state, name), redrawn as records change. Otherwise: one line per
change, "[<event id>] <create|update|delete|reset> <progress> <state> <name> <uuid>". A dropped
connection is reopened where it left off (Last-Event-ID).

Options:
  --json              one JSON object per change: {"id", "event", "data"}
  --once              stop after the first change (same as --count 1)
  --count N           stop after N changes
  --timeout SECONDS   stop after this long (exit code 0)
  -h, --help          this help

${CONNECTION_HELP}`;

const COLLECTION = '/api/upgradestatusinfo';
const STREAM = `${COLLECTION}/stream`;
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;

const OPTIONS = {
  json: { type: 'boolean' },
  once: { type: 'boolean' },
  count: { type: 'string' },
  timeout: { type: 'string' },
} as const;

/** An SSE event as a change, or undefined for events of other types (ignored). */
export function toChange(ev: SseEvent): Change | undefined {
  if (!CHANGE_KINDS.has(ev.event)) return undefined;
  const kind = ev.event as ChangeKind;
  if (kind === 'reset') return { id: ev.id, kind, data: {} };
  let data: unknown;
  try {
    data = JSON.parse(ev.data);
  } catch {
    throw new CliError(`event ${ev.id ?? '-'} (${kind}): data is not JSON`);
  }
  if (!isObject(data)) throw new CliError(`event ${ev.id ?? '-'} (${kind}): data is not a JSON object`);
  return { id: ev.id, kind, data };
}

/** The change of an event; a malformed one is reported on stderr and skipped. */
function toChangeOrWarn(ev: SseEvent, io: Io): Change | undefined {
  try {
    return toChange(ev);
  } catch (e) {
    io.stderr.write(`avi-upgrade-status: skipped ${describeError(e)}\n`);
    return undefined;
  }
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleepFor(ms, undefined, { signal }).catch(() => undefined);
}

async function readBody(res: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of res) text += String(chunk);
  return text;
}

interface Watcher {
  client: ApiClient;
  io: Io;
  state: WatchState;
  screen: Screen | undefined;
  json: boolean;
  lastId: string | undefined;
  status: string;
}

function redraw(w: Watcher): void {
  if (!w.screen) return;
  const where = w.client.options.controller.origin;
  const last = w.lastId === undefined ? '' : `, event ${w.lastId}`;
  w.screen.draw(`${where}: ${w.state.records.size} records, ${w.status}${last}`, w.state);
}

async function handle(w: Watcher, change: Change): Promise<void> {
  let record;
  if (change.kind === 'reset') w.state.load(await w.client.listAll(COLLECTION));
  else record = w.state.apply(change);
  if (w.json) {
    await write(
      w.io.stdout,
      `${JSON.stringify({ id: change.id ?? null, event: change.kind, data: change.data })}\n`,
    );
  } else if (w.screen) redraw(w);
  else await write(w.io.stdout, `${changeLine(change, record, w.state)}\n`);
}

const after = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`);

/** Tells that the stream was lost and when it comes back: on the screen, else on stderr. */
function notify(w: Watcher, reason: string, delayMs: number): void {
  w.status = `reconnecting in ${after(delayMs)} (${reason})`;
  if (w.screen) redraw(w);
  else
    w.io.stderr.write(
      `avi-upgrade-status: stream interrupted (${reason}); reconnecting in ${after(delayMs)}\n`,
    );
}

/** Opens the stream; resolves the response, or why to try again after a pause. */
async function connect(w: Watcher, signal: AbortSignal): Promise<IncomingMessage | string> {
  const extra: Record<string, string> = w.lastId === undefined ? {} : { 'last-event-id': w.lastId };
  let res = await w.client.stream(STREAM, extra, signal);
  if (res.statusCode === 401) {
    res.resume();
    await w.client.relogin();
    res = await w.client.stream(STREAM, extra, signal);
  }
  const status = res.statusCode ?? 0;
  if (status === 200) {
    const type = String(res.headers['content-type'] ?? '');
    if (!type.startsWith('text/event-stream')) {
      res.resume();
      throw new CliError(`${STREAM} answered ${type || 'no content type'}, not an event stream`);
    }
    return res;
  }
  const body = await readBody(res);
  const detail = errorText({ status, headers: res.headers, body });
  if (status >= 500 || status === 429 || status === 408) return `${status} ${detail}`;
  throw new ApiCallError(status, status === 404 ? `${detail} (no change stream at ${STREAM})` : detail);
}

/** Reads one connection's events until it ends or `stop` fires; returns the parser (for `retry`). */
async function consume(
  w: Watcher,
  res: IncomingMessage,
  stop: AbortController,
  limit: Limit,
): Promise<SseParser> {
  const parser = new SseParser(w.lastId);
  res.setEncoding('utf8');
  for await (const chunk of res) {
    const events = parser.push(chunk as string);
    // An `id:` alone (no event) moves the resumption point too.
    if (events.length === 0) w.lastId = parser.lastEventId;
    for (const ev of events) {
      w.lastId = parser.lastEventId;
      const change = toChangeOrWarn(ev, w.io);
      if (!change) continue;
      await handle(w, change);
      if (limit.max !== undefined && ++limit.seen >= limit.max) stop.abort();
      if (stop.signal.aborted) return parser;
    }
  }
  return parser;
}

interface Limit {
  max: number | undefined;
  seen: number;
}

/** Connects, reads, and reconnects after a pause, until `stop` fires or a fatal error. */
async function follow(w: Watcher, stop: AbortController, limit: Limit): Promise<void> {
  let delay = FIRST_DELAY_MS;
  while (!stop.signal.aborted) {
    let reason = 'stream ended';
    let retryMs: number | undefined;
    try {
      const res = await connect(w, stop.signal);
      if (typeof res === 'string') {
        reason = res;
      } else {
        delay = FIRST_DELAY_MS;
        w.status = 'live';
        redraw(w);
        retryMs = (await consume(w, res, stop, limit)).retryMs;
      }
    } catch (e) {
      if (stop.signal.aborted) return;
      if (e instanceof ApiCallError || (e instanceof CliError && !(e instanceof NetworkError))) throw e;
      reason = describeError(e);
    }
    if (stop.signal.aborted) return;
    const wait = retryMs ?? delay;
    notify(w, reason, wait);
    await pause(wait, stop.signal);
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
}

export async function watch(args: string[], io: Io): Promise<void> {
  const parsed = parse(args, OPTIONS);
  const { values } = parsed;
  if (helpAsked(values, io, WATCH_HELP)) return;
  positionalsBetween(parsed, 0, 0, 'watch [options]');
  const limit: Limit = { max: flag(values, 'once') ? 1 : numberOption(values, 'count', 1, true), seen: 0 };
  const timeout = numberOption(values, 'timeout', 0);
  const json = flag(values, 'json');
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  const timer = timeout !== undefined ? setTimeout(onSignal, timeout * 1000) : undefined;
  try {
    await withClient(values, io, async (client) => {
      const screen = io.stdout.isTTY === true && !json ? new Screen(io.stdout) : undefined;
      const state = new WatchState();
      const w: Watcher = { client, io, state, screen, json, lastId: undefined, status: 'connecting' };
      if (screen) {
        state.load(await client.listAll(COLLECTION));
        redraw(w);
      }
      await follow(w, stop, limit);
    });
  } finally {
    process.off('SIGINT', onSignal);
    if (timer) clearTimeout(timer);
  }
}
