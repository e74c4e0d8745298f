// Puts a built app on the network: listens on HOST:PORT (HTTPS when the app was built with a
// certificate), and stops it gracefully on SIGTERM/SIGINT, or in a worker when the primary goes.
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Storage } from '../storage/types.js';
import { InFlight, onTerminationSignals, shutdown, stopOnce } from './shutdown.js';
import { isWorker, onPrimaryGone } from './workers.js';
import type { TlsMaterial } from './tls.js';

export async function listen(app: FastifyInstance, storage: Storage, config: Config): Promise<void> {
  const inFlight = new InFlight(app.server);
  const timeoutMs = config.shutdownTimeoutSeconds * 1000;
  const trigger = stopOnce((reason) => shutdown({ app, storage, inFlight, timeoutMs, log: app.log }, reason));
  onTerminationSignals(trigger);
  if (isWorker()) onPrimaryGone(trigger);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await app.close().catch(() => undefined);
    await storage.close();
    throw err;
  }
}

/** The log of the start-up steps before an app exists (and of the workers' primary). */
export function startupLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel });
}

/** Logs the certificate's SHA-256 fingerprint, for clients that pin it. */
export function announceCertificate(log: Logger, tls: TlsMaterial): void {
  const details = {
    fingerprint256: tls.fingerprint256,
    subjectAltName: tls.subjectAltName,
    validTo: tls.validTo,
  };
  const origin =
    tls.source === 'self-signed' ? 'generated a self-signed certificate' : 'certificate from TLS_CERT';
  const message = `HTTPS: ${origin}, SHA-256 fingerprint ${tls.fingerprint256}`;
  if (log.isLevelEnabled('info')) log.info(details, message);
  else if (tls.source === 'self-signed') process.stderr.write(`avi-upgrade-status: ${message}\n`);
}
