// `user list|create|delete|passwd`: users through /api/user (System-Admin only for changes). A
// password change is a PUT of the user as read, plus `password` (the API keeps it otherwise).
import { CONNECTION_HELP, flag, parse, positionalsBetween, text, texts } from '../args.js';
import { isObject, type Json, type JsonObject } from '../client.js';
import { helpAsked, withClient, write, type Io } from '../context.js';
import { UsageError } from '../errors.js';
import { cell, json, refName, renderTable } from '../tables.js';
import { findByName, itemPath, newPassword, PASSWORD_OPTIONS } from './admin.js';

export const USER_HELP = `Usage: avi-upgrade-status user <list|create|delete|passwd> [options]

  user list [--json]                every user the caller can see
  user create <username> --new-password PASSWORD [--access ROLE@TENANT]... [--default-tenant NAME]
              [--superuser] [--email ADDRESS] [--full-name NAME]
  user delete <username>
  user passwd <username> --new-password PASSWORD

Options:
  --new-password PASSWORD   the user's (new) password (8 to 256 characters)
  --new-password-stdin      read it from the first line of stdin instead
  --access ROLE@TENANT      a role in a tenant (ROLE@* for every tenant); repeatable. Roles:
                            System-Admin, Tenant-Admin, Application-Operator
  --json                    print the API's answer as JSON

${CONNECTION_HELP}`;

const OPTIONS = {
  ...PASSWORD_OPTIONS,
  json: { type: 'boolean' },
  access: { type: 'string', multiple: true },
  'default-tenant': { type: 'string' },
  superuser: { type: 'boolean' },
  email: { type: 'string' },
  'full-name': { type: 'string' },
} as const;
const COLLECTION = '/api/user';

/** `ROLE@TENANT` / `ROLE@*` as a UserRole entry. */
export function accessEntry(spec: string): JsonObject {
  const at = spec.lastIndexOf('@');
  const role = spec.slice(0, at);
  const tenant = spec.slice(at + 1);
  if (at <= 0 || tenant === '') throw new UsageError(`--access must be ROLE@TENANT or ROLE@*, not '${spec}'`);
  const roleRef = `/api/role/?name=${encodeURIComponent(role)}`;
  if (tenant === '*') return { role_ref: roleRef, all_tenants: true };
  return { role_ref: roleRef, tenant_ref: `/api/tenant/?name=${encodeURIComponent(tenant)}` };
}

function accessText(access: Json | undefined): string {
  if (!Array.isArray(access)) return '-';
  const entries = access.filter(isObject).map((a) => {
    const tenant = a.all_tenants === true ? '*' : refName(a.tenant_ref);
    return `${refName(a.role_ref)}@${tenant}`;
  });
  return entries.length === 0 ? '-' : entries.join(', ');
}

function userRows(users: readonly JsonObject[]): string[][] {
  return users.map((u) => [
    cell(u.username),
    cell(u.full_name ?? u.name),
    u.is_superuser === true ? 'yes' : 'no',
    u.is_active === false ? 'no' : 'yes',
    cell(refName(u.default_tenant_ref)),
    accessText(u.access),
  ]);
}

export async function user(args: string[], io: Io): Promise<void> {
  const parsed = parse(args, OPTIONS);
  const { values } = parsed;
  if (helpAsked(values, io, USER_HELP)) return;
  const [sub, ...rest] = parsed.positionals;
  const operands = { ...parsed, positionals: rest };
  switch (sub) {
    case 'list': {
      positionalsBetween(operands, 0, 0, 'user list');
      return withClient(values, io, async (client) => {
        const users = await client.listAll(COLLECTION, { include_name: true });
        if (flag(values, 'json')) return write(io.stdout, json(users));
        const headers = ['Username', 'Name', 'Superuser', 'Active', 'Default tenant', 'Access'];
        return write(
          io.stdout,
          renderTable(
            headers.map((header) => ({ header })),
            userRows(users),
          ),
        );
      });
    }
    case 'create': {
      const [username] = positionalsBetween(operands, 1, 1, 'user create <username> --new-password PASSWORD');
      const password = await newPassword(values, io, 'user create');
      const access = texts(values, 'access').map(accessEntry);
      const defaultTenant = text(values, 'default-tenant');
      const body: JsonObject = { username: username!, password, access };
      if (defaultTenant !== undefined)
        body.default_tenant_ref = `/api/tenant/?name=${encodeURIComponent(defaultTenant)}`;
      if (flag(values, 'superuser')) body.is_superuser = true;
      const email = text(values, 'email');
      if (email !== undefined) body.email = email;
      const fullName = text(values, 'full-name');
      if (fullName !== undefined) body.full_name = fullName;
      return withClient(values, io, async (client) => {
        const created = await client.send('POST', COLLECTION, {}, body);
        if (flag(values, 'json')) return write(io.stdout, json(created));
        return write(io.stdout, `created user ${username}\n`);
      });
    }
    case 'delete': {
      const [username] = positionalsBetween(operands, 1, 1, 'user delete <username>');
      return withClient(values, io, async (client) => {
        const found = await findByName(client, COLLECTION, username!, 'user');
        await client.send('DELETE', itemPath(COLLECTION, found));
        return write(io.stdout, `deleted user ${username}\n`);
      });
    }
    case 'passwd': {
      const [username] = positionalsBetween(operands, 1, 1, 'user passwd <username> --new-password PASSWORD');
      const password = await newPassword(values, io, 'user passwd');
      return withClient(values, io, async (client) => {
        const found = await findByName(client, COLLECTION, username!, 'user');
        const { url: _url, _last_modified: _lm, ...body } = found;
        await client.send('PUT', itemPath(COLLECTION, found), {}, { ...body, password });
        return write(io.stdout, `changed the password of user ${username}\n`);
      });
    }
    default:
      throw new UsageError(
        sub === undefined ? 'user needs list, create, delete or passwd' : `unknown user command '${sub}'`,
      );
  }
}
