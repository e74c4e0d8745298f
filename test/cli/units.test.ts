// The CLI's pure pieces, in-process: the SSE parser, tables and cells, the watch screen (the
// terminal view cannot be reached through a child's pipe), the JSON-lines reader and the flags.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { SseParser } from '../../src/cli/sse.js';
import { duration, refName, renderTable, tasks } from '../../src/cli/tables.js';
import { bar } from '../../src/cli/progress.js';
import { Screen, WatchState, recordLine } from '../../src/cli/watch-view.js';
import { parseJsonLines } from '../../src/cli/jsonl.js';
import { connectionOptions, splitLeadingOptions } from '../../src/cli/args.js';
import { importBody } from '../../src/cli/commands/transfer.js';
import { accessEntry } from '../../src/cli/commands/user.js';
import { UsageError } from '../../src/cli/errors.js';

describe('SseParser', () => {
  test('fields, comments, multi-line data, CRLF and chunks split anywhere', () => {
    const text =
      ': hello\r\nretry: 250\r\nid: 1\r\nevent: update\r\ndata: {"a":\r\ndata: 1}\r\n\r\nid: 2\rdata:x\r\r';
    for (let cut = 0; cut <= text.length; cut++) {
      const p = new SseParser();
      const events = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))];
      assert.deepEqual(events, [
        { id: '1', event: 'update', data: '{"a":\n1}' },
        { id: '2', event: 'message', data: 'x' },
      ]);
      assert.equal(p.retryMs, 250);
      assert.equal(p.lastEventId, '2');
    }
  });

  test('an event type without data is dispatched; an empty block is not; the id is sticky', () => {
    const p = new SseParser('9');
    assert.deepEqual(p.push('\n\nevent: reset\n\ndata: y\n\n'), [
      { id: '9', event: 'reset', data: '' },
      { id: '9', event: 'message', data: 'y' },
    ]);
  });
});

describe('tables and cells', () => {
  test('renderTable pads columns and spans multi-line cells', () => {
    const out = renderTable(
      [{ header: 'A' }, { header: 'Num', align: 'right' }],
      [
        ['xyz', '1'],
        ['b\nc', '22'],
      ],
    );
    assert.equal(
      out,
      [
        '+-----+-----+',
        '| A   | Num |',
        '+-----+-----+',
        '| xyz |   1 |',
        '| b   |  22 |',
        '| c   |     |',
        '+-----+-----+',
        '',
      ].join('\n'),
    );
  });

  test('refName, tasks, duration, bar', () => {
    assert.equal(refName('http://h/api/tenant/tenant-1#t%201'), 't 1');
    assert.equal(refName('/api/cloud/?name=Default-Cloud'), 'Default-Cloud');
    assert.equal(refName('http://h/api/tenant/admin'), 'admin');
    assert.equal(tasks(4, 10), '4/10 (40%)');
    assert.equal(tasks(undefined, 0), '-');
    assert.equal(duration(3723), '1h 02m 03s');
    assert.equal(duration(65), '1m 05s');
    assert.equal(bar(40, 10), '[####------]');
    assert.equal(bar(150, 4), '[####]');
  });
});

describe('the watch screen', () => {
  class Tty extends Writable {
    text = '';
    isTTY = true;
    columns = 60;
    rows = 5;
    override _write(chunk: Buffer, _enc: string, done: () => void): void {
      this.text += chunk.toString();
      done();
    }
  }

  test('redraws in place: cursor up over the last drawing, lines cut to the width', () => {
    const tty = new Tty();
    const screen = new Screen(tty);
    const state = new WatchState();
    state.load([
      { uuid: 'b', name: 'beta', progress: 50, state: { state: 'UPGRADE_FSM_IN_PROGRESS' } },
      {
        uuid: 'a',
        name: 'alpha-with-a-very-long-name',
        progress: 100,
        state: { state: 'UPGRADE_FSM_COMPLETED' },
      },
    ]);
    screen.draw('header', state);
    const first = tty.text.split('\x1b[K\n');
    assert.equal(first[0], 'header');
    const full = `${bar(100, 20, true)} 100% COMPLETED        alpha-with-a-very-long-name`;
    assert.equal(first[1], `${[...full].slice(0, 58).join('')}…`);
    tty.text = '';
    state.apply({ id: '1', kind: 'delete', data: { uuid: 'a' } });
    screen.draw('header', state);
    assert.ok(tty.text.startsWith('\x1b[3A\r'), JSON.stringify(tty.text));
    assert.ok(tty.text.endsWith('\x1b[J'));
    assert.match(
      recordLine({ name: 'x', tasks_completed: 1, total_tasks: 4 }),
      /^\[█{5}░{15}\] {2}25% - +x$/,
    );
  });

  test('more records than rows: the rest are counted', () => {
    const tty = new Tty();
    const state = new WatchState();
    state.load(Array.from({ length: 6 }, (_, i) => ({ uuid: `u${i}`, name: `n${i}` })));
    new Screen(tty).draw('h', state);
    const drawn = tty.text.split('\x1b[K\n');
    assert.equal(drawn.length - 1, 4); // header + rows - 2
    assert.equal(drawn[3], '… and 4 more');
  });
});

describe('input and flags', () => {
  test('parseJsonLines skips blank lines and names the bad line', () => {
    assert.deepEqual(parseJsonLines('\uFEFF{"a":1}\n\n  \n{"b":2}\r\n'), [
      { line: 1, object: { a: 1 } },
      { line: 4, object: { b: 2 } },
    ]);
    assert.throws(
      () => parseJsonLines('{}\n"text"\n'),
      /^CliError: line 2: expected a JSON object, found a string$/,
    );
  });

  test('importBody drops read-only members and names the tenant', () => {
    assert.deepEqual(
      importBody({
        url: 'u',
        _last_modified: '1',
        uuid: 'x',
        tenant_ref: 'http://h/api/tenant/tenant-9#blue%20team',
      }),
      { uuid: 'x', tenant_ref: '/api/tenant/?name=blue%20team' },
    );
  });

  test('accessEntry', () => {
    assert.deepEqual(accessEntry('Tenant-Admin@t1'), {
      role_ref: '/api/role/?name=Tenant-Admin',
      tenant_ref: '/api/tenant/?name=t1',
    });
    assert.deepEqual(accessEntry('System-Admin@*'), {
      role_ref: '/api/role/?name=System-Admin',
      all_tenants: true,
    });
    assert.throws(() => accessEntry('@t1'), UsageError);
  });

  test('connection flags before the command, environment defaults, scheme-less controller', () => {
    assert.deepEqual(
      splitLeadingOptions(['--controller', 'x', '--insecure', '--tenant=t', 'show', '--json']),
      {
        leading: ['--controller', 'x', '--insecure', '--tenant=t'],
        rest: ['show', '--json'],
      },
    );
    const o = connectionOptions(
      { controller: 'ctl.example.com:8443' },
      { AVI_PASSWORD: 'p', AVI_TENANT: 't' },
    );
    assert.equal(o.controller.href, 'https://ctl.example.com:8443/');
    assert.equal(o.username, 'admin');
    assert.equal(o.tenant, 't');
    assert.equal(connectionOptions({}, { AVI_PASSWORD: 'p' }).controller.href, 'http://127.0.0.1:8080/');
    assert.throws(() => connectionOptions({}, {}), UsageError);
    assert.throws(() => connectionOptions({ 'api-version': 'latest' }, { AVI_PASSWORD: 'p' }), UsageError);
  });
});
