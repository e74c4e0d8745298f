// Takes docs/dashboard.png (the list) and docs/dashboard-detail.png (a cluster's timeline) of the
// dashboard holding the realistic records: `npx tsx test/ui/screenshot.ts`.
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ADMIN_PASSWORD, JSON_HEADERS, startTestApp } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { logInThroughPage } from '../../bench/ui-latency.js';
import { ALL_RECORDS } from './records.js';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));

const app = await startTestApp();
const browser = await launchBrowser({ width: 1280, height: 900 });
try {
  for (const payload of ALL_RECORDS) {
    const res = await app.app.inject({
      method: 'POST',
      url: '/api/upgradestatusinfo',
      headers: JSON_HEADERS,
      payload,
    });
    if (res.statusCode !== 201) throw new Error(res.body);
  }
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.app.server.address() as AddressInfo).port}`;
  const { page } = browser;
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
  await logInThroughPage(page, url, 'admin', ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'se-east-03: details' }).waitFor();
  await page.screenshot({ path: `${DOCS}dashboard.png`, fullPage: true });
  await page.getByRole('button', { name: 'cluster-prod-east: details' }).click();
  await page.getByRole('dialog').waitFor();
  await page.screenshot({ path: `${DOCS}dashboard-detail.png` });
  console.log(`wrote ${DOCS}dashboard.png and ${DOCS}dashboard-detail.png`);
} finally {
  await browser.close();
  await app.close();
}
