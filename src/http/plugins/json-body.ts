// Request bodies: JSON only, and an empty body with `Content-Type: application/json` is no body
// at all (both SDKs send that header on GET, DELETE and logout). `__proto__` and `constructor`
// keys are refused by Fastify's secure parser before any code sees them.
import type { FastifyInstance } from 'fastify';

export function installJsonBody(app: FastifyInstance): void {
  const strict = app.getDefaultJsonParser('error', 'error');
  // Only JSON: any other type (text/plain is built into Fastify) is answered with 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    strict(request, text, done);
  });
}

/**
 * `application/x-www-form-urlencoded` bodies, for the routes of `scope` only (the Python SDK
 * logs in with `username=..&password=..`). Parsed with URLSearchParams into an object without a
 * prototype; the last value of a repeated field wins.
 */
export function installFormBody(scope: FastifyInstance): void {
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      const fields = Object.create(null) as Record<string, string>;
      for (const [key, value] of new URLSearchParams(text)) fields[key] = value;
      done(null, fields);
    },
  );
}
