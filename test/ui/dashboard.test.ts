// The dashboard in real Chromium (both databases): log in through the page, see every record,
// watch a PATCH made through the API appear without a reload (and how long it takes), open a
// record's timeline, move by keyboard, fit a phone's width; served under a strict CSP.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { patchToPage, wallClock, stats, formatLatency } from '../../bench/ui-latency.js';
import { ADMIN } from '../helpers/stream-app.js';
import { NO_BROWSER } from '../helpers/browser.js';
import { dashboard } from './harness.js';
import { ALL_RECORDS } from './records.js';

describe('dashboard', () => {
  before(() => {
    if (NO_BROWSER) throw new Error(NO_BROWSER);
  });

  it('logs in through its form and shows every record with its state and progress', async (t) => {
    const d = await dashboard(t);
    const { page } = d.browser;
    const res = await page.goto(`${d.app.url}/ui`);
    const csp = res?.headers()['content-security-policy'] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self';/);
    assert.doesNotMatch(csp, /unsafe/);
    await d.logIn();
    for (const record of ALL_RECORDS) {
      await page.getByRole('button', { name: `${record.name as string}: details` }).waitFor();
    }
    const cluster = page.locator(`tr[data-uuid="${d.uuids.get('cluster-prod-east')}"]`);
    assert.match(
      await cluster.innerText(),
      /In progress[\s\S]*62%[\s\S]*31\.1\.1 \(9122\)[\s\S]*30\.2\.3 \(9245\)/,
    );
    assert.equal(
      await page.getByRole('progressbar', { name: 'Progress of cluster-prod-east' }).getAttribute('value'),
      '62',
    );
    assert.match(
      await page.locator('#summary').innerText(),
      /6 records: 4 in progress, 2 completed, 0 failed/,
    );
    assert.deepEqual(d.problems(), []);
  });

  it('shows a PATCH made through the API without a reload, and new and deleted records', async (t) => {
    const d = await dashboard(t);
    const { page } = d.browser;
    await d.logIn();
    const uuid = d.uuids.get('Default-Group') as string;
    await page.locator(`tr[data-uuid="${uuid}"]`).waitFor();
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    const delays: number[] = [];
    for (const progress of [55, 56, 57, 58, 59]) {
      delays.push(
        await patchToPage(page, uuid, `${progress}%`, async () => {
          const answer = await fetch(`${d.app.url}/api/upgradestatusinfo/${uuid}`, {
            method: 'PATCH',
            headers: { authorization: ADMIN, 'content-type': 'application/json', 'x-avi-version': '31.1.1' },
            body: JSON.stringify({ replace: { progress } }),
          });
          const at = wallClock();
          assert.equal(answer.status, 200);
          return at;
        }),
      );
    }
    console.log(formatLatency(`PATCH 200 → page (${process.env.AVI_TEST_DB ?? 'sqlite'})`, stats(delays)));
    assert.ok(stats(delays).median < 1000, `median ${stats(delays).median} ms`);
    // Created and deleted elsewhere: the rows come and go.
    const created = await d.app.create({ name: 'se-east-04', node_type: 'NODE_SE_TYPE', progress: 5 });
    await page.getByRole('button', { name: 'se-east-04: details' }).waitFor();
    await d.app.remove(created);
    await page.getByRole('button', { name: 'se-east-04: details' }).waitFor({ state: 'detached' });
    assert.deepEqual(navigations, [], 'no reload');
    await page.waitForFunction(() =>
      document.getElementById('announce')?.textContent?.startsWith('Updated '),
    );
    assert.deepEqual(d.problems(), []);
  });

  it('opens a record: event timeline, SE group status and history, updated live', async (t) => {
    const d = await dashboard(t);
    const { page } = d.browser;
    await d.logIn();
    await page.getByRole('button', { name: 'cluster-prod-east: details' }).click();
    const dialog = page.getByRole('dialog', { name: 'cluster-prod-east' });
    await dialog.waitFor();
    const text = await dialog.innerText();
    for (const expected of [
      /Event timeline/,
      /✓ PreChecks/,
      /All 27 pre-checks passed/,
      /… InstallImage/,
      /10\.10\.0\.12: Installing/,
    ]) {
      assert.match(text, expected);
    }
    await d.app.patch(d.uuids.get('cluster-prod-east') as string, {
      add: {
        upgrade_events: [
          { task_name: 'MigrateConfig', sub_events: [{ status: true, message: 'Config migrated' }] },
        ],
      },
    });
    await dialog.getByText('✓ MigrateConfig').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Default-Group: details' }).click();
    assert.match(
      await page.getByRole('dialog').innerText(),
      /SE group status[\s\S]*HA_MODE_SHARED[\s\S]*SEs upgraded\s*1/,
    );
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'dmz-segroup: details' }).click();
    assert.match(
      await page.getByRole('dialog').innerText(),
      /History[\s\S]*UPGRADE[\s\S]*Completed[\s\S]*41m 33s/,
    );
  });

  it('works by keyboard: log in, move between records, open and close one', async (t) => {
    const d = await dashboard(t);
    const { page } = d.browser;
    await page.goto(`${d.app.url}/ui`);
    await page.getByLabel('Username').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'username');
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type(process.env.ADMIN_PASSWORD ?? 'test-admin-password');
    await page.keyboard.press('Enter');
    const first = page.getByRole('button', { name: 'cluster-prod-east: details' });
    await first.waitFor();
    await first.focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Default-Group');
    await page.keyboard.press('End');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'se-east-03');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'se-east-02' }).waitFor();
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
      'Close details',
    );
    await page.keyboard.press('Escape');
    assert.equal(
      await page.evaluate(() => document.activeElement?.textContent),
      'se-east-02',
      'focus returns',
    );
    // Focus stays on a row while it is updated live.
    await d.app.patch(d.uuids.get('se-east-02') as string, { replace: { progress: 90 } });
    await page
      .locator(`tr[data-uuid="${d.uuids.get('se-east-02')}"] .progress-text`)
      .filter({ hasText: '90%' })
      .waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'se-east-02');
  });

  it('fits a phone’s width: every record listed, nothing wider than the screen', async (t) => {
    const d = await dashboard(t, { width: 390, height: 844 });
    const { page } = d.browser;
    await d.logIn();
    for (const record of ALL_RECORDS) {
      assert.ok(await page.getByRole('button', { name: `${record.name as string}: details` }).isVisible());
    }
    const [scroll, inner] = await page.evaluate(() => [
      document.documentElement.scrollWidth,
      window.innerWidth,
    ]);
    assert.ok(scroll! <= inner!, `page ${scroll}px wide in a ${inner}px window`);
    assert.equal(await page.locator('thead').first().isVisible(), false, 'rows read as cards');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
  });
});
