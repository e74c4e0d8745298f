// The dashboard: log in, pick a tenant, see every record, open one; it stays current through the
// live stream (opened before the list is read, so nothing falls between the two; each record
// keeps its newest version by `_last_modified`). A stream refused for good (the session ended)
// goes back to the login form.
/* global document, localStorage, setTimeout, Option, HTMLButtonElement, Element */
import * as api from './api.js';
import { Lists } from './lists.js';
import { detail, nameOf } from './render.js';
import { refName } from './format.js';

const $ = (id) => document.getElementById(id);
const TENANT_KEY = 'aus-dashboard-tenant';

const state = { version: '', tenant: '', source: undefined, loaded: false, deleted: new Set(), openUuid: '' };
let lists;
let opener;

function message(text) {
  $('message').textContent = text;
}

function setLive(text, on) {
  $('live').textContent = text;
  $('live').className = `live ${on ? 'on' : 'off'}`;
}

function showLogin(text = '') {
  state.source?.close();
  state.source = undefined;
  $('dashboard').hidden = true;
  $('controls').hidden = true;
  $('login-view').hidden = false;
  $('login-error').textContent = text;
  $('username').focus();
}

async function showDashboard(tenants, preferred, username) {
  const names = tenants.map((t) => t.name);
  const select = $('tenant');
  select.replaceChildren(
    ...names.map((n) => new Option(n, n)),
    ...((await api.canReadAll(state.version)) ? [new Option('All tenants', '*')] : []),
  );
  const saved = localStorage.getItem(TENANT_KEY);
  const options = [...select.options].map((o) => o.value);
  select.value = options.includes(saved)
    ? saved
    : options.includes(preferred)
      ? preferred
      : (options[0] ?? 'admin');
  $('user').textContent = username ? `Signed in as ${username}` : '';
  $('login-view').hidden = true;
  $('controls').hidden = false;
  $('dashboard').hidden = false;
  connect();
}

/** Opens the stream for the chosen tenant, then reads the list once it is open. */
function connect() {
  state.source?.close();
  state.tenant = $('tenant').value;
  state.loaded = false;
  state.deleted.clear();
  lists.showTenant = state.tenant === '*';
  lists.replaceAll([]);
  $('dashboard').setAttribute('aria-busy', 'true');
  message('');
  setLive('Connecting…', false);
  const source = api.stream(state.version, state.tenant, {
    open: () => {
      setLive('Live', true);
      if (!state.loaded) void load(source);
    },
    error: (closed) => {
      setLive(closed ? 'Offline' : 'Reconnecting…', false);
      if (closed && state.source === source) void refused();
    },
    change: (type, obj) => onChange(type, obj),
    reset: () => void load(source),
  });
  state.source = source;
}

async function load(source) {
  state.deleted.clear();
  try {
    const list = await api.records(state.version, state.tenant);
    if (state.source !== source) return;
    // Events that came while the list was read are at least as new as it.
    const newer = [...lists.records.values()];
    lists.replaceAll(list.filter((r) => !state.deleted.has(r.uuid)));
    for (const r of newer) lists.upsert(r, false);
    state.loaded = true;
    $('dashboard').setAttribute('aria-busy', 'false');
  } catch (e) {
    if (e instanceof api.Unauthorized) return showLogin('Your session ended. Please log in again.');
    message(`Could not read the records: ${e.message}`);
  }
}

/** The stream was refused (not a dropped connection): a lost session, or a tenant gone. */
async function refused() {
  try {
    await api.tenants();
    message('The live stream was refused; retrying shortly.');
    setTimeout(() => state.source?.readyState === 2 && connect(), 3000);
  } catch (e) {
    if (e instanceof api.Unauthorized) showLogin('Your session ended. Please log in again.');
    else setTimeout(() => void refused(), 3000);
  }
}

function onChange(type, obj) {
  if (type === 'delete') {
    state.deleted.add(obj.uuid);
    lists.remove(obj.uuid);
  } else {
    state.deleted.delete(obj.uuid);
    lists.upsert(obj);
  }
  if (obj.uuid === state.openUuid) renderDetail();
}

function renderDetail() {
  const rec = lists.records.get(state.openUuid);
  const body = $('detail-body');
  if (!rec) {
    body.replaceChildren(document.createTextNode('This record was deleted.'));
    return;
  }
  $('detail-title').textContent = nameOf(rec);
  const scroll = $('detail').scrollTop;
  body.replaceChildren(detail(rec));
  $('detail').scrollTop = scroll;
}

function openDetail(uuid, button) {
  opener = button;
  state.openUuid = uuid;
  renderDetail();
  $('detail').showModal();
  $('detail-close').focus();
}

/** ↑/↓ (and Home/End) move between the records' buttons. */
function onKey(ev) {
  const target = ev.target;
  if (!(target instanceof HTMLButtonElement) || !target.classList.contains('open')) return;
  const all = [...document.querySelectorAll('#dashboard button.open')].filter((b) => b.offsetParent !== null);
  const i = all.indexOf(target);
  const next = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: all.length - 1 }[ev.key];
  if (next === undefined || !all[next]) return;
  ev.preventDefault();
  all[next].focus();
}

async function start() {
  lists = new Lists();
  $('login').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('login-error').textContent = '';
    try {
      const res = await api.login($('username').value, $('password').value);
      $('password').value = '';
      const def = refName(res.user.default_tenant_ref);
      const preferred = res.tenants.find((t) => t.uuid === def)?.name;
      await showDashboard(res.tenants, preferred, res.user.username);
    } catch (e) {
      $('login-error').textContent =
        e.message === 'Please log in.' ? 'Wrong username or password.' : e.message;
    }
  });
  $('logout').addEventListener('click', async () => {
    await api.logout().catch(() => undefined);
    showLogin('Logged out.');
  });
  $('tenant').addEventListener('change', () => {
    localStorage.setItem(TENANT_KEY, $('tenant').value);
    connect();
  });
  document.addEventListener('click', (ev) => {
    const button = ev.target instanceof Element ? ev.target.closest('button.open') : null;
    if (button) openDetail(button.dataset.uuid, button);
  });
  document.addEventListener('keydown', onKey);
  $('detail-close').addEventListener('click', () => $('detail').close());
  $('detail').addEventListener('close', () => {
    state.openUuid = '';
    if (opener?.isConnected) opener.focus();
  });
  try {
    state.version = await api.controllerVersion();
    await showDashboard(await api.tenants(), 'admin', '');
  } catch (e) {
    if (e instanceof api.Unauthorized) showLogin();
    else message(`The server cannot be reached: ${e.message}`);
  }
}

void start();
