// Shared pieces of the administration commands (`user`, `tenant`): find an object by name,
// read a new password from a flag or the first line of stdin.
import { isObject, type ApiClient, type JsonObject } from '../client.js';
import { CliError, UsageError } from '../errors.js';
import { flag, text, type Values } from '../args.js';
import type { Io } from '../context.js';

/** The one object of `collection` (`/api/user`) named `name`, else a CliError. */
export async function findByName(
  client: ApiClient,
  collection: string,
  name: string,
  what: string,
): Promise<JsonObject> {
  const { results } = await client.get(collection, { name, include_name: true });
  const candidates = Array.isArray(results) ? results.filter(isObject) : [];
  // Users match by username or name: the username wins.
  const found = candidates.find((o) => o.username === name) ?? candidates.find((o) => o.name === name);
  if (found === undefined) throw new CliError(`no ${what} named '${name}'`);
  return found;
}

/** The path of an object from its `uuid`. */
export function itemPath(collection: string, obj: JsonObject): string {
  if (typeof obj.uuid !== 'string') throw new CliError(`${collection}: the answer has no uuid`);
  return `${collection}/${encodeURIComponent(obj.uuid)}`;
}

async function firstLine(io: Io): Promise<string> {
  let data = '';
  for await (const chunk of io.stdin) {
    data += String(chunk);
    if (data.includes('\n')) break;
  }
  return data.split(/\r?\n/, 1)[0] ?? '';
}

/** `--new-password` or, with `--new-password-stdin`, the first line of stdin. */
export async function newPassword(values: Values, io: Io, command: string): Promise<string> {
  const given = text(values, 'new-password');
  if (given !== undefined && flag(values, 'new-password-stdin')) {
    throw new UsageError('give either --new-password or --new-password-stdin, not both');
  }
  const password = given ?? (flag(values, 'new-password-stdin') ? await firstLine(io) : undefined);
  if (password === undefined) throw new UsageError(`${command} needs --new-password or --new-password-stdin`);
  if (password === '') throw new UsageError('the new password is empty');
  return password;
}

export const PASSWORD_OPTIONS = {
  'new-password': { type: 'string' },
  'new-password-stdin': { type: 'boolean' },
} as const;
