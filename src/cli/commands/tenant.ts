// `tenant list|create|delete`: tenants through /api/tenant (System-Admin only for changes).
import { CONNECTION_HELP, flag, parse, positionalsBetween, text } from '../args.js';
import { helpAsked, withClient, write, type Io } from '../context.js';
import { UsageError } from '../errors.js';
import { cell, json, renderTable } from '../tables.js';
import { findByName, itemPath } from './admin.js';

export const TENANT_HELP = `Usage: avi-upgrade-status tenant <list|create|delete> [options]

  tenant list [--json]                         every tenant the user can see
  tenant create <name> [--description TEXT]    a new tenant
  tenant delete <name>                         remove a tenant (it must hold no objects or users)

${CONNECTION_HELP}`;

const OPTIONS = { json: { type: 'boolean' }, description: { type: 'string' } } as const;
const COLLECTION = '/api/tenant';

export async function tenant(args: string[], io: Io): Promise<void> {
  const parsed = parse(args, OPTIONS);
  const { values } = parsed;
  if (helpAsked(values, io, TENANT_HELP)) return;
  const [sub, ...rest] = parsed.positionals;
  const operands = { ...parsed, positionals: rest };
  switch (sub) {
    case 'list': {
      positionalsBetween(operands, 0, 0, 'tenant list');
      return withClient(values, io, async (client) => {
        const tenants = await client.listAll(COLLECTION);
        if (flag(values, 'json')) return write(io.stdout, json(tenants));
        const rows = tenants.map((t) => [
          cell(t.name),
          cell(t.description),
          cell(t.created_by),
          cell(t.uuid),
        ]);
        const columns = ['Name', 'Description', 'Created by', 'UUID'].map((header) => ({ header }));
        return write(io.stdout, renderTable(columns, rows));
      });
    }
    case 'create': {
      const [name] = positionalsBetween(operands, 1, 1, 'tenant create <name>');
      const description = text(values, 'description');
      return withClient(values, io, async (client) => {
        const body = { name: name!, ...(description !== undefined ? { description } : {}) };
        const created = await client.send('POST', COLLECTION, {}, body);
        if (flag(values, 'json')) return write(io.stdout, json(created));
        return write(io.stdout, `created tenant ${name}\n`);
      });
    }
    case 'delete': {
      const [name] = positionalsBetween(operands, 1, 1, 'tenant delete <name>');
      return withClient(values, io, async (client) => {
        const found = await findByName(client, COLLECTION, name!, 'tenant');
        await client.send('DELETE', itemPath(COLLECTION, found));
        return write(io.stdout, `deleted tenant ${name}\n`);
      });
    }
    default:
      throw new UsageError(
        sub === undefined ? 'tenant needs list, create or delete' : `unknown tenant command '${sub}'`,
      );
  }
}
