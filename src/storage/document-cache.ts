// A bounded cache of parsed documents, shared by the adapters. Entries are only trusted after
// the database confirms the object's current revision (a counter every write bumps), so a write by another process
// sharing the database is never hidden: the cache saves the body read and the JSON parse, not
// the question to the database. Cached objects are shared: callers treat them as immutable.
import type { StoredObject } from './types.js';

export class DocumentCache {
  private readonly entries = new Map<string, { rev: number; obj: StoredObject }>();

  constructor(private readonly capacity = 50_000) {}

  /** The cached object if it is the version the database holds now. */
  fresh(uuid: string, rev: number, lastModified: string): StoredObject | undefined {
    const hit = this.entries.get(uuid);
    // rev alone repeats when another process deletes and re-creates the uuid; the pair does not.
    return hit !== undefined && hit.rev === rev && hit.obj.lastModified === lastModified
      ? hit.obj
      : undefined;
  }

  remember(obj: StoredObject, rev: number): StoredObject {
    this.entries.delete(obj.uuid);
    this.entries.set(obj.uuid, { rev, obj });
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
