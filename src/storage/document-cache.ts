// A bounded cache of parsed documents, shared by the adapters. An entry is trusted when the
// database confirms the object's current revision (a counter every write bumps), or, without
// asking, while the stamp it was confirmed at is still current (no other process has committed
// since: see sqlite/external-changes.ts). So a write by another process sharing the database is
// never hidden. Cached objects are shared: callers treat them as immutable.
import type { StoredObject } from './types.js';

export class DocumentCache {
  private readonly entries = new Map<string, { rev: number; obj: StoredObject; stamp: number }>();

  constructor(private readonly capacity = 50_000) {}

  /** The cached object if it is the version the database holds now. */
  fresh(uuid: string, rev: number, lastModified: string, stamp: number): StoredObject | undefined {
    const hit = this.entries.get(uuid);
    // rev alone repeats when another process deletes and re-creates the uuid; the pair does not.
    if (hit === undefined || hit.rev !== rev || hit.obj.lastModified !== lastModified) return undefined;
    hit.stamp = stamp;
    return hit.obj;
  }

  /** The cached object if it was confirmed at `stamp`, the current one: no question needed. */
  trusted(uuid: string, stamp: number): StoredObject | undefined {
    const hit = this.entries.get(uuid);
    return hit !== undefined && hit.stamp === stamp ? hit.obj : undefined;
  }

  remember(obj: StoredObject, rev: number, stamp: number): StoredObject {
    this.entries.delete(obj.uuid);
    this.entries.set(obj.uuid, { rev, obj, stamp });
    if (this.entries.size > this.capacity) {
      // Map iterates in insertion order: the first key is the least recently stored.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return obj;
  }

  forget(uuid: string): void {
    this.entries.delete(uuid);
  }

  clear(): void {
    this.entries.clear();
  }
}
