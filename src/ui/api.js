// The dashboard's calls to the server: login and logout (cookies, X-CSRFToken), the tenants, the
// records of a tenant (every page), and the live stream (EventSource, which sends the cookies;
// the version and tenant travel as query parameters since it cannot send headers).
/* global document, fetch, EventSource, URLSearchParams */

const LIST = '/api/upgradestatusinfo';

export class Unauthorized extends Error {}

function cookie(name) {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return '';
}

async function call(path, { method = 'GET', headers = {}, body } = {}) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      accept: 'application/json',
      // Our own 401 handling: without this the server's Basic challenge makes the browser prompt.
      'x-requested-with': 'XMLHttpRequest',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(method === 'GET' ? {} : { 'x-csrftoken': cookie('csrftoken') }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401) throw new Unauthorized('Please log in.');
  const text = await res.text();
  const json = text === '' ? {} : JSON.parse(text);
  if (!res.ok) throw new Error(json.error || `${method} ${path}: ${res.status}`);
  return json;
}

/** The controller's version: the API version the dashboard speaks (every field). */
export async function controllerVersion() {
  const data = await call('/api/initial-data');
  return data.version.Version;
}

export function login(username, password) {
  return call('/login', { method: 'POST', body: { username, password } });
}

export function logout() {
  return call('/logout', { method: 'POST', body: {} });
}

/** The tenants the user may see; throws Unauthorized without a session. */
export async function tenants() {
  return (await call('/api/tenant?page_size=1000')).results;
}

/** Whether the user may read every tenant at once (`*`). */
export async function canReadAll(version) {
  try {
    await call(`${LIST}?page_size=1&fields=name`, {
      headers: { 'x-avi-version': version, 'x-avi-tenant': '*' },
    });
    return true;
  } catch (e) {
    if (e instanceof Unauthorized) throw e;
    return false;
  }
}

/** Every record of `tenant` (a name, or `*`), page by page. */
export async function records(version, tenant) {
  const headers = { 'x-avi-version': version, 'x-avi-tenant': tenant };
  const out = [];
  for (let page = 1; ; page++) {
    const data = await call(`${LIST}?page_size=1000&page=${page}`, { headers });
    out.push(...data.results);
    if (!data.next || data.results.length === 0) return out;
  }
}

/** Opens the live stream of `tenant`; `on` gets open, error and each event by its type. */
export function stream(version, tenant, on) {
  const query = new URLSearchParams({ version, tenant });
  const source = new EventSource(`${LIST}/stream?${query}`);
  source.addEventListener('open', () => on.open());
  source.addEventListener('error', () => on.error(source.readyState === EventSource.CLOSED));
  for (const type of ['create', 'update', 'delete']) {
    source.addEventListener(type, (ev) => on.change(type, JSON.parse(ev.data)));
  }
  source.addEventListener('reset', () => on.reset());
  return source;
}
