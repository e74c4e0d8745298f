// `user` and `tenant` administration against the real server, and the CLI's errors: bad
// credentials and unreachable servers (one line, exit 1), usage mistakes (one line, exit 2).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { lines, runCli, startCliServer, type CliServer } from './harness.js';

let s: CliServer;
before(async () => {
  s = await startCliServer();
});
after(async () => {
  await s.close();
});

describe('tenant and user administration', () => {
  test('tenant create, list (table and JSON), and delete', async () => {
    const created = await runCli(['tenant', 'create', 'blue', '--description', 'the blue team'], {
      env: s.env,
    });
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, 'created tenant blue\n');
    const table = await runCli(['tenant', 'list'], { env: s.env });
    assert.match(table.stdout, /^\| blue +\| the blue team \| admin +\| tenant-[0-9a-f-]+ \|$/m);
    const json = await runCli(['tenant', 'list', '--json'], { env: s.env });
    assert.deepEqual((JSON.parse(json.stdout) as { name: string }[]).map((t) => t.name).sort(), [
      'admin',
      'blue',
    ]);
    const dup = await runCli(['tenant', 'create', 'blue'], { env: s.env });
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /^avi-upgrade-status: 409 /);
    const deleted = await runCli(['tenant', 'delete', 'blue'], { env: s.env });
    assert.equal(deleted.stdout, 'deleted tenant blue\n');
    const again = await runCli(['tenant', 'delete', 'blue'], { env: s.env });
    assert.equal(again.code, 1);
    assert.equal(again.stderr, "avi-upgrade-status: no tenant named 'blue'\n");
  });

  test('user create, list, passwd (stdin), and delete; the new user logs in', async () => {
    assert.equal((await runCli(['tenant', 'create', 'red'], { env: s.env })).code, 0);
    const created = await runCli(
      [
        'user',
        'create',
        'ops',
        '--new-password',
        'first-password',
        '--access',
        'Tenant-Admin@red',
        '--email',
        'ops@example.com',
      ],
      { env: s.env },
    );
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, 'created user ops\n');
    const list = await runCli(['user', 'list'], { env: s.env });
    assert.match(list.stdout, /^\| ops +\| ops +\| no +\| yes +\| red +\| Tenant-Admin@red +\|$/m);
    assert.match(list.stdout, /^\| admin +\| .* \| yes +\| yes +\| admin +\| System-Admin@\* +\|$/m);
    const asOps = { ...s.env, AVI_USERNAME: 'ops', AVI_PASSWORD: 'first-password' };
    const shown = await runCli(['show', 'upgrade', 'status', '--json'], { env: asOps });
    assert.equal(shown.code, 0, shown.stderr);
    assert.deepEqual(JSON.parse(shown.stdout), []);

    const passwd = await runCli(['user', 'passwd', 'ops', '--new-password-stdin'], {
      env: s.env,
      input: 'second-password\n',
    });
    assert.equal(passwd.code, 0, passwd.stderr);
    const old = await runCli(['tenant', 'list'], { env: asOps });
    assert.equal(old.code, 1);
    assert.equal(old.stderr, 'avi-upgrade-status: 401 Invalid credentials\n');
    const fresh = await runCli(['tenant', 'list', '--json'], {
      env: { ...asOps, AVI_PASSWORD: 'second-password' },
    });
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.deepEqual(
      (JSON.parse(fresh.stdout) as { name: string }[]).map((t) => t.name),
      ['red'],
    );

    const denied = await runCli(['user', 'delete', 'admin'], {
      env: { ...asOps, AVI_PASSWORD: 'second-password' },
    });
    assert.equal(denied.code, 1);
    assert.equal(denied.stderr, "avi-upgrade-status: no user named 'admin'\n"); // not visible to ops
    const deleted = await runCli(['user', 'delete', 'ops'], { env: s.env });
    assert.equal(deleted.stdout, 'deleted user ops\n');
    const users = await runCli(['user', 'list', '--json'], { env: s.env });
    assert.deepEqual(
      (JSON.parse(users.stdout) as { username: string }[]).map((u) => u.username),
      ['admin'],
    );
  });

  test('a password the API refuses is its error', async () => {
    const r = await runCli(['user', 'create', 'shorty', '--new-password', 'short'], { env: s.env });
    assert.equal(r.code, 1);
    assert.equal(lines(r.stderr).length, 1);
    assert.match(r.stderr, /^avi-upgrade-status: 400 /);
  });
});

describe('errors', () => {
  test('bad credentials: one line, exit 1, nothing on stdout', async () => {
    const r = await runCli(['show', 'upgrade', 'status'], {
      env: { ...s.env, AVI_PASSWORD: 'wrong-password' },
    });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'avi-upgrade-status: 401 Invalid credentials\n');
  });

  test('flags win over the environment', async () => {
    const r = await runCli(['--password', 'wrong-password', 'tenant', 'list'], { env: s.env });
    assert.equal(r.stderr, 'avi-upgrade-status: 401 Invalid credentials\n');
    const ok = await runCli(['tenant', 'list', '--controller', s.url, '--password', s.env.AVI_PASSWORD!], {
      env: { AVI_CONTROLLER: 'http://127.0.0.1:9', AVI_PASSWORD: 'wrong' },
    });
    assert.equal(ok.code, 0, ok.stderr);
  });

  test('an unreachable controller: one line, exit 1', async () => {
    const r = await runCli(['tenant', 'list', '--controller', 'http://127.0.0.1:9'], { env: s.env });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'avi-upgrade-status: cannot connect to http://127.0.0.1:9: connection refused\n');
  });

  test('usage errors: one line, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [[], /a command is needed/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['show', 'upgrade'], /unknown show command 'upgrade'/],
      [['show', 'upgrade', 'status', '--colour'], /Unknown option '--colour'/],
      [['user', 'create'], /missing argument: usage: user create <username>/],
      [['user', 'create', 'x'], /user create needs --new-password or --new-password-stdin/],
      [
        ['user', 'create', 'x', '--new-password', 'long-enough', '--access', 'Tenant-Admin'],
        /--access must be ROLE@TENANT/,
      ],
      [['tenant', 'rename', 'a'], /unknown tenant command 'rename'/],
      [['import'], /missing argument: usage: import <file\|->/],
      [['watch', '--count', 'many'], /--count must be a whole number of at least 1/],
      [['tenant', 'list', '--controller', 'ftp://x'], /only http:\/\/ and https:\/\//],
      [['serve', '--port', 'abc'], /Invalid value for PORT: 'abc'/],
    ];
    await Promise.all(
      cases.map(async ([args, message]) => {
        const r = await runCli(args, { env: s.env });
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.equal(lines(r.stderr).length, 1, r.stderr);
        assert.match(r.stderr, /^avi-upgrade-status: /);
        assert.match(r.stderr, message);
      }),
    );
    const noPassword = await runCli(['tenant', 'list'], { env: { AVI_CONTROLLER: s.url } });
    assert.equal(noPassword.code, 2);
    assert.equal(noPassword.stderr, 'avi-upgrade-status: no password: give --password or set AVI_PASSWORD\n');
  });

  test('--help on every command: usage on stdout, exit 0', async () => {
    const commands = [[], ['show'], ['watch'], ['export'], ['import'], ['user'], ['tenant'], ['serve']];
    await Promise.all(
      commands.map(async (command) => {
        const r = await runCli([...command, '--help']);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^Usage: avi-upgrade-status /);
        assert.equal(r.stderr, '');
      }),
    );
  });
});
