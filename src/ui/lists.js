// The records on screen: one table per node type, rows sorted by name and updated in place, a
// summary line, and a polite announcement of what changed (throttled for screen readers).
/* global document, setTimeout */
import { el, fillRow, nameOf, table } from './render.js';
import { progressOf, stateOf, stateText } from './format.js';

const TYPES = ['NODE_CONTROLLER_CLUSTER', 'NODE_SE_GROUP', 'NODE_SE_TYPE'];
const CAPTIONS = {
  NODE_CONTROLLER_CLUSTER: 'Controller cluster',
  NODE_SE_GROUP: 'Service engine groups',
  NODE_SE_TYPE: 'Service engines',
  OTHER: 'Other records',
};
const ANNOUNCE_MS = 1500;

/** Newer of two versions of a record by `_last_modified` (µs since the epoch, as text). */
export function isOlder(a, b) {
  try {
    return BigInt(a._last_modified ?? 0) < BigInt(b._last_modified ?? 0);
  } catch {
    return false;
  }
}

export class Lists {
  constructor() {
    this.records = new Map();
    this.rows = new Map();
    this.showTenant = false;
    this.pendingAnnounce = [];
    this.announceTimer = undefined;
    this.bodies = {};
    for (const type of [...TYPES, 'OTHER']) {
      const holder = document.getElementById(`list-${type}`);
      const t = table(CAPTIONS[type]);
      const empty = el('p', 'empty muted', 'None.');
      holder.replaceChildren(t, empty);
      this.bodies[type] = { tbody: t.querySelector('tbody'), table: t, empty };
    }
    this.refresh();
  }

  typeOf(rec) {
    return TYPES.includes(rec.node_type) ? rec.node_type : 'OTHER';
  }

  /** Replaces everything shown (a fresh load). */
  replaceAll(list) {
    this.records = new Map(list.map((r) => [r.uuid, r]));
    for (const tr of this.rows.values()) tr.remove();
    this.rows.clear();
    for (const rec of [...this.records.values()].sort(byName)) this.place(rec);
    this.refresh();
  }

  /** A created or updated record; false when an older version than the one shown. */
  upsert(rec, announce = true) {
    const current = this.records.get(rec.uuid);
    if (current && isOlder(rec, current)) return false;
    this.records.set(rec.uuid, rec);
    this.place(rec);
    this.refresh();
    const tr = this.rows.get(rec.uuid);
    tr.classList.remove('flash');
    void tr.offsetWidth; // restart the highlight
    tr.classList.add('flash');
    if (announce) this.announce(`${nameOf(rec)}: ${stateText(stateOf(rec))}, ${progressOf(rec)}%`);
    return true;
  }

  remove(uuid) {
    const rec = this.records.get(uuid);
    this.records.delete(uuid);
    const tr = this.rows.get(uuid);
    if (tr) {
      const focused = tr.contains(document.activeElement);
      tr.remove();
      if (focused) document.getElementById('main').focus();
    }
    this.rows.delete(uuid);
    this.refresh();
    if (rec) this.announce(`${nameOf(rec)} removed`);
  }

  /** Puts the record's row in its table, in name order. */
  place(rec) {
    let tr = this.rows.get(rec.uuid);
    if (!tr) {
      tr = el('tr');
      this.rows.set(rec.uuid, tr);
    }
    fillRow(tr, rec, this.showTenant);
    const { tbody } = this.bodies[this.typeOf(rec)];
    const before = [...tbody.children].find(
      (r) => r !== tr && byName(rec, this.records.get(r.dataset.uuid)) < 0,
    );
    if (tr.parentNode !== tbody || tr.nextSibling !== (before ?? null)) {
      const hadFocus = tr.contains(document.activeElement);
      const focused = document.activeElement;
      tbody.insertBefore(tr, before ?? null);
      if (hadFocus) focused.focus();
    }
  }

  refresh() {
    for (const [type, b] of Object.entries(this.bodies)) {
      const n = b.tbody.children.length;
      b.table.hidden = n === 0;
      b.empty.hidden = n > 0;
      if (type === 'OTHER') document.getElementById('other').hidden = n === 0;
    }
    const all = [...this.records.values()];
    const by = (cls) => all.filter((r) => cls.test(stateOf(r) ?? '')).length;
    document.getElementById('summary').textContent =
      `${all.length} record${all.length === 1 ? '' : 's'}: ${by(/PROGRESS|STARTED|WAITING|ENQUEUED/)} in progress, ` +
      `${by(/COMPLETED|SUCCESS/)} completed, ${by(/ERROR|FAIL|ABORT/)} failed or aborted.`;
  }

  announce(text) {
    this.pendingAnnounce.push(text);
    if (this.announceTimer) return;
    this.announceTimer = setTimeout(() => {
      const items = this.pendingAnnounce;
      this.pendingAnnounce = [];
      this.announceTimer = undefined;
      const shown = items.slice(-3).join('; ');
      const more = items.length > 3 ? ` and ${items.length - 3} more changes` : '';
      document.getElementById('announce').textContent = `Updated ${shown}${more}.`;
    }, ANNOUNCE_MS);
  }
}

function byName(a, b) {
  if (!b) return -1;
  return nameOf(a).localeCompare(nameOf(b), undefined, { numeric: true }) || a.uuid.localeCompare(b.uuid);
}
