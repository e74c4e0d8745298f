import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, JSON_HEADERS, VERSION_HEADERS, type TestApp } from '../helpers/app.js';

let t: TestApp;
const NAMES = Array.from({ length: 60 }, (_, i) => `se-${String((i * 37) % 60).padStart(2, '0')}`);

before(async () => {
  t = await startTestApp();
  for (const [i, name] of NAMES.entries()) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/upgradestatusinfo',
      headers: JSON_HEADERS,
      payload: { name, node_type: 'NODE_SE_TYPE', progress: i % 7 },
    });
    assert.equal(res.statusCode, 201);
  }
});
after(async () => {
  await t.close();
});

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: VERSION_HEADERS });

test('an empty collection is {count: 0, results: []} without next', async () => {
  const fresh = await (await import('../helpers/app.js')).startTestApp();
  try {
    const res = await fresh.app.inject({ method: 'GET', url: '/api/upgradestatusinfo' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { count: 0, results: [] });
  } finally {
    await fresh.close();
  }
});

test('default page: 25 results in creation order, exact count, absolute next keeping the path', async () => {
  const res = await get('/api/upgradestatusinfo/');
  const body = res.json();
  assert.equal(body.count, 60);
  assert.equal(body.results.length, 25);
  assert.deepEqual(
    body.results.map((r: { name: string }) => r.name),
    NAMES.slice(0, 25),
  );
  assert.equal(body.next, 'http://localhost:80/api/upgradestatusinfo/?page=2');
});

test('page and page_size walk the whole collection once, stable, next only while more remain', async () => {
  const seen: string[] = [];
  let url: string | undefined = '/api/upgradestatusinfo?page_size=7&fields=name&foo=bar';
  let pages = 0;
  while (url && pages < 20) {
    const body: { count: number; results: { name: string }[]; next?: string } = (await get(url)).json();
    assert.equal(body.count, 60);
    seen.push(...body.results.map((r) => r.name));
    if (body.next) {
      assert.match(
        body.next,
        /^http:\/\/localhost:80\/api\/upgradestatusinfo\?page_size=7&fields=name&foo=bar&page=\d+$/,
      );
      url = body.next.replace('http://localhost:80', '');
    } else url = undefined;
    pages++;
  }
  assert.equal(pages, 9);
  assert.deepEqual(seen, NAMES);
});

test('page past the end is an empty page; bad page values are 400', async () => {
  const past = (await get('/api/upgradestatusinfo?page=100')).json();
  assert.deepEqual(past, { count: 60, results: [] });
  for (const bad of ['page=0', 'page=-1', 'page=abc', 'page_size=0', 'page_size=1e3']) {
    const res = await get(`/api/upgradestatusinfo?${bad}`);
    assert.equal(res.statusCode, 400, bad);
    assert.match(res.json().error, /page/);
  }
});

test('page_size is clamped to the documented maximum of 1000', async () => {
  const body = (await get('/api/upgradestatusinfo?page_size=100000')).json();
  assert.equal(body.results.length, 60);
  assert.equal(body.next, undefined);
});

test('name= is an exact match', async () => {
  const body = (await get('/api/upgradestatusinfo?name=se-07')).json();
  assert.equal(body.count, 1);
  assert.equal(body.results[0].name, 'se-07');
  assert.equal((await get('/api/upgradestatusinfo?name=se-0')).json().count, 0);
  assert.equal((await get("/api/upgradestatusinfo?name=' OR 1=1 --")).json().count, 0);
});

test('sort=field and sort=-field, with creation order breaking ties', async () => {
  const asc = (await get('/api/upgradestatusinfo?sort=name&page_size=60')).json();
  assert.deepEqual(
    asc.results.map((r: { name: string }) => r.name),
    [...NAMES].sort(),
  );
  const desc = (await get('/api/upgradestatusinfo?sort=-name&page_size=3')).json();
  assert.deepEqual(
    desc.results.map((r: { name: string }) => r.name),
    ['se-59', 'se-58', 'se-57'],
  );
  const byProgress = (await get('/api/upgradestatusinfo?sort=-progress,name&page_size=60')).json();
  const progress = byProgress.results.map((r: { progress: number }) => r.progress);
  assert.deepEqual(
    progress,
    [...progress].sort((a, b) => b - a),
  );
  const bad = await get('/api/upgradestatusinfo?sort=nosuchfield');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error, /sort/);
});

test('fields= returns only those fields plus url, uuid and name', async () => {
  const body = (await get('/api/upgradestatusinfo?fields=progress&page_size=1')).json();
  assert.deepEqual(Object.keys(body.results[0]).sort(), ['name', 'progress', 'url', 'uuid']);
});

test('a stray & and unknown parameters are ignored', async () => {
  const res = await get('/api/upgradestatusinfo?&include_name=true&join_subresources=runtime&tenant=admin');
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().count, 60);
  assert.match(res.json().results[0].url, /#se-00$/);
});
