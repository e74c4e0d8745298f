// `export [file|-]` and `import <file|->`: UpgradeStatusInfo objects as JSON lines. Export walks
// every page of the list; import creates each object (POST) or, when its uuid exists, replaces
// it (PUT) or skips it (--skip-existing). A progress bar runs on stderr when it is a terminal.
import { rename, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { CONNECTION_HELP, flag, parse, positionalsBetween, text } from '../args.js';
import { ApiCallError, CliError } from '../errors.js';
import { errorText, type ApiClient, type JsonObject } from '../client.js';
import { helpAsked, withClient, write, type Io } from '../context.js';
import { jsonLine, parseJsonLines, readInput, type InputLine } from '../jsonl.js';
import { ProgressLine, type TtyStream } from '../progress.js';
import { decoded } from '../tables.js';

const COLLECTION = '/api/upgradestatusinfo';

export const EXPORT_HELP = `Usage: avi-upgrade-status export [file|-] [options]

Writes every UpgradeStatusInfo object of the tenant as JSON lines (one object per line, as GET
returns it, references with #name) to the file, or to stdout (- or no file).

Options:
  --all-tenants   every tenant's objects (X-Avi-Tenant: *)
  --name NAME     only the objects of this name

${CONNECTION_HELP}`;

export const IMPORT_HELP = `Usage: avi-upgrade-status import <file|-> [options]

Reads UpgradeStatusInfo objects as JSON lines (one object per line, blank lines ignored) from the
file or stdin (-). Every line is checked first: a line that is not a JSON object stops the import
before anything is sent. Then each object is created (POST), or, when an object with its uuid
exists, replaced (PUT). url and _last_modified are dropped; a tenant_ref naming its tenant
(#name) is sent by name, so that files move between controllers.

Options:
  --skip-existing   leave objects whose uuid exists alone

${CONNECTION_HELP}`;

async function exportTo(
  client: ApiClient,
  stream: TtyStream,
  query: Record<string, string | boolean | undefined>,
  io: Io,
): Promise<number> {
  const progress = new ProgressLine(io.stderr, 'exporting');
  let done = 0;
  await client.listAll(COLLECTION, { include_name: true, ...query }, async (total, page) => {
    await write(stream, page.map(jsonLine).join(''));
    done += page.length;
    progress.update(done, total);
  });
  progress.clear();
  return done;
}

export async function exportCommand(args: string[], io: Io): Promise<void> {
  const parsed = parse(args, { 'all-tenants': { type: 'boolean' }, name: { type: 'string' } });
  const { values } = parsed;
  if (helpAsked(values, io, EXPORT_HELP)) return;
  const [target = '-'] = positionalsBetween(parsed, 0, 1, 'export [file|-]');
  if (flag(values, 'all-tenants')) values.tenant = '*';
  const query = { name: text(values, 'name') };
  const count = await withClient(values, io, async (client) => {
    if (target === '-') return exportTo(client, io.stdout, query, io);
    // Written beside the target and renamed at the end: a failed export leaves no half file.
    const partial = `${target}.partial-${process.pid}`;
    const file = createWriteStream(partial);
    const opened = new Promise<void>((resolve, reject) => {
      file.once('open', () => resolve());
      file.once('error', (e: NodeJS.ErrnoException) =>
        reject(new CliError(`cannot write ${target}: ${e.code ?? e.message}`)),
      );
    });
    await opened;
    try {
      const n = await exportTo(client, file, query, io);
      await new Promise<void>((resolve, reject) =>
        file.end((e?: Error | null) => (e ? reject(e) : resolve())),
      );
      await rename(partial, target);
      return n;
    } catch (e) {
      file.destroy();
      await rm(partial, { force: true });
      throw e;
    }
  });
  io.stderr.write(
    `exported ${count} object${count === 1 ? '' : 's'}${target === '-' ? '' : ` to ${target}`}\n`,
  );
}

/** The tenant a `tenant_ref` names (`...#name`), if it names one. */
function tenantName(ref: unknown): string | undefined {
  if (typeof ref !== 'string' || !ref.includes('#')) return undefined;
  return decoded(ref.slice(ref.indexOf('#') + 1));
}

/** The body to send for an exported object: read-only members dropped, the tenant by name. */
export function importBody(object: JsonObject): JsonObject {
  const { url: _url, _last_modified: _lm, ...body } = object;
  const tenant = tenantName(body.tenant_ref);
  if (tenant !== undefined) body.tenant_ref = `/api/tenant/?name=${encodeURIComponent(tenant)}`;
  return body;
}

type Outcome = 'created' | 'replaced' | 'skipped';

/**
 * Creates or replaces one object. An object is looked for, and replaced, in the tenant its
 * `tenant_ref` names (another tenant's object would be invisible: a 404, then a conflict).
 */
async function importOne(client: ApiClient, { object }: InputLine, skipExisting: boolean): Promise<Outcome> {
  const body = importBody(object);
  const tenant = tenantName(object.tenant_ref);
  const headers: Record<string, string> = tenant === undefined ? {} : { 'x-avi-tenant': tenant };
  const uuid = typeof body.uuid === 'string' && body.uuid !== '' ? body.uuid : undefined;
  if (uuid !== undefined) {
    const path = `${COLLECTION}/${encodeURIComponent(uuid)}`;
    const res = await client.call('GET', path, { fields: 'uuid' }, undefined, headers);
    if (res.status === 200) {
      if (skipExisting) return 'skipped';
      await client.send('PUT', path, {}, body, headers);
      return 'replaced';
    }
    if (res.status !== 404) throw new ApiCallError(res.status, errorText(res));
  }
  await client.send('POST', COLLECTION, {}, body, headers);
  return 'created';
}

export async function importCommand(args: string[], io: Io): Promise<void> {
  const parsed = parse(args, { 'skip-existing': { type: 'boolean' } });
  const { values } = parsed;
  if (helpAsked(values, io, IMPORT_HELP)) return;
  const [source] = positionalsBetween(parsed, 1, 1, 'import <file|->');
  const lines = parseJsonLines(await readInput(source!, io));
  const counts: Record<Outcome, number> = { created: 0, replaced: 0, skipped: 0 };
  await withClient(values, io, async (client) => {
    const progress = new ProgressLine(io.stderr, 'importing');
    let done = 0;
    for (const line of lines) {
      try {
        counts[await importOne(client, line, flag(values, 'skip-existing'))]++;
      } catch (e) {
        progress.clear();
        const before = done === 0 ? '' : ` (${done} object${done === 1 ? '' : 's'} imported before it)`;
        if (e instanceof ApiCallError || e instanceof CliError)
          throw new CliError(`line ${line.line}: ${e.message}${before}`);
        throw e;
      }
      progress.update(++done, lines.length);
    }
    progress.clear();
  });
  const { created, replaced, skipped } = counts;
  const imported = created + replaced;
  const plural = imported === 1 ? '' : 's';
  await write(
    io.stdout,
    `imported ${imported} object${plural} (${created} created, ${replaced} replaced), ${skipped} skipped\n`,
  );
}
