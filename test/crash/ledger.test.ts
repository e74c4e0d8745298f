// The crash test's judgement of one object after a restart (ledger.ts): exact when no write is
// in doubt, and only what an unanswered write can explain when one is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, Tracked, type JsonObject } from './ledger.js';

const base: JsonObject = {
  uuid: 'o-1',
  name: 'o-1',
  progress: 10,
  upgrade_events: [{ task_name: 'a' }, { task_name: 'b' }],
  _last_modified: '1',
};

function tracked(pending: Tracked['pending'] = []): Tracked {
  const t = new Tracked('o-1', 'o-1');
  t.state = base;
  t.ackedEvents = new Set(['a', 'b']);
  t.pending = pending;
  return t;
}

const kinds = (t: Tracked, got: JsonObject | undefined) => check(t, got).map((p) => p.kind);

test('with nothing in doubt, the stored object must be the last 2xx answer', () => {
  assert.deepEqual(kinds(tracked(), base), []);
  assert.deepEqual(kinds(tracked(), { ...base, _last_modified: '2' }), ['lost']);
  assert.deepEqual(kinds(tracked(), { ...base, progress: 11 }), ['lost']);
  assert.deepEqual(kinds(tracked(), undefined), ['lost']);
  const withoutB = { ...base, upgrade_events: [{ task_name: 'a' }] };
  assert.deepEqual(kinds(tracked(), withoutB), ['lost', 'lost']); // the event, and the object
});

test('an unanswered PATCH add may or may not have happened; nothing else may', () => {
  const patch = { method: 'PATCH' as const, sent: {}, event: 'c', outcome: 'no answer' };
  const added = { ...base, upgrade_events: [...(base.upgrade_events as JsonObject[]), { task_name: 'c' }] };
  assert.deepEqual(kinds(tracked([patch]), base), []);
  assert.deepEqual(kinds(tracked([patch]), { ...added, _last_modified: '2' }), []);
  const stray = { ...base, upgrade_events: [...(base.upgrade_events as JsonObject[]), { task_name: 'x' }] };
  assert.deepEqual(kinds(tracked([patch]), stray), ['invalid']);
  assert.deepEqual(kinds(tracked([patch]), { ...added, progress: 99 }), ['invalid']);
  const dropped = { ...added, upgrade_events: [{ task_name: 'a' }, { task_name: 'c' }] };
  assert.deepEqual(kinds(tracked([patch]), dropped), ['lost']);
});

test('an unanswered PUT may have replaced the object; an unanswered POST may not exist', () => {
  const sent = { name: 'o-1', progress: 50, upgrade_events: [{ task_name: 'p' }] };
  const put = { method: 'PUT' as const, sent, outcome: 'no answer' };
  assert.deepEqual(kinds(tracked([put]), { ...base, ...sent, _last_modified: '2' }), []);
  assert.deepEqual(kinds(tracked([put]), { ...base, ...sent, progress: 51 }), ['invalid']);
  const posted = new Tracked('o-2', 'o-2');
  posted.pending = [{ method: 'POST', sent: { name: 'o-2', progress: 3 }, outcome: 'no answer' }];
  assert.deepEqual(kinds(posted, undefined), []);
  assert.deepEqual(kinds(posted, { uuid: 'o-2', name: 'o-2', progress: 3 }), []);
  assert.deepEqual(kinds(posted, { uuid: 'o-2', name: 'o-2', progress: 4 }), ['invalid']);
});
