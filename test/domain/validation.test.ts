import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ApiError } from '../../src/errors/catalogue.js';
import { UpgradeStatusInfo } from '../../src/domain/schema/index.js';
import { validateBody } from '../../src/domain/validation/validate.js';
import { describeValue } from '../../src/domain/validation/describe.js';

const validate = (input: unknown) => validateBody(UpgradeStatusInfo, input);

/** Asserts that validating `input` fails with a 400 whose message is exactly `message` or matches it. */
function rejects(input: unknown, message: string | RegExp, status = 400): ApiError {
  let caught: unknown;
  try {
    validate(input);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ApiError, `expected an ApiError, got ${String(caught)}`);
  assert.equal(caught.status, status);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else assert.match(caught.message, message);
  return caught;
}

const invalid = (path: string, expected: string, got: string) =>
  `Invalid value for field '${path}': expected ${expected}, got ${got}.`;

// ------------------------------------------------------------------------------------------------
// Body shape

test('a valid body that needs no conversion comes back as the same, unchanged object', () => {
  const body = {
    name: 'cluster-upgrade',
    node_type: 'NODE_CONTROLLER_CLUSTER',
    progress: 40,
    enable_rollback: true,
    params: { image_ref: '/api/image/image-1', se_group_options: { disruptive: false } },
    upgrade_events: [{ task: 'PREPARE_FOR_REBOOT_CONTROLLER_NODES', nodes_events: [{ status: true }] }],
  };
  const before = structuredClone(body);
  const { value, lastModified } = validate(body);
  assert.deepEqual(value, before);
  // Copy-on-write: nothing needed converting, so nothing was copied.
  assert.equal(value, body);
  assert.equal(value.upgrade_events, body.upgrade_events);
  assert.equal(lastModified, undefined);
  // A conversion deep inside copies the path to it and leaves the input alone.
  const converted = validate({ ...body, upgrade_events: [{ nodes_events: [{ status: 'true' }] }] }).value;
  assert.notEqual(converted.upgrade_events, body.upgrade_events);
  assert.deepEqual(converted.upgrade_events, [{ nodes_events: [{ status: true }] }]);
  assert.equal(value.params, body.params);
  assert.deepEqual(body, before, 'the input is not modified');
});

test('the body must be a JSON object', () => {
  rejects([], 'Request body must be a JSON object, got an array.');
  rejects(null, 'Request body must be a JSON object, got null.');
  rejects('{}', 'Request body must be a JSON object, got a string.');
  rejects(42, 'Request body must be a JSON object, got a number.');
  rejects(true, 'Request body must be a JSON object, got a boolean.');
  rejects(undefined, 'Request body must be a JSON object, got nothing.');
});

test('an empty object is a valid body', () => {
  assert.deepEqual(validate({}).value, {});
});

// ------------------------------------------------------------------------------------------------
// Unknown members

test('unknown members are refused at any depth, naming their path', () => {
  rejects({ bogus: 1 }, "Unknown field 'bogus' is not part of the schema.");
  rejects({ params: { bogus: 1 } }, "Unknown field 'params.bogus' is not part of the schema.");
  rejects(
    { upgrade_events: [{}, { nodes_events: [{}, { ip: { addr: 'a', type: 'V4', port: 1 } }] }] },
    "Unknown field 'upgrade_events[1].nodes_events[1].ip.port' is not part of the schema.",
  );
});

test('an unknown member is refused even when its value is null', () => {
  rejects({ bogus: null }, "Unknown field 'bogus' is not part of the schema.");
});

test('__proto__ is an unknown member and never touches a prototype', () => {
  const top = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
  rejects(top, "Unknown field '__proto__' is not part of the schema.");
  const nested = JSON.parse('{"params": {"__proto__": {"polluted": true}}}') as unknown;
  rejects(nested, "Unknown field 'params.__proto__' is not part of the schema.");
  const inList = JSON.parse('{"patch_list": [{"__proto__": {"patch_version": "1"}}]}') as unknown;
  rejects(inList, "Unknown field 'patch_list[0].__proto__' is not part of the schema.");
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
});

test('names inherited from Object.prototype are unknown members', () => {
  for (const key of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf']) {
    rejects({ [key]: 'x' }, `Unknown field '${key}' is not part of the schema.`);
    rejects({ state: { [key]: 'x' } }, `Unknown field 'state.${key}' is not part of the schema.`);
  }
});

test('a very long unknown member name is shortened in the message', () => {
  const key = 'k'.repeat(10_000);
  const err = rejects({ [key]: 1 }, /^Unknown field 'k+…' is not part of the schema\.$/);
  assert.ok(err.message.length < 120);
});

// ------------------------------------------------------------------------------------------------
// null

test('null members mean "not set" and are dropped at any depth', () => {
  const { value } = validate({
    name: null,
    progress: null,
    params: { image_ref: null, se_group_options: { action_on_error: null, disruptive: true } },
    upgrade_events: [{ task: null, nodes_events: [{ ip: null, status: null, message: 'ok' }] }],
  });
  assert.deepEqual(value, {
    params: { se_group_options: { disruptive: true } },
    upgrade_events: [{ nodes_events: [{ message: 'ok' }] }],
  });
  assert.equal(Object.hasOwn(value, 'name'), false);
});

test('a required member set to null is missing', () => {
  rejects(
    { state: { last_changed_time: { secs: 1, usecs: null } } },
    "Field 'state.last_changed_time.usecs' is required.",
  );
});

test('null items of a list are refused (a list item cannot be "not set")', () => {
  rejects({ seg_status: { reason: ['a', null] } }, invalid('seg_status.reason[1]', 'a string', 'null'));
  rejects({ patch_list: [null] }, invalid('patch_list[0]', 'an object', 'null'));
});

// ------------------------------------------------------------------------------------------------
// Booleans

test('booleans accept true/false and the strings "true"/"false" in any case', () => {
  assert.deepEqual(validate({ enable_rollback: true, clean: false }).value, {
    enable_rollback: true,
    clean: false,
  });
  const { value } = validate({
    enable_rollback: 'true',
    enable_patch_rollback: 'FALSE',
    clean: 'True',
    system: 'fAlSe',
    params: { se_group_options: { disruptive: 'TRUE' } },
  });
  assert.deepEqual(value, {
    enable_rollback: true,
    enable_patch_rollback: false,
    clean: true,
    system: false,
    params: { se_group_options: { disruptive: true } },
  });
  assert.equal(typeof value.enable_rollback, 'boolean');
});

test('anything else is not a boolean', () => {
  rejects({ clean: 'yes' }, invalid('clean', 'a boolean', '"yes"'));
  rejects({ clean: 1 }, invalid('clean', 'a boolean', '1'));
  rejects({ clean: 0 }, invalid('clean', 'a boolean', '0'));
  rejects({ clean: '1' }, invalid('clean', 'a boolean', '"1"'));
  rejects({ clean: '' }, invalid('clean', 'a boolean', '""'));
  rejects({ clean: ' true' }, invalid('clean', 'a boolean', '" true"'));
  rejects({ clean: 'truex' }, invalid('clean', 'a boolean', '"truex"'));
  rejects({ clean: [] }, invalid('clean', 'a boolean', '[]'));
  rejects({ clean: {} }, invalid('clean', 'a boolean', '{}'));
});

// ------------------------------------------------------------------------------------------------
// Integers

test('integers accept JSON integers and digit strings with an optional minus', () => {
  const { value } = validate({ duration: 12, tasks_completed: '7', total_tasks: '-3', progress: '100' });
  assert.deepEqual(value, { duration: 12, tasks_completed: 7, total_tasks: -3, progress: 100 });
  assert.equal(typeof value.tasks_completed, 'number');
});

test('negative zero is stored as 0', () => {
  const { value } = validate({ duration: -0, total_tasks: '-0' });
  assert.ok(Object.is(value.duration, 0));
  assert.ok(Object.is(value.total_tasks, 0));
});

test('non-integral numbers, NaN, infinities and other strings are not integers', () => {
  const expected = 'an integer from -2147483648 to 2147483647';
  rejects({ duration: 1.5 }, invalid('duration', expected, '1.5'));
  rejects({ duration: '1.5' }, invalid('duration', expected, '"1.5"'));
  rejects({ duration: Number.NaN }, invalid('duration', expected, 'NaN'));
  rejects({ duration: Number.POSITIVE_INFINITY }, invalid('duration', expected, 'Infinity'));
  rejects({ duration: '' }, invalid('duration', expected, '""'));
  rejects({ duration: ' 1' }, invalid('duration', expected, '" 1"'));
  rejects({ duration: '+1' }, invalid('duration', expected, '"+1"'));
  rejects({ duration: '1e3' }, invalid('duration', expected, '"1e3"'));
  rejects({ duration: '0x10' }, invalid('duration', expected, '"0x10"'));
  rejects({ duration: '--1' }, invalid('duration', expected, '"--1"'));
  rejects({ duration: true }, invalid('duration', expected, 'true'));
});

test('integers outside the range of the field are refused, naming the range', () => {
  rejects({ progress: 101 }, invalid('progress', 'an integer from 0 to 100', '101'));
  rejects({ progress: -1 }, invalid('progress', 'an integer from 0 to 100', '-1'));
  rejects({ progress: '101' }, invalid('progress', 'an integer from 0 to 100', '"101"'));
  rejects(
    { upgrade_readiness: { progress: 250 } },
    invalid('upgrade_readiness.progress', 'an integer from 0 to 100', '250'),
  );
  rejects(
    { params: { service_engine: { concurrent_segroup_upgrades: 0 } } },
    invalid('params.service_engine.concurrent_segroup_upgrades', 'an integer from 1 to 24', '0'),
  );
  assert.deepEqual(validate({ progress: 0 }).value, { progress: 0 });
  assert.deepEqual(validate({ progress: 100 }).value, { progress: 100 });
});

test('integer widths: int32 and uint32 bounds', () => {
  const int32 = 'an integer from -2147483648 to 2147483647';
  rejects({ duration: 2147483648 }, invalid('duration', int32, '2147483648'));
  rejects({ duration: '-2147483649' }, invalid('duration', int32, '"-2147483649"'));
  assert.deepEqual(validate({ duration: -2147483648 }).value, { duration: -2147483648 });
  const uint32 = 'an integer from 0 to 4294967295';
  rejects(
    { upgrade_events: [{ nodes_events: [{ duration: -1 }] }] },
    invalid('upgrade_events[0].nodes_events[0].duration', uint32, '-1'),
  );
  rejects(
    { upgrade_events: [{ nodes_events: [{ duration: 4294967296 }] }] },
    invalid('upgrade_events[0].nodes_events[0].duration', uint32, '4294967296'),
  );
  assert.deepEqual(validate({ upgrade_events: [{ nodes_events: [{ duration: 4294967295 }] }] }).value, {
    upgrade_events: [{ nodes_events: [{ duration: 4294967295 }] }],
  });
});

test('int64 accepts every exactly representable integer, as a number and as a string', () => {
  const max = Number.MAX_SAFE_INTEGER;
  const { value } = validate({
    state: { last_changed_time: { secs: max, usecs: String(-max) } },
  });
  assert.deepEqual(value, { state: { last_changed_time: { secs: max, usecs: -max } } });
});

test('int64 beyond 2^53 is refused as not exactly representable, never rounded', () => {
  const path = 'state.last_changed_time.secs';
  const asNumber = JSON.parse('{"state": {"last_changed_time": {"secs": 9007199254740993, "usecs": 0}}}');
  const e1 = rejects(asNumber, /cannot be represented exactly/);
  assert.match(e1.message, new RegExp(`^Invalid value for field '${path.replace(/\./g, '\\.')}'`));
  rejects({ state: { last_changed_time: { secs: 2 ** 53, usecs: 0 } } }, /cannot be represented exactly/);
  rejects({ state: { last_changed_time: { secs: -(2 ** 60), usecs: 0 } } }, /cannot be represented exactly/);
  rejects(
    { state: { last_changed_time: { secs: '9007199254740993', usecs: 0 } } },
    invalid(
      path,
      'an integer from -9007199254740991 to 9007199254740991',
      '"9007199254740993", which cannot be represented exactly',
    ),
  );
  rejects(
    { state: { last_changed_time: { secs: '-9007199254740992', usecs: 0 } } },
    /'state\.last_changed_time\.secs'.*"-9007199254740992", which cannot be represented exactly/,
  );
  rejects(
    { state: { last_changed_time: { secs: '9'.repeat(400), usecs: 0 } } },
    /cannot be represented exactly/,
  );
});

// ------------------------------------------------------------------------------------------------
// Strings and enums

test('strings must be strings', () => {
  rejects({ name: 5 }, invalid('name', 'a string', '5'));
  rejects({ name: true }, invalid('name', 'a string', 'true'));
  rejects({ name: ['a'] }, invalid('name', 'a string', '["a"]'));
  rejects({ name: { a: 1 } }, invalid('name', 'a string', '{"a":1}'));
  assert.deepEqual(validate({ name: '' }).value, { name: '' });
});

test('enum members accept their values and list up to ten allowed values when refused', () => {
  assert.deepEqual(validate({ node_type: 'NODE_SE_TYPE' }).value, { node_type: 'NODE_SE_TYPE' });
  rejects(
    { upgrade_events: [{ nodes_events: [{ ip: { addr: '10.0.0.1', type: 'V5' } }] }] },
    invalid('upgrade_events[0].nodes_events[0].ip.type', 'one of V4, DNS, V6', '"V5"'),
  );
  rejects(
    { params: { se_group_options: { action_on_error: 'suspend_upgrade_ops_on_error' } } },
    invalid(
      'params.se_group_options.action_on_error',
      'one of ROLLBACK_UPGRADE_OPS_ON_ERROR, SUSPEND_UPGRADE_OPS_ON_ERROR, CONTINUE_UPGRADE_OPS_ON_ERROR',
      '"suspend_upgrade_ops_on_error"',
    ),
  );
  rejects({ node_type: 3 }, /^Invalid value for field 'node_type': expected one of NODE_/);
});

test('large enums are described by type and field instead of being listed', () => {
  assert.deepEqual(validate({ upgrade_readiness: { checks: [{ check_code: 'SYSERR_SUCCESS' }] } }).value, {
    upgrade_readiness: { checks: [{ check_code: 'SYSERR_SUCCESS' }] },
  });
  const err = rejects(
    { upgrade_readiness: { checks: [{}, { check_code: 'NOPE' }] } },
    invalid('upgrade_readiness.checks[1].check_code', 'a valid MustChecksInfo.check_code value', '"NOPE"'),
  );
  assert.ok(err.message.length < 200);
});

// ------------------------------------------------------------------------------------------------
// Arrays and objects

test('lists must be arrays and their items are validated with their index in the path', () => {
  rejects({ upgrade_events: {} }, invalid('upgrade_events', 'an array', '{}'));
  rejects(
    { system_report_refs: '/api/systemreport/x' },
    invalid('system_report_refs', 'an array', '"/api/systemreport/x"'),
  );
  rejects({ seg_status: { notes: ['a', 'b', 3] } }, invalid('seg_status.notes[2]', 'a string', '3'));
  assert.deepEqual(validate({ seg_status: { notes: [] } }).value, { seg_status: { notes: [] } });
});

test('nested objects must be objects', () => {
  rejects({ params: 'x' }, invalid('params', 'an object', '"x"'));
  rejects({ params: [] }, invalid('params', 'an object', '[]'));
  rejects({ upgrade_events: ['x'] }, invalid('upgrade_events[0]', 'an object', '"x"'));
});

test('errors deep in the model name the full path with indexes', () => {
  const event = (ip: unknown) => ({ nodes_events: [], sub_events: [{}, { ip }] });
  rejects(
    { upgrade_events: [event({ addr: '1.1.1.1', type: 'V4' }), event({ addr: 7, type: 'V4' })] },
    invalid('upgrade_events[1].sub_events[1].ip.addr', 'a string', '7'),
  );
  rejects(
    { upgrade_events: [event({ type: 'V4' })] },
    "Field 'upgrade_events[0].sub_events[1].ip.addr' is required.",
  );
  rejects(
    { history: [{ seg_status: { vs_errors: [{ event_timestamp: { secs: 1, usecs: 'x' } }] } }] },
    invalid(
      'history[0].seg_status.vs_errors[0].event_timestamp.usecs',
      'an integer from -9007199254740991 to 9007199254740991',
      '"x"',
    ),
  );
});

test('required members must be present whenever their parent object is', () => {
  rejects(
    { state: { last_changed_time: { secs: 1 } } },
    "Field 'state.last_changed_time.usecs' is required.",
  );
  rejects({ state: { last_changed_time: {} } }, "Field 'state.last_changed_time.secs' is required.");
  assert.deepEqual(validate({ state: { state: 'UPGRADE_FSM_INIT' } }).value, {
    state: { state: 'UPGRADE_FSM_INIT' },
  });
});

// ------------------------------------------------------------------------------------------------
// Read-only members

test('url and _last_modified are read-only: accepted, never kept', () => {
  const { value, lastModified } = validate({
    url: 'https://10.0.0.1/api/upgradestatusinfo/upgradestatusinfo-1',
    _last_modified: '1700000000000000',
    name: 'x',
  });
  assert.deepEqual(value, { name: 'x' });
  assert.equal(lastModified, '1700000000000000');
});

test('a numeric _last_modified is returned as a string', () => {
  const { value, lastModified } = validate({ _last_modified: 1700000000000000 });
  assert.deepEqual(value, {});
  assert.equal(lastModified, '1700000000000000');
});

test('the url is ignored whatever its value', () => {
  assert.deepEqual(validate({ url: 42 }).value, {});
  assert.deepEqual(validate({ url: { any: 'thing' } }).value, {});
});

test('a _last_modified that is neither a string nor a number is refused; null means none', () => {
  rejects({ _last_modified: { a: 1 } }, invalid('_last_modified', 'a string', '{"a":1}'));
  rejects({ _last_modified: true }, invalid('_last_modified', 'a string', 'true'));
  const result = validate({ _last_modified: null });
  assert.equal(result.lastModified, undefined);
  assert.equal(Object.hasOwn(result, 'lastModified'), false);
});

// ------------------------------------------------------------------------------------------------
// Rendering of bad values

test('bad values are rendered short in messages', () => {
  const err = rejects({ name: 'x'.repeat(1_000_000).length }, /expected a string, got 1000000\./);
  assert.ok(err);
  const long = rejects(
    { clean: 'y'.repeat(100_000) },
    /^Invalid value for field 'clean': expected a boolean, got "y+…\.$/,
  );
  assert.ok(long.message.length < 140, long.message);
  const bigList = rejects({ name: Array.from({ length: 100_000 }, (_, i) => i) }, /got \[0,1,2,3,/);
  assert.ok(bigList.message.length < 140, bigList.message);
  const bigObject = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'v'.repeat(50)]));
  const obj = rejects({ name: bigObject }, /got \{"k0":"v+/);
  assert.ok(obj.message.length < 140, obj.message);
});

test('describeValue is bounded and never throws', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const throwing = {
    get boom(): never {
      throw new Error('getter');
    },
  };
  const proxy = new Proxy(
    {},
    {
      ownKeys() {
        throw new Error('trap');
      },
    },
  );
  const values: unknown[] = [
    cyclic,
    throwing,
    proxy,
    10n,
    Symbol('s'),
    () => 1,
    undefined,
    'é'.repeat(1000),
    '\ud800'.repeat(100),
    [[[[[[[]]]]]]],
    Object.create(null) as unknown,
  ];
  for (const v of values) {
    const s = describeValue(v);
    assert.equal(typeof s, 'string');
    assert.ok(s.length <= 60, `${s} (${s.length})`);
  }
  assert.equal(describeValue(10n), '10n');
  assert.equal(describeValue('short'), '"short"');
  assert.equal(describeValue({ a: [1, 'b'] }), '{"a":[1,"b"]}');
});

test('validateBody only ever returns or throws an ApiError, whatever the input', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.anything(),
        fc.record(
          {
            name: fc.anything(),
            progress: fc.anything(),
            params: fc.anything(),
            upgrade_events: fc.array(fc.anything()),
            state: fc.record({ last_changed_time: fc.anything(), state: fc.anything() }),
          },
          { requiredKeys: [] },
        ),
      ),
      (input) => {
        try {
          const { value } = validate(input);
          assert.equal(typeof value, 'object');
        } catch (err) {
          assert.ok(err instanceof ApiError, String(err));
          assert.equal(err.status, 400);
          assert.ok(err.message.length < 400, err.message);
        }
      },
    ),
    { numRuns: 2000 },
  );
});

// ------------------------------------------------------------------------------------------------
// Speed

function fiveKilobyteBody(): Record<string, unknown> {
  const event = (i: number) => ({
    duration: i,
    end_time: '2024-01-01 10:00:00',
    ip: { addr: `10.0.0.${i}`, type: 'V4' },
    message: `node ${i} upgraded`,
    start_time: '2024-01-01 09:00:00',
    status: true,
    sub_tasks: ['a', 'b'],
  });
  return {
    _last_modified: '1700000000000000',
    url: 'https://10.0.0.1/api/upgradestatusinfo/upgradestatusinfo-1',
    uuid: 'upgradestatusinfo-1',
    name: 'cluster',
    node_type: 'NODE_CONTROLLER_CLUSTER',
    enable_rollback: 'false',
    progress: '50',
    duration: 1200,
    image_ref: '/api/image/image-1',
    tenant_ref: '/api/tenant/admin',
    params: {
      image_ref: '/api/image/image-1',
      se_group_options: { action_on_error: 'SUSPEND_UPGRADE_OPS_ON_ERROR' },
    },
    state: {
      state: 'UPGRADE_FSM_COMPLETED',
      last_changed_time: { secs: 1700000000, usecs: 1 },
      reason: 'done',
    },
    upgrade_events: Array.from({ length: 6 }, (_, t) => ({
      task: 'PREPARE_FOR_REBOOT_CONTROLLER_NODES',
      task_name: `task ${t}`,
      nodes_events: [event(1), event(2)],
      sub_events: [event(3)],
    })),
    seg_status: {
      se_upgrade_completed: Array.from({ length: 10 }, (_, i) => `/api/serviceengine/se-${i}`),
      notes: ['n1', 'n2'],
      num_se: 10,
      progress: 100,
    },
    patch_list: [{ patch_version: '1', patch_image_ref: '/api/image/image-2' }],
  };
}

// Its speed is the benchmark's business (npm run bench: PUT and POST of such bodies), not a test's.
test('a realistic ~5 KB body validates as it is', () => {
  const body = fiveKilobyteBody();
  const size = JSON.stringify(body).length;
  assert.ok(size > 4500 && size < 6500, `fixture is ${size} bytes`);
  const { value } = validate(body);
  assert.equal(value.progress, 50); // coerced from "50"
  assert.equal(value.enable_rollback, false);
  assert.equal((value.upgrade_events as unknown[]).length, 6);
  assert.deepEqual(value.state, body.state);
});

test('trusted objects (stored entries a PATCH carried over) are not walked again; the rest is', () => {
  const stored = { task_name: 'old', sub_events: [{ status: true }] };
  const fresh = { task_name: 'new', sub_events: [{ status: 'true' }] };
  const body = { upgrade_events: [stored, fresh] };
  const { value } = validateBody(UpgradeStatusInfo, body, { trusted: new Set([stored]) });
  const events = value.upgrade_events as Record<string, unknown>[];
  assert.equal(events[0], stored, 'the trusted entry is returned as it is');
  assert.deepEqual(
    events[1],
    { task_name: 'new', sub_events: [{ status: true }] },
    'the new entry is converted',
  );
  // An untrusted invalid entry is still refused, trusted or not its neighbour.
  assert.throws(
    () =>
      validateBody(
        UpgradeStatusInfo,
        { upgrade_events: [stored, { colour: 1 }] },
        { trusted: new Set([stored]) },
      ),
    /upgrade_events\[1\]\.colour/,
  );
});
