// `export` and `import` against two real servers: a round trip of every page (more objects than
// one page holds, two tenants), replace and --skip-existing on a second import, stdin, and the
// line-numbered errors of bad input.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleRecord } from '../helpers/app.js';
import { lines, runCli, startCliServer, type CliServer } from './harness.js';

const OBJECTS = 230; // more than one page of the CLI's walk (200)

let a: CliServer;
let b: CliServer;
let dir: string;
before(async () => {
  [a, b] = await Promise.all([startCliServer(), startCliServer()]);
  dir = mkdtempSync(join(tmpdir(), 'aus-cli-'));
  for (const server of [a, b]) {
    const r = await runCli(['tenant', 'create', 't1'], { env: server.env });
    assert.equal(r.code, 0, r.stderr);
  }
  for (let i = 0; i < OBJECTS - 1; i++) {
    await a.create(sampleRecord({ name: `group-${String(i).padStart(3, '0')}`, progress: i % 101 }));
  }
  await a.create(sampleRecord({ name: 'in-t1' }), 't1');
});
after(async () => {
  await Promise.all([a.close(), b.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** Exported lines without what differs between servers: url, _last_modified, the origin. */
function normalise(text: string, origin: string): Record<string, unknown>[] {
  return (
    lines(text)
      // tenants are matched by name: their uuids differ between servers
      .map((l) => l.replaceAll(origin, 'ORIGIN').replace(/\/api\/tenant\/[^#"]+#/g, '/api/tenant/#'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .map(({ url: _u, _last_modified: _l, ...rest }) => rest)
      .sort((x, y) => String(x.uuid).localeCompare(String(y.uuid)))
  );
}

async function count(server: CliServer): Promise<number> {
  const res = await server.t.app.inject({
    url: '/api/upgradestatusinfo?page_size=1',
    headers: { 'x-avi-tenant': '*' },
  });
  return res.json().count as number;
}

describe('export and import', () => {
  test('round trip: every page and tenant exported, imported elsewhere, exported the same', async () => {
    const file = join(dir, 'a.jsonl');
    const out = await runCli(['export', file, '--all-tenants'], { env: a.env });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stderr, `exported ${OBJECTS} objects to ${file}\n`);
    const exported = readFileSync(file, 'utf8');
    assert.equal(lines(exported).length, OBJECTS);

    const imp = await runCli(['import', file], { env: b.env });
    assert.equal(imp.code, 0, imp.stderr);
    assert.equal(imp.stdout, `imported ${OBJECTS} objects (${OBJECTS} created, 0 replaced), 0 skipped\n`);
    assert.equal(await count(b), OBJECTS);

    const back = await runCli(['export', '-', '--all-tenants'], { env: b.env });
    assert.equal(back.code, 0, back.stderr);
    assert.deepEqual(normalise(back.stdout, b.url), normalise(exported, a.url));
    const t1 = normalise(back.stdout, b.url).find((o) => o.name === 'in-t1')!;
    assert.equal(t1.tenant_ref, 'ORIGIN/api/tenant/#t1');
  });

  test('a second import replaces by uuid; --skip-existing leaves them alone', async () => {
    const file = join(dir, 'a.jsonl');
    const again = await runCli(['import', file], { env: b.env });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, `imported ${OBJECTS} objects (0 created, ${OBJECTS} replaced), 0 skipped\n`);
    const skip = await runCli(['import', '--skip-existing', file], { env: b.env });
    assert.equal(skip.stdout, `imported 0 objects (0 created, 0 replaced), ${OBJECTS} skipped\n`);
    assert.equal(await count(b), OBJECTS);
  });

  test('import from stdin; export of one tenant only', async () => {
    const input = `${JSON.stringify(sampleRecord({ name: 'from-stdin', uuid: 'upgradestatusinfo-stdin-1' }))}\n\n`;
    const r = await runCli(['import', '-'], { env: b.env, input });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'imported 1 object (1 created, 0 replaced), 0 skipped\n');
    const t1 = await runCli(['export', '--tenant', 't1'], { env: b.env });
    assert.deepEqual(
      lines(t1.stdout).map((l) => (JSON.parse(l) as { name: string }).name),
      ['in-t1'],
    );
  });

  test('a line that is not a JSON object: one error line naming it, nothing imported', async () => {
    const before = await count(b);
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, `${JSON.stringify(sampleRecord({ name: 'never' }))}\n{"name": "broken"\n`);
    const r = await runCli(['import', file], { env: b.env });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(lines(r.stderr).length, 1);
    assert.match(r.stderr, /^avi-upgrade-status: line 2: not valid JSON \(/);
    const arr = await runCli(['import', '-'], { env: b.env, input: '\n[1, 2]\n' });
    assert.equal(arr.stderr, 'avi-upgrade-status: line 2: expected a JSON object, found an array\n');
    assert.equal(await count(b), before);
  });

  test('an object the API refuses: its line and the API error', async () => {
    const input = [
      JSON.stringify(sampleRecord({ name: 'fine-1' })),
      JSON.stringify(sampleRecord({ name: 'too-far', progress: 300 })),
    ].join('\n');
    const r = await runCli(['import', '-'], { env: b.env, input });
    assert.equal(r.code, 1);
    assert.equal(lines(r.stderr).length, 1);
    assert.match(
      r.stderr,
      /^avi-upgrade-status: line 2: 400 .*progress.* \(1 object imported before it\)\n$/,
    );
  });

  test('a missing file is one error line', async () => {
    const r = await runCli(['import', join(dir, 'nope.jsonl')], { env: b.env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^avi-upgrade-status: cannot read .*nope\.jsonl: ENOENT\n$/);
  });
});
