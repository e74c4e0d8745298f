// The dashboard's DOM: one table per node type (rows updated in place, so focus stays put) and
// the detail view of one record. Text goes in with textContent only.
/* global document */
import {
  durationOf,
  durationText,
  progressOf,
  refName,
  stateClass,
  stateOf,
  stateText,
  timeText,
  versionText,
} from './format.js';

export function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

function add(parent, ...children) {
  for (const c of children) if (c) parent.append(c);
  return parent;
}

const COLUMNS = ['Name', 'State', 'Progress', 'Version', 'Previous', 'Patch', 'Started', 'Ended', 'Duration'];

export function nameOf(rec) {
  return rec.name || rec.uuid;
}

/** An empty table for one node type; rows go in its tbody. */
export function table(caption) {
  const t = el('table', 'records');
  add(t, el('caption', 'visually-hidden', caption));
  const head = add(el('tr'), ...COLUMNS.map((c) => el('th', null, c)));
  head.querySelectorAll('th').forEach((th) => th.setAttribute('scope', 'col'));
  add(t, add(el('thead'), head), el('tbody'));
  return t;
}

function progressCell(rec, label) {
  const p = progressOf(rec);
  const bar = el('progress');
  bar.max = 100;
  bar.value = p;
  bar.setAttribute('aria-label', `Progress of ${label}`);
  bar.textContent = `${p}%`;
  return add(el('div', 'progress'), bar, el('span', 'num progress-text', `${p}%`));
}

function patchText(rec) {
  if (rec.patch_version)
    return rec.previous_patch_version
      ? `${rec.patch_version} (was ${rec.previous_patch_version})`
      : rec.patch_version;
  return rec.previous_patch_version ? `— (was ${rec.previous_patch_version})` : '—';
}

/** Fills `tr` (new or existing) with `rec`; the open button is kept, so focus stays on it. */
export function fillRow(tr, rec, showTenant) {
  tr.dataset.uuid = rec.uuid;
  let button = tr.querySelector('button.open');
  // The button is moved, not recreated, and focused again: a keyboard user's focus survives updates.
  const hadFocus = button !== null && button === document.activeElement;
  const label = nameOf(rec);
  if (!button) {
    button = el('button', 'open');
    button.type = 'button';
    button.dataset.uuid = rec.uuid;
  }
  button.textContent = label;
  button.setAttribute('aria-label', `${label}: details`);
  const state = stateOf(rec);
  const nameCell = add(el('td'), button);
  if (showTenant && rec.tenant_ref)
    add(nameCell, el('div', 'muted sub', `tenant ${refName(rec.tenant_ref)}`));
  const cells = [
    nameCell,
    el('td', `state ${stateClass(state)}`, stateText(state)),
    add(el('td'), progressCell(rec, label)),
    el('td', null, versionText(rec.version)),
    el('td', null, versionText(rec.previous_version)),
    el('td', null, patchText(rec)),
    el('td', null, timeText(rec.start_time)),
    el('td', null, timeText(rec.end_time)),
    el('td', null, durationText(durationOf(rec))),
  ];
  cells.forEach((c, i) => (c.dataset.label = COLUMNS[i]));
  tr.replaceChildren(...cells);
  if (hadFocus) button.focus();
  return tr;
}

function facts(pairs) {
  const dl = el('dl', 'facts');
  for (const [k, v] of pairs) {
    if (v === undefined || v === null || v === '') continue;
    add(dl, el('dt', null, k), el('dd', null, v));
  }
  return dl;
}

function section(title, ...children) {
  return add(el('section'), el('h3', null, title), ...children);
}

function eventStatus(ev) {
  if (ev.status === true) return '✓ done';
  if (ev.end_time) return '✗ failed';
  return '… running';
}

function subEvent(ev) {
  const where = ev.ip && ev.ip.addr ? `${ev.ip.addr}: ` : '';
  const when = ev.start_time
    ? ` (${timeText(ev.start_time)}${ev.duration ? `, ${durationText(ev.duration)}` : ''})`
    : '';
  return el('li', 'sub', `${eventStatus(ev)} — ${where}${ev.message || ''}${when}`);
}

/** The upgrade_events of a record (or of a history entry): tasks with their sub-events. */
function timeline(events) {
  if (!Array.isArray(events) || events.length === 0) return el('p', 'muted', 'No events yet.');
  const ol = el('ol', 'timeline');
  for (const ev of events) {
    const subs = [...(ev.sub_events || []), ...(ev.nodes_events || [])];
    const failed = subs.some((s) => s.status === false && s.end_time);
    const done = subs.length > 0 && subs.every((s) => s.status === true);
    const mark = failed ? '✗' : done ? '✓' : '…';
    const li = add(el('li'), el('strong', null, `${mark} ${ev.task_name || stateText(ev.task) || 'Task'}`));
    if (subs.length > 0) add(li, add(el('ul'), ...subs.map(subEvent)));
    add(ol, li);
  }
  return ol;
}

function count(list) {
  return Array.isArray(list) ? list.length : undefined;
}

function segStatus(s) {
  return facts([
    ['State', s.state && stateText(s.state)],
    ['Progress', s.progress !== undefined ? `${s.progress}%` : undefined],
    ['HA mode', s.ha_mode],
    ['Traffic', s.traffic_status],
    ['SEs', s.num_se],
    ['Virtual services', s.num_vs],
    ['SEs upgraded', count(s.se_upgrade_completed)],
    ['SEs in progress', count(s.se_upgrade_in_progress)],
    ['SEs not started', count(s.se_upgrade_not_started)],
    ['SEs failed', count(s.se_upgrade_failed)],
    ['SE errors', count(s.se_upgrade_errors)],
    ['VS disrupted', s.num_vs_disrupted],
    ['Started', s.start_time && timeText(s.start_time)],
    ['Ended', s.end_time && timeText(s.end_time)],
    ['Duration', s.duration],
    ['Notes', Array.isArray(s.notes) ? s.notes.join('; ') : undefined],
  ]);
}

function history(entries) {
  const t = el('table');
  const cols = ['Operation', 'Version', 'Patch', 'State', 'Started', 'Ended', 'Duration'];
  add(t, add(el('thead'), add(el('tr'), ...cols.map((c) => el('th', null, c)))));
  const body = el('tbody');
  for (const h of entries) {
    const cells = [
      h.ops,
      versionText(h.version),
      h.patch_version || '—',
      stateText(h.state && h.state.state),
      timeText(h.start_time),
      timeText(h.end_time),
      durationText(h.duration),
    ].map((v, i) => {
      const td = el('td', null, v);
      td.dataset.label = cols[i];
      return td;
    });
    add(body, add(el('tr'), ...cells));
  }
  return add(t, body);
}

/** The detail view of one record. */
export function detail(rec) {
  const state = stateOf(rec);
  const out = el('div');
  add(
    out,
    add(el('p'), el('span', `state ${stateClass(state)}`, stateText(state))),
    progressCell(rec, nameOf(rec)),
    facts([
      ['Type', stateText(rec.node_type && rec.node_type.replace(/^NODE_/, ''))],
      ['Operation', rec.upgrade_ops],
      ['Version', rec.version],
      ['Previous version', rec.previous_version],
      ['Patch', rec.patch_version],
      ['Previous patch', rec.previous_patch_version],
      ['Tasks', rec.total_tasks ? `${rec.tasks_completed ?? 0} of ${rec.total_tasks}` : undefined],
      ['Queued', rec.enqueue_time && timeText(rec.enqueue_time)],
      ['Started', timeText(rec.start_time)],
      ['Ended', timeText(rec.end_time)],
      ['Duration', durationText(durationOf(rec))],
      ['Reason', (rec.state && rec.state.reason) || rec.reason],
      ['Tenant', refName(rec.tenant_ref)],
      ['Cloud', refName(rec.obj_cloud_ref)],
    ]),
    section('Event timeline', timeline(rec.upgrade_events)),
  );
  if (rec.seg_status) add(out, section('SE group status', segStatus(rec.seg_status)));
  if (Array.isArray(rec.history) && rec.history.length > 0)
    add(out, section('History', history(rec.history)));
  return out;
}
