// Assertions that code throws the API's 400 error, by its exact text, a pattern, or fragments.
import assert from 'node:assert/strict';
import { ApiError } from '../../src/errors/catalogue.js';

function throwsApi400(fn: () => unknown, check: (message: string) => void): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
    assert.equal(err.status, 400);
    check(err.message);
    return true;
  });
}

/** A 400 whose message equals `message` (a string) or matches it (a pattern). */
export function throws400(fn: () => unknown, message: string | RegExp): void {
  throwsApi400(fn, (m) =>
    typeof message === 'string' ? assert.equal(m, message) : assert.match(m, message),
  );
}

/** A 400 whose message mentions every fragment. */
export function throws400Mentioning(fn: () => unknown, ...fragments: string[]): void {
  throwsApi400(fn, (m) => {
    for (const f of fragments) assert.ok(m.includes(f), `'${m}' should mention '${f}'`);
  });
}
