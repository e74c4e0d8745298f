// `fleet create|show`: the upgrade simulator's fleets (/api/simulator/fleet; the server needs
// SIMULATOR=on, the user System-Admin).
import { CONNECTION_HELP, flag, numberOption, parse, positionalsBetween, text } from '../args.js';
import { helpAsked, withClient, write, type Io } from '../context.js';
import { UsageError } from '../errors.js';
import { isObject, type Json, type JsonObject } from '../client.js';
import { cell, json, renderTable } from '../tables.js';

export const FLEET_HELP = `Usage: avi-upgrade-status fleet <create|show> [options]

  fleet create [options]     create a simulated fleet of UpgradeStatusInfo records in the tenant:
                             one controller cluster record, one per SE group (and per SE)
    --seed TEXT              the same seed gives the same fleet (default: a random one, printed)
    --se-groups N            SE groups (default 3)
    --ses-per-group N        SEs in each SE group (default 2)
    --clouds N               clouds the SE groups spread over (default 2)
    --controller-nodes N     1 or 3 (default 3)
    --se-records             also one NODE_SE_TYPE record per SE
    --fleet-version NAME     the image the fleet runs (default 30.2.1-9046-20240301.010203)
    --target-version NAME    the image an upgrade goes to (default 31.1.1-9122-20240815.041503)
    --replace                replace the records of a fleet with the same seed
  fleet show                 the tenant's fleet: uuids, SE groups and the image uuids to upgrade to

Both take --json. The server must run with SIMULATOR=on; see the README, "Rehearse an upgrade".

${CONNECTION_HELP}`;

const OPTIONS = {
  json: { type: 'boolean' },
  seed: { type: 'string' },
  'se-groups': { type: 'string' },
  'ses-per-group': { type: 'string' },
  clouds: { type: 'string' },
  'controller-nodes': { type: 'string' },
  'se-records': { type: 'boolean' },
  'fleet-version': { type: 'string' },
  'target-version': { type: 'string' },
  replace: { type: 'boolean' },
} as const;
const PATH = '/api/simulator/fleet';

export async function fleet(args: string[], io: Io): Promise<void> {
  const parsed = parse(args, OPTIONS);
  const { values } = parsed;
  if (helpAsked(values, io, FLEET_HELP)) return;
  const [sub, ...rest] = parsed.positionals;
  const operands = { ...parsed, positionals: rest };
  switch (sub) {
    case 'create': {
      positionalsBetween(operands, 0, 0, 'fleet create [options]');
      const body: JsonObject = {};
      const seed = text(values, 'seed');
      if (seed !== undefined) body.seed = seed;
      for (const [name, key] of [
        ['se-groups', 'se_groups'],
        ['ses-per-group', 'ses_per_group'],
        ['clouds', 'clouds'],
        ['controller-nodes', 'controller_nodes'],
      ] as const) {
        const n = numberOption(values, name, 1, true);
        if (n !== undefined) body[key] = n;
      }
      const version = text(values, 'fleet-version');
      if (version !== undefined) body.version = version;
      const target = text(values, 'target-version');
      if (target !== undefined) body.target_version = target;
      if (flag(values, 'se-records')) body.se_records = true;
      if (flag(values, 'replace')) body.replace = true;
      return withClient(values, io, async (client) => {
        const created = await client.send('POST', PATH, {}, body);
        if (flag(values, 'json')) return write(io.stdout, json(created));
        const records = isObject(created) ? String(created.records) : '?';
        return write(io.stdout, `created a fleet of ${records} records\n${describe(created)}`);
      });
    }
    case 'show': {
      positionalsBetween(operands, 0, 0, 'fleet show');
      return withClient(values, io, async (client) => {
        const found = await client.get(PATH);
        if (flag(values, 'json')) return write(io.stdout, json(found));
        return write(io.stdout, describe(found));
      });
    }
    default:
      throw new UsageError(
        sub === undefined ? 'fleet needs create or show' : `unknown fleet command '${sub}'`,
      );
  }
}

function list(v: Json | undefined): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

/** The fleet as text: seed and cluster, a table of SE groups, a table of images. */
function describe(body: Json | undefined): string {
  if (!isObject(body)) return '';
  const cluster = isObject(body.cluster) ? body.cluster : {};
  const nodes = Array.isArray(cluster.nodes) ? cluster.nodes.join(', ') : '';
  const head = `seed ${cell(body.seed)}, version ${cell(body.version)}\ncluster ${cell(cluster.name)} ${cell(cluster.uuid)} (nodes ${nodes})\n\n`;
  const groups = list(body.se_groups).map((g) => [
    cell(g.name),
    cell(isObject(g.cloud) ? g.cloud.name : ''),
    String(list(g.ses).length),
    cell(g.uuid),
  ]);
  const images = list(body.images).map((i) => [cell(i.name), cell(i.type), cell(i.uuid)]);
  return (
    head +
    renderTable(
      ['SE group', 'Cloud', 'SEs', 'UUID'].map((header) => ({ header })),
      groups,
    ) +
    '\n' +
    renderTable(
      ['Image', 'Type', 'UUID'].map((header) => ({ header })),
      images,
    )
  );
}
