// The engine of the live change stream (GET /api/upgradestatusinfo/stream): ONE watcher of the
// change feed per process, fanning out to every connected client. Each batch of new changes is
// read once, each changed object once (through the store's get), and then every client gets
// the changes of the tenants it may read, each object presented for that client (its API
// version, its origin). All work (batches, clients joining with their replay) runs one task at
// a time, so a client never misses a change between its replay and the live batches, and never
// gets one twice. The SSE wire text is written here; the route only opens and closes the
// response.
import type { Change, ChangeFeed, StoredObject, UpgradeStatusStore } from '../storage/types.js';

/** One connected client, as the route sets it up. */
export interface StreamClient {
  /** The tenant whose changes it hears (its uuid); null: every tenant (`X-Avi-Tenant: *`). */
  readonly tenant: string | null;
  /** The object as this client reads it: JSON text on one line. */
  present(obj: StoredObject): string;
  /** Sends event-stream text; false when the client does not keep up (it is then dropped). */
  write(text: string): boolean;
  /** Ends the response (the stream closes, or the client is dropped). */
  end(): void;
  /** Whether the client may still read (credentials, session, roles); asked every heartbeat. */
  stillAllowed?(): Promise<boolean>;
}

export interface Subscription {
  /** The seq the client starts after (sent to it as its first `id:`). */
  readonly start: number;
  /** Forgets the client (its response closed); does not end the response. */
  close(): void;
}

export interface ChangeStreamOptions {
  /** How often every client gets a `: keep-alive` comment and is checked (ms, default 15 s). */
  heartbeatMs?: number;
  /** Changes read per query (default 500). */
  batch?: number;
  /** Pause before reading again after the database failed (ms, default 1 s). */
  retryMs?: number;
  /** Told of failures reading the feed (the stream goes on and tries again). */
  onError?: (err: unknown) => void;
}

/** Why a client resuming from `lastId` must reload: its changes are no longer all kept. */
export function needsReset(lastId: number, bounds: { oldest: number; newest: number }): boolean {
  return lastId > bounds.newest || (bounds.oldest > 0 && lastId < bounds.oldest - 1);
}

/** One event of the stream, as written on the wire. */
export function sseEvent(seq: number, event: string, data: string): string {
  return `id: ${seq}\nevent: ${event}\ndata: ${data}\n\n`;
}

export const KEEP_ALIVE = ': keep-alive\n\n';

interface Member {
  client: StreamClient;
  /** The newest seq this client has been given (or skipped, as invisible to it). */
  lastSeq: number;
  checking: boolean;
  /** Dropped or left: never (again) a member. */
  gone: boolean;
}

type Objects = Map<string, StoredObject | undefined>;

const key = (c: Change): string => `${c.tenant}\u0000${c.uuid}`;
const sees = (m: Member, c: Change): boolean => m.client.tenant === null || m.client.tenant === c.tenant;

export class ChangeStream {
  private readonly members = new Set<Member>();
  private readonly heartbeatMs: number;
  private readonly batch: number;
  private readonly retryMs: number;
  /** The newest seq every member has been brought to. */
  private cursor = 0;
  private stopWatching: (() => void) | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private pumpQueued = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly feed: ChangeFeed,
    private readonly store: Pick<UpgradeStatusStore, 'get'>,
    private readonly options: ChangeStreamOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.batch = options.batch ?? 500;
    this.retryMs = options.retryMs ?? 1000;
  }

  /** Clients connected now. */
  get size(): number {
    return this.members.size;
  }

  /**
   * Adds a client: from now on (`lastId` undefined), or after `lastId`, replaying what it
   * missed; when those changes are no longer all kept, it gets `event: reset` instead.
   * Rejects when the feed cannot be read (nothing was written to the client then).
   */
  subscribe(client: StreamClient, lastId?: number): Promise<Subscription> {
    return this.run(() => this.join(client, lastId));
  }

  /** Ends every stream and stops watching (the server is closing). */
  close(): void {
    this.closed = true;
    for (const m of [...this.members]) this.drop(m);
    this.idle();
  }

  /** Runs `task` after every task queued before it. */
  private run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async join(client: StreamClient, lastId: number | undefined): Promise<Subscription> {
    if (this.closed) throw new Error('the change stream is closed');
    try {
      if (!this.stopWatching) {
        this.stopWatching = this.feed.watch(() => this.schedule());
        this.cursor = (await this.feed.bounds()).newest;
      }
      const member: Member = { client, lastSeq: this.cursor, checking: false, gone: false };
      // An `id:` alone sets the client's Last-Event-ID without an event: a reconnection resumes here.
      let position = `id: ${member.lastSeq}\n\n`;
      if (lastId !== undefined) {
        if (needsReset(lastId, await this.feed.bounds())) {
          position = sseEvent(this.cursor, 'reset', '{}');
        } else {
          member.lastSeq = lastId;
          await this.replay(member);
          member.lastSeq = Math.max(lastId, this.cursor);
          position = `id: ${member.lastSeq}\n\n`;
        }
      }
      if (!client.write(position)) member.gone = true;
      const subscription = { start: member.lastSeq, close: () => this.leave(member) };
      if (member.gone) {
        this.drop(member);
        if (this.members.size === 0) this.idle();
        return subscription;
      }
      this.members.add(member);
      this.heartbeat ??= setInterval(() => this.beat(), this.heartbeatMs);
      this.heartbeat.unref();
      return subscription;
    } catch (err) {
      if (this.members.size === 0) this.idle();
      throw err;
    }
  }

  /** The changes after `member.lastSeq` up to the cursor, for this member alone. */
  private async replay(member: Member): Promise<void> {
    while (member.lastSeq < this.cursor && !member.gone) {
      const changes = (await this.feed.after(member.lastSeq, this.batch)).filter((c) => c.seq <= this.cursor);
      if (changes.length === 0) return;
      this.deliver(member, changes, await this.objects(changes, [member]));
    }
  }

  private schedule(): void {
    if (this.pumpQueued || this.closed) return;
    this.pumpQueued = true;
    void this.run(async () => {
      this.pumpQueued = false;
      await this.pump();
    }).catch((err: unknown) => {
      this.options.onError?.(err);
      if (this.members.size === 0 || this.retry) return;
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.schedule();
      }, this.retryMs);
      this.retry.unref();
    });
  }

  /** Reads the new changes batch by batch and hands each batch to every member. */
  private async pump(): Promise<void> {
    while (this.members.size > 0) {
      const changes = await this.feed.after(this.cursor, this.batch);
      if (changes.length === 0) return;
      const members = [...this.members];
      const objects = await this.objects(changes, members);
      for (const m of members) if (this.members.has(m)) this.deliver(m, changes, objects);
      this.cursor = (changes.at(-1) as Change).seq;
      if (changes.length < this.batch) return;
    }
  }

  /** Each object created or updated in `changes` that some member may see, read once. */
  private async objects(changes: readonly Change[], members: readonly Member[]): Promise<Objects> {
    const wanted = new Map<string, Change>();
    for (const c of changes) {
      if (c.kind !== 'delete' && !wanted.has(key(c)) && members.some((m) => sees(m, c)))
        wanted.set(key(c), c);
    }
    const out: Objects = new Map();
    await Promise.all(
      [...wanted].map(async ([k, c]) => {
        out.set(k, await this.store.get(c.uuid, c.tenant));
      }),
    );
    return out;
  }

  private deliver(member: Member, changes: readonly Change[], objects: Objects): void {
    let text = '';
    for (const c of changes) {
      if (c.seq <= member.lastSeq || !sees(member, c)) continue;
      if (c.kind === 'delete') {
        text += sseEvent(c.seq, 'delete', JSON.stringify({ uuid: c.uuid }));
        continue;
      }
      const obj = objects.get(key(c));
      // Gone since (deleted, or moved to another tenant): the delete that follows says so.
      if (obj) text += sseEvent(c.seq, c.kind, member.client.present(obj));
    }
    const last = changes.at(-1);
    if (last && last.seq > member.lastSeq) member.lastSeq = last.seq;
    if (text !== '' && !member.client.write(text)) this.drop(member);
  }

  private beat(): void {
    for (const m of [...this.members]) {
      if (!m.client.write(KEEP_ALIVE)) {
        this.drop(m);
        continue;
      }
      const check = m.client.stillAllowed;
      if (!check || m.checking) continue;
      m.checking = true;
      check.call(m.client).then(
        (allowed) => {
          m.checking = false;
          if (!allowed) this.drop(m);
        },
        () => {
          m.checking = false; // the database is down: keep the stream until it can tell
        },
      );
    }
  }

  private drop(member: Member): void {
    this.leave(member);
    try {
      member.client.end();
    } catch {
      // already gone
    }
  }

  private leave(member: Member): void {
    member.gone = true;
    if (!this.members.delete(member)) return;
    if (this.members.size === 0) this.idle();
  }

  /** Nobody listens: stop watching and ticking (the next client starts again from the newest). */
  private idle(): void {
    this.stopWatching?.();
    this.stopWatching = undefined;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
  }
}
