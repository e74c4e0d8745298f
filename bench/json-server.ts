// The tool users pick instead: json-server 0.17 (a REST mock over a JSON file), holding the same
// 10,000 documents as this server's GET case, under the same autocannon load. It is started with
// its defaults, as its README shows (`json-server db.json`), only quiet and on 127.0.0.1.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measure, startServer, type LoadCase, type LoadResult } from './lib.js';
import { benchRecord } from './records.js';

const PORT = 18070;
const COLLECTION = 'upgradestatusinfo';

export interface JsonServerOptions {
  documents: number;
  rounds: number;
  seconds: number;
  connections: number;
}

export interface ComparedRow {
  /** Which case of this server's table the row compares with. */
  compareWith: string;
  name: string;
  result: LoadResult;
}

const rand = (n: number) => Math.floor(Math.random() * n);

/** Writes db.json with the documents (json-server keys them by `id`) and measures the three cases. */
export async function jsonServerRows(dir: string, opts: JsonServerOptions): Promise<ComparedRow[]> {
  const file = join(dir, 'json-server-db.json');
  const docs = Array.from({ length: opts.documents }, (_, i) => ({
    id: `bench-se-${i}`,
    uuid: `bench-se-${i}`,
    ...benchRecord(i),
  }));
  writeFileSync(file, JSON.stringify({ [COLLECTION]: docs }));
  const server = await startServer(
    [
      'node_modules/json-server/lib/cli/bin.js',
      file,
      '--port',
      String(PORT),
      '--host',
      '127.0.0.1',
      '--quiet',
    ],
    {},
    PORT,
    `/${COLLECTION}/bench-se-0`,
  );
  const cases: { compareWith: string; c: LoadCase }[] = [
    {
      compareWith: 'GET by uuid',
      c: {
        name: 'GET by id',
        method: 'GET',
        next: () => ({ path: `/${COLLECTION}/bench-se-${rand(opts.documents)}` }),
      },
    },
    {
      compareWith: 'list page',
      c: {
        name: 'list page of 25',
        method: 'GET',
        next: () => ({ path: `/${COLLECTION}?_page=${1 + rand(40)}&_limit=25` }),
      },
    },
    {
      compareWith: 'PATCH replace progress (random',
      c: {
        name: 'PATCH progress',
        method: 'PATCH',
        next: () => ({
          path: `/${COLLECTION}/bench-se-${rand(opts.documents)}`,
          body: JSON.stringify({ progress: rand(100) }),
        }),
      },
    },
  ];
  try {
    const rows: ComparedRow[] = [];
    for (const { compareWith, c } of cases) {
      const result = await measure(
        server.url,
        { ...c, connections: opts.connections },
        opts.rounds,
        opts.seconds,
        undefined,
        server.child.pid,
      );
      rows.push({
        compareWith,
        name: `json-server 0.17: ${c.name} (${opts.documents.toLocaleString('en')} documents) [${opts.connections} conn]`,
        result,
      });
    }
    return rows;
  } finally {
    await server.stop();
  }
}
