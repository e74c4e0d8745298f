import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { documentText } from '../../src/domain/json-text.js';

const jsonDocument = fc.dictionary(fc.string(), fc.jsonValue()) as fc.Arbitrary<Record<string, unknown>>;

test('documentText is JSON.stringify, whether members were seen before or not', () => {
  fc.assert(
    fc.property(jsonDocument, (doc) => {
      const expected = JSON.stringify(doc);
      assert.equal(documentText(doc, { remember: true }), expected);
      assert.equal(documentText(doc, { remember: false }), expected); // now from the memo
      assert.equal(documentText({ ...doc }, { remember: false }), expected);
    }),
  );
});

test('documentText leaves out undefined members and puts the head first', () => {
  const doc = { a: 1, b: undefined, c: [1, undefined], d: { e: undefined, f: 'x' } };
  assert.equal(documentText(doc, { remember: false }), JSON.stringify(doc));
  assert.equal(
    documentText({ b: 2 }, { remember: false }, '"url":"http://h/x"'),
    '{"url":"http://h/x","b":2}',
  );
  assert.equal(documentText({}, { remember: false }, '"url":"u"'), '{"url":"u"}');
  assert.equal(documentText({}, { remember: false }), '{}');
});

test('a list that grew at its end reuses the text of the list it grew from', () => {
  fc.assert(
    fc.property(
      fc.array(fc.jsonValue(), { minLength: 1 }),
      fc.array(fc.jsonValue(), { minLength: 1 }),
      (before, added) => {
        const previous = { events: before, other: { x: 1 } };
        documentText(previous, { remember: true });
        const next = { events: [...before, ...added], other: previous.other };
        assert.equal(documentText(next, { remember: true, previous }), JSON.stringify(next));
      },
    ),
  );
});

test('a list changed anywhere but its end is written in full', () => {
  const first = { n: 1 };
  const previous = { events: [first, { n: 2 }] };
  documentText(previous, { remember: true });
  const replaced = { events: [{ n: 9 }, previous.events[1], { n: 3 }] };
  assert.equal(documentText(replaced, { remember: true, previous }), JSON.stringify(replaced));
  const shorter = { events: [first] };
  assert.equal(documentText(shorter, { remember: true, previous }), JSON.stringify(shorter));
});

test('the memo does not leak into documents that changed a nested member in place', () => {
  // Documents are immutable by contract; this shows what the memo assumes: the same object
  // always has the same text.
  const shared = { a: 1 };
  assert.equal(documentText({ s: shared }, { remember: true }), '{"s":{"a":1}}');
  const copy = { ...shared, a: 2 };
  assert.equal(documentText({ s: copy }, { remember: true }), '{"s":{"a":2}}');
});
