// `show upgrade status [detail [include_history]]`: the controller CLI's commands. The summary
// is a table of every record (GET /api/upgradestatussummary, all pages); `detail` shows each
// record in full (GET /api/upgradestatusinfo), `include_history` adds its `history`.
import { CONNECTION_HELP, flag, parse, text } from '../args.js';
import type { JsonObject } from '../client.js';
import { helpAsked, withClient, write, type Io } from '../context.js';
import { detailRows, stateText } from '../detail.js';
import { UsageError } from '../errors.js';
import { cell, json, renderTable, tasks } from '../tables.js';

export const SHOW_HELP = `Usage: avi-upgrade-status show upgrade status [detail [include_history]] [options]

  show upgrade status                          a table of every record (the summary)
  show upgrade status detail                   every record in full: state, versions, progress,
                                               tasks, upgrade events, SE group status
  show upgrade status detail include_history   the same with each record's history

Options:
  --json               print the same data as JSON
  --name NAME          only the records of this name
  --node-type TYPE     only NODE_CONTROLLER_CLUSTER, NODE_SE_GROUP or NODE_SE_TYPE records
  -h, --help           this help

${CONNECTION_HELP}`;

const OPTIONS = {
  json: { type: 'boolean' },
  name: { type: 'string' },
  'node-type': { type: 'string' },
} as const;

const USAGE = 'show upgrade status [detail [include_history]]';

/** The positionals after `show`: which view, and whether history is wanted. */
function view(positionals: string[]): { detail: boolean; history: boolean } {
  const [what, status, detail, history, extra] = positionals;
  if (what !== 'upgrade' || status !== 'status') {
    throw new UsageError(`unknown show command '${positionals.join(' ')}': usage: ${USAGE}`);
  }
  if (detail !== undefined && detail !== 'detail')
    throw new UsageError(`unexpected '${detail}': usage: ${USAGE}`);
  if (history !== undefined && history !== 'include_history') {
    throw new UsageError(`unexpected '${history}': usage: ${USAGE}`);
  }
  if (extra !== undefined) throw new UsageError(`unexpected '${extra}': usage: ${USAGE}`);
  return { detail: detail !== undefined, history: history !== undefined };
}

export function summaryTable(records: readonly JsonObject[]): string {
  const columns = ['Name', 'Node type', 'State', 'Version', 'Tasks', 'Start', 'End'].map((header) => ({
    header,
  }));
  const rows = records.map((r) => [
    cell(r.name),
    cell(r.node_type),
    stateText(r.state),
    cell(r.version),
    tasks(r.tasks_completed, r.total_tasks),
    cell(r.start_time),
    cell(r.end_time),
  ]);
  return renderTable(columns, rows);
}

export function detailTables(records: readonly JsonObject[], history: boolean): string {
  return records
    .map((r) => renderTable([{ header: 'Field' }, { header: 'Value' }], detailRows(r, history)))
    .join('\n');
}

export async function show(args: string[], io: Io): Promise<void> {
  const parsed = parse(args, OPTIONS);
  if (helpAsked(parsed.values, io, SHOW_HELP)) return;
  const { detail, history } = view(parsed.positionals);
  const { values } = parsed;
  const query = {
    sort: 'node_type,name',
    include_name: true,
    name: text(values, 'name'),
    node_type: text(values, 'node-type'),
  };
  await withClient(values, io, async (client) => {
    const path = detail ? '/api/upgradestatusinfo' : '/api/upgradestatussummary';
    const records = await client.listAll(path, query);
    if (detail && !history) for (const r of records) delete r.history;
    if (flag(values, 'json')) return write(io.stdout, json(records));
    if (!detail) return write(io.stdout, summaryTable(records));
    return write(
      io.stdout,
      records.length === 0 ? 'No upgrade status records.\n' : detailTables(records, history),
    );
  });
}
