// Configuration: every setting comes from an environment variable or the same-named flag
// (`PORT` / `--port`); a flag wins over the environment. A bad value stops start-up with a
// message naming the variable and the value.
import { parseArgs } from 'node:util';

export const LICENSE_TIERS = ['ENTERPRISE', 'ENTERPRISE_WITH_CLOUD_SERVICES', 'ESSENTIALS', 'BASIC'] as const;
export type LicenseTier = (typeof LICENSE_TIERS)[number];

export type DatabaseConfig = { kind: 'sqlite'; file: string };

export interface Config {
  port: number;
  host: string;
  database: DatabaseConfig;
  databaseUrl: string;
  controllerVersion: string;
  licenseTier: LicenseTier;
  adminPassword: string | undefined;
  logLevel: string;
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
  databaseUrl: {
    env: 'DATABASE_URL',
    flag: 'database-url',
    default: 'sqlite:./data/upgradestatus.db',
    help: 'where objects are stored: sqlite:<path>',
  },
  controllerVersion: {
    env: 'CONTROLLER_VERSION',
    flag: 'controller-version',
    default: '31.1.1',
    help: 'the controller version this server reports',
  },
  licenseTier: {
    env: 'LICENSE_TIER',
    flag: 'license-tier',
    default: 'ENTERPRISE',
    help: LICENSE_TIERS.join(', '),
  },
  adminPassword: { env: 'ADMIN_PASSWORD', flag: 'admin-password', help: 'password of the first admin user' },
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

  return {
    port,
    host,
    database,
    databaseUrl,
    controllerVersion,
    licenseTier: licenseTier as LicenseTier,
    adminPassword,
    logLevel,
  };
}

function parseDatabaseUrl(url: string): DatabaseConfig {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (file === '') throw new ConfigError('DATABASE_URL', url, 'sqlite:<path to a file>');
    return { kind: 'sqlite', file };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const masked = url.replace(/\/\/[^@/]*@/, '//***@');
    throw new ConfigError('DATABASE_URL', masked, 'sqlite:<path>; PostgreSQL is not supported yet');
  }
  throw new ConfigError('DATABASE_URL', url, 'sqlite:<path>');
}
