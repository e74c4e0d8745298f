// How long a change takes to reach the dashboard: the delay from a PATCH's 200 to the open page
// (real Chromium, logged in, live stream) showing the new value, as the median of N PATCHes.
// `npx tsx bench/ui-latency.ts [--patches N] [--database-url URL]`, or `npm run bench -- --only ui`.
// The server runs from source (tsx) on a fresh SQLite file unless --database-url names another
// store. Times on both sides are wall-clock ms (performance.timeOrigin + now) of one machine.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/helpers/browser.js';
import { startServer } from './lib.js';

const PASSWORD = 'bench-ui-password';
const AUTH = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;

export interface LatencyStats {
  n: number;
  median: number;
  p90: number;
  min: number;
  max: number;
}

export function stats(samples: number[]): LatencyStats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  return { n: s.length, median: at(0.5), p90: at(0.9), min: s[0] as number, max: s.at(-1) as number };
}

/** Logs in through the page's own form and waits for the records. */
export async function logInThroughPage(page: Page, baseUrl: string, username: string, password: string) {
  await page.goto(`${baseUrl}/ui`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
}

/** Now, as wall-clock ms with a fraction. */
export const wallClock = (): number => performance.timeOrigin + performance.now();

/**
 * Sends `patch` (resolving with the time its 200 came) and returns the ms from then until the
 * row of `uuid` shows `text` as its progress (negative: the page was first).
 */
export async function patchToPage(page: Page, uuid: string, text: string, patch: () => Promise<number>) {
  await page.evaluate(
    ({ uuid, text }) => {
      const w = window as unknown as { __shown?: Promise<number> };
      // No named functions in here: tsx would wrap them in a helper the page does not have.
      w.__shown = new Promise<number>((resolve, reject) => {
        const selector = `tr[data-uuid="${uuid}"] .progress-text`;
        const observer = new MutationObserver(() => {
          if (document.querySelector(selector)?.textContent !== text) return;
          observer.disconnect();
          resolve(performance.timeOrigin + performance.now());
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        setTimeout(() => reject(new Error(`${text} not shown within 10 s`)), 10_000);
      });
    },
    { uuid, text },
  );
  const answered = await patch();
  const shown = await page.evaluate(() => (window as unknown as { __shown: Promise<number> }).__shown);
  return shown - answered;
}

/** Starts a server, seeds one record, opens the dashboard and measures `patches` PATCHes. */
export async function measureUiLatency(opts: { patches: number; databaseUrl?: string; port?: number }) {
  const dir = mkdtempSync(join(tmpdir(), 'aus-bench-ui-'));
  const port = opts.port ?? 18180;
  const server = await startServer(
    ['--import', 'tsx', 'src/main.ts'],
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: opts.databaseUrl ?? `sqlite:${join(dir, 'ui.db')}`,
      LOG_LEVEL: 'warn',
      ADMIN_PASSWORD: PASSWORD,
    },
    port,
    '/api/initial-data',
  );
  const browser = await launchBrowser();
  try {
    const headers = { authorization: AUTH, 'content-type': 'application/json', 'x-avi-version': '31.1.1' };
    const created = await fetch(`${server.url}/api/upgradestatusinfo`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: `latency-${Date.now()}`, node_type: 'NODE_SE_GROUP', progress: 0 }),
    });
    const uuid = ((await created.json()) as { uuid: string }).uuid;
    await logInThroughPage(browser.page, server.url, 'admin', PASSWORD);
    await browser.page.locator(`tr[data-uuid="${uuid}"]`).waitFor();
    const samples: number[] = [];
    for (let i = 1; i <= opts.patches; i++) {
      const progress = i % 100 === 0 ? 100 : i % 100;
      samples.push(
        await patchToPage(browser.page, uuid, `${progress}%`, async () => {
          const res = await fetch(`${server.url}/api/upgradestatusinfo/${uuid}`, {
            method: 'PATCH',
            headers,
            body: JSON.stringify({ replace: { progress } }),
          });
          const answered = wallClock();
          if (res.status !== 200) throw new Error(`PATCH: ${res.status} ${await res.text()}`);
          await res.arrayBuffer();
          return answered;
        }),
      );
      await new Promise((r) => setTimeout(r, 20)); // one change at a time on the page
    }
    return stats(samples);
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatLatency(label: string, s: LatencyStats): string {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  return `${label}: median ${ms(s.median)}, p90 ${ms(s.p90)}, min ${ms(s.min)}, max ${ms(s.max)} (${s.n} PATCHes)`;
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  return script !== undefined && realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
}

if (isEntryPoint()) {
  const { values } = parseArgs({
    options: { patches: { type: 'string', default: '50' }, 'database-url': { type: 'string' } },
  });
  const result = await measureUiLatency({
    patches: Number(values.patches),
    databaseUrl: values['database-url'],
  });
  console.log(formatLatency('PATCH 200 → dashboard shows the value', result));
}
