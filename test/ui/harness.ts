// The dashboard's end-to-end harness: a listening test app (the run's database) holding the
// realistic records, and a real Chromium (test/helpers/browser.ts) logged in through the page.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { JSON_HEADERS, ADMIN_PASSWORD } from '../helpers/app.js';
import { launchBrowser, type Browser } from '../helpers/browser.js';
import { listeningApp, type ListeningApp } from '../helpers/stream-app.js';
import { logInThroughPage } from '../../bench/ui-latency.js';
import { ALL_RECORDS } from './records.js';

export interface Dashboard {
  app: ListeningApp;
  browser: Browser;
  /** uuid of each seeded record by name. */
  uuids: Map<string, string>;
  /** The page's errors, without the 401s the page expects while logged out. */
  problems(): string[];
  logIn(): Promise<void>;
}

export async function dashboard(
  t: TestContext,
  viewport?: { width: number; height: number },
): Promise<Dashboard> {
  const app = await listeningApp(t);
  const uuids = new Map<string, string>();
  for (const record of ALL_RECORDS) {
    const res = await app.app.inject({
      method: 'POST',
      url: '/api/upgradestatusinfo',
      headers: JSON_HEADERS,
      payload: record,
    });
    assert.equal(res.statusCode, 201, res.body);
    uuids.set(record.name as string, res.json().uuid as string);
  }
  const browser = await launchBrowser(viewport);
  t.after(() => browser.close());
  return {
    app,
    browser,
    uuids,
    problems: () => browser.problems.filter((p) => !/status of 401/.test(p)),
    logIn: () => logInThroughPage(browser.page, app.url, 'admin', ADMIN_PASSWORD),
  };
}
