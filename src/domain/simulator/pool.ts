// The SE groups of a run: enqueued together, at most `concurrency` of them upgrading at once, and
// what they add up to once none is moving (running, suspended, failed or completed).
import type { GroupActor } from './group.js';
import type { ActionOnError } from './operation.js';

export type PoolOutcome = 'running' | 'suspended' | 'failed' | 'completed';

export class GroupPool {
  constructor(
    readonly groups: readonly GroupActor[],
    private readonly concurrency: number,
  ) {}

  /** Every group waits for a slot; the first ones get theirs. */
  start(): void {
    for (const g of this.groups) g.enqueue();
    this.admit();
  }

  /** Gives free slots to waiting groups, in order. */
  admit(): void {
    let running = this.groups.filter(
      (g) => g.stage !== 'queued' && g.stage !== 'done' && g.stage !== 'suspended',
    ).length;
    for (const g of this.groups) {
      if (running >= this.concurrency) break;
      if (g.stage !== 'queued') continue;
      g.admit();
      running++;
    }
  }

  done(): number {
    return this.groups.filter((g) => g.stage === 'done').length;
  }

  /** After a group stopped: free its slot, and tell where the groups stand. */
  settle(): PoolOutcome {
    this.admit();
    if (this.groups.some((g) => g.stage !== 'done' && g.stage !== 'suspended')) return 'running';
    if (this.suspended().length > 0) return 'suspended';
    return this.groups.some((g) => g.failed) ? 'failed' : 'completed';
  }

  suspended(): GroupActor[] {
    return this.groups.filter((g) => g.stage === 'suspended');
  }

  failed(): GroupActor[] {
    return this.groups.filter((g) => g.failed);
  }

  /** Resumes the suspended groups among `uuids` (all of them when empty). */
  resume(uuids: readonly string[], action: ActionOnError, disruptive: boolean, skipSuspended: boolean): void {
    for (const g of this.suspended()) {
      if (uuids.length === 0 || uuids.includes(g.info.uuid)) g.resume(action, disruptive, skipSuspended);
    }
  }
}
