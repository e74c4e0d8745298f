// Command-line parsing for every command (node:util parseArgs, strict): the connection flags
// every API command takes, with their environment variables, plus each command's own flags.
// Every parsing problem becomes a UsageError (exit 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ConnectionOptions } from './client.js';
import { UsageError } from './errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Parsed {
  values: Values;
  positionals: string[];
}

export const DEFAULT_CONTROLLER = 'http://127.0.0.1:8080';

/** The flags that say where and as whom to connect (also accepted before the command). */
export const CONNECTION_OPTIONS = {
  controller: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  tenant: { type: 'string' },
  'api-version': { type: 'string' },
  insecure: { type: 'boolean' },
  'ca-file': { type: 'string' },
} as const satisfies Options;

export const CONNECTION_HELP = `Connection (flag, or environment variable):
  --controller URL     AVI_CONTROLLER   controller address (default ${DEFAULT_CONTROLLER};
                                        without a scheme: https://)
  --username NAME      AVI_USERNAME     user to log in as (default admin)
  --password PASSWORD  AVI_PASSWORD     its password
  --tenant NAME        AVI_TENANT       tenant to act in (default: the user's default tenant)
  --api-version X.Y.Z  AVI_API_VERSION  X-Avi-Version to speak (default: the controller's version)
  --insecure                            accept any TLS certificate (self-signed)
  --ca-file PEM                         trust the certificate(s) in this PEM file`;

/** Parses `args` against the connection flags, `options` and `--help`. */
export function parse(args: readonly string[], options: Options, connection = true): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: {
        ...(connection ? CONNECTION_OPTIONS : {}),
        ...options,
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
    return { values: values as Values, positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

export function text(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(values: Values, name: string): boolean {
  return values[name] === true;
}

export function texts(values: Values, name: string): string[] {
  const v = values[name];
  return Array.isArray(v)
    ? v.filter((x): x is string => typeof x === 'string')
    : typeof v === 'string'
      ? [v]
      : [];
}

/** A number (`integer`: a whole one) of at least `min`, or a UsageError naming the flag. */
export function numberOption(values: Values, name: string, min = 1, integer = false): number | undefined {
  const v = text(values, name);
  if (v === undefined) return undefined;
  const n = (integer ? /^\d{1,9}$/ : /^\d{1,9}(\.\d+)?$/).test(v) ? Number(v) : NaN;
  if (!(n >= min)) {
    throw new UsageError(
      `--${name} must be ${integer ? 'a whole number' : 'a number'} of at least ${min}, not '${v}'`,
    );
  }
  return n;
}

/** The positionals, or a UsageError unless there are from `min` to `max` of them. */
export function positionalsBetween(p: Parsed, min: number, max: number, usage: string): string[] {
  if (p.positionals.length < min) throw new UsageError(`missing argument: usage: ${usage}`);
  if (p.positionals.length > max) {
    throw new UsageError(`unexpected argument '${p.positionals[max]}': usage: ${usage}`);
  }
  return p.positionals;
}

function controllerUrl(raw: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`--controller: not a URL: '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--controller: only http:// and https:// are supported, not '${url.protocol}'`);
  }
  url.pathname = '/';
  url.search = '';
  url.hash = '';
  return url;
}

/** Where and as whom to connect: flags first, then the environment, then the defaults. */
export function connectionOptions(values: Values, env: NodeJS.ProcessEnv): ConnectionOptions {
  const pick = (name: string, variable: string): string | undefined => {
    const fromEnv = env[variable];
    return text(values, name) ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined);
  };
  const password = pick('password', 'AVI_PASSWORD');
  if (password === undefined) throw new UsageError('no password: give --password or set AVI_PASSWORD');
  const tenant = pick('tenant', 'AVI_TENANT');
  const apiVersion = pick('api-version', 'AVI_API_VERSION');
  if (apiVersion !== undefined && !/^\d+\.\d+(\.\d+)?$/.test(apiVersion)) {
    throw new UsageError(`--api-version must look like 31.1.1, not '${apiVersion}'`);
  }
  const caFile = text(values, 'ca-file');
  return {
    controller: controllerUrl(pick('controller', 'AVI_CONTROLLER') ?? DEFAULT_CONTROLLER),
    username: pick('username', 'AVI_USERNAME') ?? 'admin',
    password,
    insecure: flag(values, 'insecure'),
    ...(tenant !== undefined ? { tenant } : {}),
    ...(apiVersion !== undefined ? { apiVersion } : {}),
    ...(caFile !== undefined ? { caFile } : {}),
  };
}

/**
 * Splits connection flags given before the command word off the front of `argv`, so that
 * `avi-upgrade-status --controller URL show upgrade status` works as well as after it.
 */
export function splitLeadingOptions(argv: readonly string[]): { leading: string[]; rest: string[] } {
  const leading: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i]!;
    const match = /^--([a-z-]+)(=.*)?$/.exec(arg);
    const spec = match ? (CONNECTION_OPTIONS as Options)[match[1]!] : undefined;
    if (!match || !spec) break;
    leading.push(arg);
    i++;
    if (spec.type === 'string' && match[2] === undefined && i < argv.length) leading.push(argv[i++]!);
  }
  return { leading, rest: argv.slice(i) };
}
