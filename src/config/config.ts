// Configuration: every setting comes from an environment variable or the same-named flag
// (`PORT` / `--port`); a flag wins over the environment. A bad value stops start-up with a
// message naming the variable and the value.
import { parseArgs } from 'node:util';
import { compareVersions, parseVersion } from '../domain/versioning/version.js';

export const LICENSE_TIERS = ['ENTERPRISE', 'ENTERPRISE_WITH_CLOUD_SERVICES', 'ESSENTIALS', 'BASIC'] as const;
export type LicenseTier = (typeof LICENSE_TIERS)[number];

export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** HTTPS: off, from PEM files (`TLS_CERT` + `TLS_KEY`), or a certificate generated at start-up. */
export type TlsConfig =
  { kind: 'off' } | { kind: 'files'; certFile: string; keyFile: string } | { kind: 'self-signed' };

export interface Config {
  port: number;
  host: string;
  database: DatabaseConfig;
  databaseUrl: string;
  controllerVersion: string;
  /** The API version of a request without `X-Avi-Version` (`X.Y.Z` or `X.Y`). */
  defaultApiVersion: string;
  licenseTier: LicenseTier;
  adminPassword: string | undefined;
  logLevel: string;
  /** Whether `Authorization: Basic` is accepted. */
  basicAuth: boolean;
  /** Idle timeout of a session in minutes (0: none). */
  sessionIdleMinutes: number;
  /** Absolute lifetime of a session in hours. */
  sessionMaxHours: number;
  /** Failed logins for one username, within 15 minutes, before it is refused for a while. */
  loginMaxFailures: number;
  /** Failed logins from one address, within 15 minutes, before it is refused for a while. */
  loginMaxFailuresPerAddress: number;
  /** How long a throttled username or address is refused, in seconds. */
  loginLockoutSeconds: number;
  tls: TlsConfig;
  /** Server processes sharing the port (node:cluster when more than 1). */
  workers: number;
  /** How long a shutdown waits for in-flight requests before closing their connections. */
  shutdownTimeoutSeconds: number;
  /** The upgrade simulator (/api/simulator, /api/upgrade, ...): on or off. */
  simulator: boolean;
  /** Simulated seconds per real second of the simulator's real-time clock. */
  simulatorSpeed: number;
  /** `realtime`, or `step` (runs move only on POST /api/simulator/clock). */
  simulatorClock: 'realtime' | 'step';
  /** Simulated seconds the controllers take to reboot (the API answers 503 meanwhile). */
  simulatorRebootSeconds: number;
}

export class ConfigError extends Error {
  constructor(variable: string, value: string, expected: string) {
    super(`Invalid value for ${variable}: '${value}' (expected ${expected})`);
    this.name = 'ConfigError';
  }
}

interface Setting {
  env: string;
  flag: string;
  default?: string;
  help: string;
}

/** Every setting, its variable, its flag and its default: the README's table is this list. */
export const SETTINGS = {
  port: { env: 'PORT', flag: 'port', default: '8080', help: 'TCP port to listen on' },
  host: { env: 'HOST', flag: 'host', default: '127.0.0.1', help: 'address to listen on' },
  tlsCert: { env: 'TLS_CERT', flag: 'tls-cert', help: 'PEM certificate file (with TLS_KEY: serve HTTPS)' },
  tlsKey: { env: 'TLS_KEY', flag: 'tls-key', help: 'PEM private key file of TLS_CERT' },
  tls: { env: 'TLS', flag: 'tls', help: 'self-signed: serve HTTPS with a certificate generated at start-up' },
  workers: {
    env: 'WORKERS',
    flag: 'workers',
    default: '1',
    help: 'server processes sharing the port',
  },
  shutdownTimeoutSeconds: {
    env: 'SHUTDOWN_TIMEOUT_SECONDS',
    flag: 'shutdown-timeout-seconds',
    default: '10',
    help: 'how long SIGTERM waits for in-flight requests',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    flag: 'database-url',
    default: 'sqlite:./data/upgradestatus.db',
    help: 'where objects are stored: sqlite:<path> or postgres://user:password@host:port/database',
  },
  controllerVersion: {
    env: 'CONTROLLER_VERSION',
    flag: 'controller-version',
    default: '31.1.1',
    help: 'the controller version this server reports',
  },
  defaultApiVersion: {
    env: 'DEFAULT_API_VERSION',
    flag: 'default-api-version',
    default: '16.4.1',
    help: 'the API version of a request without X-Avi-Version',
  },
  licenseTier: {
    env: 'LICENSE_TIER',
    flag: 'license-tier',
    default: 'ENTERPRISE',
    help: LICENSE_TIERS.join(', '),
  },
  adminPassword: { env: 'ADMIN_PASSWORD', flag: 'admin-password', help: 'password of the first admin user' },
  basicAuth: {
    env: 'BASIC_AUTH',
    flag: 'basic-auth',
    default: 'on',
    help: 'accept Authorization: Basic (on/off)',
  },
  sessionIdleMinutes: {
    env: 'SESSION_IDLE_MINUTES',
    flag: 'session-idle-minutes',
    default: '15',
    help: 'idle timeout of a login session in minutes, 0 for none',
  },
  sessionMaxHours: {
    env: 'SESSION_MAX_HOURS',
    flag: 'session-max-hours',
    default: '24',
    help: 'absolute lifetime of a login session in hours',
  },
  loginMaxFailures: {
    env: 'LOGIN_MAX_FAILURES',
    flag: 'login-max-failures',
    default: '5',
    help: 'failed logins per username within 15 minutes before a lockout',
  },
  loginMaxFailuresPerAddress: {
    env: 'LOGIN_MAX_FAILURES_PER_ADDRESS',
    flag: 'login-max-failures-per-address',
    default: '20',
    help: 'failed logins per client address within 15 minutes before a lockout',
  },
  loginLockoutSeconds: {
    env: 'LOGIN_LOCKOUT_SECONDS',
    flag: 'login-lockout-seconds',
    default: '60',
    help: 'how long a locked-out username or address is refused',
  },
  simulator: {
    env: 'SIMULATOR',
    flag: 'simulator',
    default: 'off',
    help: 'the upgrade simulator: on/off',
  },
  simulatorSpeed: {
    env: 'SIMULATOR_SPEED',
    flag: 'simulator-speed',
    default: '100',
    help: 'simulated seconds per real second',
  },
  simulatorClock: {
    env: 'SIMULATOR_CLOCK',
    flag: 'simulator-clock',
    default: 'realtime',
    help: 'realtime, or step (runs move only on POST /api/simulator/clock)',
  },
  simulatorRebootSeconds: {
    env: 'SIMULATOR_REBOOT_SECONDS',
    flag: 'simulator-reboot-seconds',
    default: '240',
    help: 'simulated seconds a controller reboot takes (the API answers 503 meanwhile; 0: no reboot window)',
  },
  logLevel: {
    env: 'LOG_LEVEL',
    flag: 'log-level',
    default: 'info',
    help: 'fatal, error, warn, info, debug, trace, silent',
  },
} satisfies Record<string, Setting>;

type Key = keyof typeof SETTINGS;

const VERSION_RE = /^\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const ON_OFF = new Map<string, boolean>([
  ...['on', 'true', 'yes', '1'].map((v): [string, boolean] => [v, true]),
  ...['off', 'false', 'no', '0'].map((v): [string, boolean] => [v, false]),
]);

/** Reads the configuration from `env` and command-line `argv` (without node and script). */
export function loadConfig(env: NodeJS.ProcessEnv, argv: readonly string[] = []): Config {
  const options = Object.fromEntries(
    Object.values(SETTINGS).map((s) => [s.flag, { type: 'string' as const }]),
  );
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new ConfigError('command line', argv.join(' '), (e as Error).message);
  }
  const raw = (key: Key): string | undefined => {
    const s: Setting = SETTINGS[key];
    const fromFlag = flags[s.flag];
    if (typeof fromFlag === 'string') return fromFlag;
    const fromEnv = env[s.env];
    return fromEnv !== undefined && fromEnv !== '' ? fromEnv : s.default;
  };
  const get = (key: Key): string => raw(key) ?? '';

  const portText = get('port');
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new ConfigError('PORT', portText, 'an integer from 0 to 65535');

  const host = get('host');
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(host)) throw new ConfigError('HOST', host, 'a host name or IP address');

  const databaseUrl = get('databaseUrl');
  const database = parseDatabaseUrl(databaseUrl);

  const controllerVersion = get('controllerVersion');
  if (!VERSION_RE.test(controllerVersion)) {
    throw new ConfigError('CONTROLLER_VERSION', controllerVersion, 'a version such as 31.1.1');
  }
  const defaultApiVersion = get('defaultApiVersion');
  const parsedDefault = parseVersion(defaultApiVersion);
  if (
    !parsedDefault ||
    defaultApiVersion.trim() !== defaultApiVersion ||
    compareVersions(parsedDefault, parseVersion(controllerVersion) ?? parsedDefault) > 0
  ) {
    throw new ConfigError(
      'DEFAULT_API_VERSION',
      defaultApiVersion,
      `a version such as 16.4.1, at most CONTROLLER_VERSION (${controllerVersion})`,
    );
  }
  const licenseTier = get('licenseTier');
  if (!(LICENSE_TIERS as readonly string[]).includes(licenseTier)) {
    throw new ConfigError('LICENSE_TIER', licenseTier, `one of ${LICENSE_TIERS.join(', ')}`);
  }
  const adminPassword = raw('adminPassword');
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('ADMIN_PASSWORD', '(hidden)', 'at least 8 characters');
  }
  const logLevel = get('logLevel');
  if (!LOG_LEVELS.includes(logLevel))
    throw new ConfigError('LOG_LEVEL', logLevel, `one of ${LOG_LEVELS.join(', ')}`);

  const basicAuthText = get('basicAuth');
  const basicAuth = ON_OFF.get(basicAuthText.toLowerCase());
  if (basicAuth === undefined) throw new ConfigError('BASIC_AUTH', basicAuthText, 'on or off');
  const int = (key: Key, min: number, max: number): number => {
    const text = get(key);
    const n = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
    if (!(n >= min && n <= max)) {
      throw new ConfigError(SETTINGS[key].env, text, `an integer from ${min} to ${max}`);
    }
    return n;
  };

  const simulatorText = get('simulator');
  const simulator = ON_OFF.get(simulatorText.toLowerCase());
  if (simulator === undefined) throw new ConfigError('SIMULATOR', simulatorText, 'on or off');
  const simulatorClock = get('simulatorClock');
  if (simulatorClock !== 'realtime' && simulatorClock !== 'step') {
    throw new ConfigError('SIMULATOR_CLOCK', simulatorClock, 'realtime or step');
  }

  return {
    port,
    host,
    database,
    databaseUrl,
    controllerVersion,
    defaultApiVersion,
    licenseTier: licenseTier as LicenseTier,
    adminPassword,
    logLevel,
    basicAuth,
    sessionIdleMinutes: int('sessionIdleMinutes', 0, 1440),
    sessionMaxHours: int('sessionMaxHours', 1, 8760),
    loginMaxFailures: int('loginMaxFailures', 1, 1000),
    loginMaxFailuresPerAddress: int('loginMaxFailuresPerAddress', 1, 100000),
    loginLockoutSeconds: int('loginLockoutSeconds', 1, 86400),
    tls: parseTls(raw('tls'), raw('tlsCert'), raw('tlsKey')),
    workers: sharedStoreWorkers(int('workers', 1, 256), database),
    shutdownTimeoutSeconds: int('shutdownTimeoutSeconds', 1, 3600),
    simulator,
    simulatorSpeed: int('simulatorSpeed', 1, 100000),
    simulatorClock,
    simulatorRebootSeconds: int('simulatorRebootSeconds', 0, 86400),
  };
}

/** Several workers must share one store: a private in-memory SQLite database cannot be shared. */
function sharedStoreWorkers(workers: number, database: DatabaseConfig): number {
  if (workers > 1 && database.kind === 'sqlite' && database.file === ':memory:') {
    throw new ConfigError('WORKERS', String(workers), '1 with an in-memory database (sqlite::memory:)');
  }
  return workers;
}

/** The HTTPS settings: both files, or `TLS=self-signed`, or neither. */
function parseTls(mode: string | undefined, cert: string | undefined, key: string | undefined): TlsConfig {
  if (mode !== undefined) {
    if (mode !== 'self-signed') throw new ConfigError('TLS', mode, 'self-signed, or unset');
    const file = cert !== undefined ? 'TLS_CERT' : key !== undefined ? 'TLS_KEY' : undefined;
    if (file !== undefined) {
      throw new ConfigError('TLS', mode, `unset when ${file} is set (a certificate is given or generated)`);
    }
    return { kind: 'self-signed' };
  }
  if (cert === undefined && key === undefined) return { kind: 'off' };
  if (cert === undefined) throw new ConfigError('TLS_CERT', '', 'a PEM certificate file to go with TLS_KEY');
  if (key === undefined) throw new ConfigError('TLS_KEY', '', 'a PEM private key file to go with TLS_CERT');
  return { kind: 'files', certFile: cert, keyFile: key };
}

function parseDatabaseUrl(url: string): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file === '') throw new ConfigError('DATABASE_URL', url, 'sqlite:<path to a file>');
    return { kind: 'sqlite', file };
  }
  // libpq-style: postgres://user:password@host:port/database?sslmode=...; also without a host
  // (postgres:///db: PGHOST or the local socket), as pg accepts.
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  const masked = url.replace(/\/\/[^@/]*@/, '//***@'); // never echo a password
  throw new ConfigError('DATABASE_URL', masked, 'sqlite:<path> or postgres://user:password@host/database');
}
