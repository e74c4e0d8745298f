// Graceful shutdown of one server process: on SIGTERM or SIGINT stop accepting connections,
// let the requests in flight finish (each answered with `Connection: close`), close keep-alive
// connections as they fall idle, and after the timeout close whatever is still open. Then close
// the store and exit 0. Repeated signals while this runs are ignored: the timeout bounds it.
import type { Server, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Storage } from '../storage/types.js';
import { isLongLived } from '../http/long-lived.js';

/** How often idle keep-alive connections are closed while draining. */
const IDLE_SWEEP_MS = 100;

/** The responses a server is writing, so that a shutdown can ask for `Connection: close` on them. */
export class InFlight {
  private readonly active = new Set<ServerResponse>();
  private draining = false;

  constructor(private readonly server: Server) {
    server.on('request', (_req, res: ServerResponse) => {
      this.active.add(res);
      res.once('close', () => this.active.delete(res));
      if (this.draining) closeAfter(res);
    });
  }

  /** Responses being written, but not event streams (the app ends those when it closes). */
  get count(): number {
    let n = 0;
    for (const res of this.active) if (!isLongLived(res)) n++;
    return n;
  }

  /** From now on every response ends its connection; idle connections are closed at once. */
  drain(): void {
    this.draining = true;
    for (const res of this.active) closeAfter(res);
    this.server.closeIdleConnections();
  }

  /** Closes every connection, busy or not. */
  destroyAll(): void {
    this.server.closeAllConnections();
  }

  closeIdle(): void {
    this.server.closeIdleConnections();
  }
}

function closeAfter(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('connection', 'close');
}

export interface ShutdownDeps {
  app: FastifyInstance;
  storage: Pick<Storage, 'close'>;
  inFlight: InFlight;
  timeoutMs: number;
  log: FastifyBaseLogger;
}

/** Stops the app as described above; resolves once the store is closed. */
export async function shutdown(deps: ShutdownDeps, reason: string): Promise<void> {
  const { app, inFlight, log } = deps;
  log.info({ reason, inFlight: inFlight.count, timeoutMs: deps.timeoutMs }, 'shutting down');
  const sweep = setInterval(() => inFlight.closeIdle(), IDLE_SWEEP_MS);
  const force = setTimeout(() => {
    log.warn({ inFlight: inFlight.count }, 'shutdown timeout: closing the connections still open');
    inFlight.destroyAll();
  }, deps.timeoutMs);
  try {
    const closed = app.close(); // stops accepting; new requests on open connections get 503
    inFlight.drain();
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(force);
  }
  await deps.storage.close();
  log.info('shut down');
}

/**
 * A trigger that runs `stop` once (later calls do nothing), then exits 0, or 1 if stopping
 * failed.
 */
export function stopOnce(
  stop: (reason: string) => Promise<void>,
  exit: (code: number) => void = (code) => process.exit(code),
): (reason: string) => void {
  let stopping = false;
  return (reason) => {
    if (stopping) return;
    stopping = true;
    stop(reason).then(
      () => exit(0),
      (err: unknown) => {
        console.error('avi-upgrade-status: shutdown failed:', err);
        exit(1);
      },
    );
  };
}

/** Pulls `trigger` on SIGTERM and SIGINT; returns a function that removes the handlers. */
export function onTerminationSignals(trigger: (reason: string) => void): () => void {
  const handler = (signal: NodeJS.Signals): void => trigger(signal);
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}
