// The filtered list case: `state.state=UPGRADE_FSM_ERROR&sort=-progress&page_size=25` where the
// filter matches 1% of the objects, over a store of a given size. Seeding a million records
// through the API would take minutes, so the store is filled through the storage adapter with
// documents in exactly the stored form the service writes (one is made by the service itself).
import { join } from 'node:path';
import { openSqliteStorage } from '../src/storage/sqlite/index.js';
import { UpgradeStatusService } from '../src/services/upgrade-status-service.js';
import { SYSTEM_PRINCIPAL } from '../src/domain/auth/principal.js';
import { startServer, measure, login, type LoadResult } from './lib.js';
import { benchRecord } from './records.js';

const QUERY = '/api/upgradestatusinfo?state.state=UPGRADE_FSM_ERROR&sort=-progress&page_size=25';

async function seed(file: string, objects: number): Promise<void> {
  const storage = openSqliteStorage({ file });
  const service = new UpgradeStatusService(storage.upgradeStatus, storage.tenants);
  const template = await service.create({ principal: SYSTEM_PRINCIPAL, tenant: 'admin' }, benchRecord(0), {
    slug: 'filtered-0',
  });
  const started = Date.now();
  const pending: Promise<void>[] = [];
  for (let i = 1; i < objects; i++) {
    const uuid = `filtered-${i}`;
    const body = {
      ...template.body,
      uuid,
      name: `bench-seg-${i}`,
      progress: i % 101,
      state: {
        ...(template.body.state as object),
        state: i % 100 === 0 ? 'UPGRADE_FSM_ERROR' : 'UPGRADE_FSM_IN_PROGRESS',
      },
    };
    pending.push(storage.upgradeStatus.insert({ ...template, uuid, body }));
    if (pending.length >= 2000) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  await storage.close();
  console.log(
    `seeded ${objects} objects for the filtered list in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

export async function filteredListRows(
  dir: string,
  objects: number,
  adminPassword: string,
  timing: { rounds: number; seconds: number },
  baseline: number,
): Promise<{ name: string; result: LoadResult; baseline: number }[]> {
  const file = join(dir, `filtered-${objects}.db`);
  await seed(file, objects);
  const port = 18081;
  const server = await startServer(
    ['dist/src/main.js'],
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${file}`,
      LOG_LEVEL: 'warn',
      ADMIN_PASSWORD: adminPassword,
    },
    port,
    '/api/initial-data',
  );
  try {
    const session = await login(server.url, adminPassword);
    const check = await fetch(server.url + QUERY, { headers: { ...session, 'x-avi-version': '31.1.1' } });
    const body = (await check.json()) as { count: number };
    if (check.status !== 200 || body.count !== Math.ceil(objects / 100)) {
      throw new Error(`filtered list answered ${check.status} with count ${body.count}`);
    }
    const result = await measure(
      server.url,
      { name: 'filtered', method: 'GET', next: () => ({ path: QUERY }), headers: session, connections: 1 },
      timing.rounds,
      timing.seconds,
      undefined,
      server.child.pid,
    );
    return [
      {
        name: `filtered list (state.state=UPGRADE_FSM_ERROR&sort=-progress, 1% of ${objects.toLocaleString('en')}) [1 conn]`,
        result,
        baseline,
      },
    ];
  } finally {
    await server.stop();
  }
}
