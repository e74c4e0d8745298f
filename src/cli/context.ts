// What a command runs with: the process's streams and environment (passed in, so commands can
// be driven from tests), and a logged-in client that is always logged out and closed afterwards.
import type { Readable } from 'node:stream';
import { connectionOptions, type Values } from './args.js';
import { ApiClient } from './client.js';
import type { TtyStream } from './progress.js';

export interface Io {
  stdout: TtyStream;
  stderr: TtyStream;
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export type Command = (args: string[], io: Io) => Promise<void>;

/** Logs in with the connection flags in `values`, runs `work`, then logs out. */
export async function withClient<T>(
  values: Values,
  io: Io,
  work: (client: ApiClient) => Promise<T>,
): Promise<T> {
  const client = await ApiClient.connect(connectionOptions(values, io.env));
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

/** Writes `text`, waiting while the stream's buffer is full. */
export function write(stream: TtyStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    stream.once('error', onError);
    const done = () => {
      stream.off('error', onError);
      resolve();
    };
    if (stream.write(text)) done();
    else stream.once('drain', done);
  });
}

/** Prints `help` when asked (`--help`); returns whether it did. */
export function helpAsked(values: Values, io: Io, help: string): boolean {
  if (values.help !== true) return false;
  io.stdout.write(help.endsWith('\n') ? help : `${help}\n`);
  return true;
}
