// GET /ui and its files: readable without credentials, each with its type, an ETag (304 when it
// matches) and a strict Content-Security-Policy; nothing else is served from the folder. And the
// 401 that a page's scripts handle themselves comes without the Basic challenge.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { UI_CSP } from '../../src/http/routes/ui.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

describe('dashboard files', () => {
  it('serves the page and its modules without credentials, under a strict CSP', async () => {
    for (const [url, type] of [
      ['/ui', 'text/html; charset=utf-8'],
      ['/ui/', 'text/html; charset=utf-8'],
      ['/ui/app.js', 'text/javascript; charset=utf-8'],
      ['/ui/style.css', 'text/css; charset=utf-8'],
    ] as const) {
      const res = await t.anonymous({ method: 'GET', url });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers['content-type'], type, url);
      assert.equal(res.headers['content-security-policy'], UI_CSP);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['x-frame-options'], 'DENY');
      const again = await t.anonymous({
        method: 'GET',
        url,
        headers: { 'if-none-match': res.headers.etag as string },
      });
      assert.equal(again.statusCode, 304, url);
    }
    assert.doesNotMatch(UI_CSP, /unsafe|\*/);
    const page = (await t.anonymous({ method: 'GET', url: '/ui' })).body;
    assert.doesNotMatch(page, /<script>|style=|https?:\/\//, 'no inline code, nothing from elsewhere');
  });

  it('serves nothing but the folder’s own files', async () => {
    for (const url of ['/ui/nope.js', '/ui/..%2Fhttp%2Fapp.ts', '/ui/%2e%2e%2fpackage.json', '/ui/.hidden']) {
      const res = await t.anonymous({ method: 'GET', url });
      assert.equal(res.statusCode, 404, `${url}: ${res.body}`);
    }
  });
});

describe('401 without the Basic challenge for scripts', () => {
  it('leaves it out for X-Requested-With and for event streams, and keeps it otherwise', async () => {
    const plain = await t.anonymous({ method: 'GET', url: '/api/upgradestatusinfo' });
    assert.equal(plain.headers['www-authenticate'], 'Basic realm="api"');
    for (const headers of [{ 'x-requested-with': 'XMLHttpRequest' }, { accept: 'text/event-stream' }]) {
      const res = await t.anonymous({ method: 'GET', url: '/api/upgradestatusinfo/stream', headers });
      assert.equal(res.statusCode, 401);
      assert.equal(res.headers['www-authenticate'], undefined);
    }
  });
});
