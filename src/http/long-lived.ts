// Responses that stay open by design (event streams): not work in flight. A graceful shutdown
// neither counts nor waits for them; the app ends them itself when it closes.
import type { ServerResponse } from 'node:http';

const longLived = new WeakSet<ServerResponse>();

export function markLongLived(res: ServerResponse): void {
  longLived.add(res);
}

export function isLongLived(res: ServerResponse): boolean {
  return longLived.has(res);
}
