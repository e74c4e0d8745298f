// GET /swagger: a small, self-contained page that shows the OpenAPI document in a browser. It
// loads nothing but the document from this server (no CDN); when the document needs a login it
// offers a form that logs in at /login. The page builds its DOM with textContent only, and its
// Content-Security-Policy allows exactly its own inline style and script (by hash).
import { createHash } from 'node:crypto';

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 0 16px 48px; color: #1d2430; }
h1 { font-size: 22px; margin: 20px 0 4px; } h2 { font-size: 18px; margin: 28px 0 6px; border-bottom: 1px solid #d8dde6; }
code, .mono { font-family: ui-monospace, monospace; font-size: 13px; }
details { border: 1px solid #d8dde6; border-radius: 4px; margin: 4px 0; }
details > summary { cursor: pointer; padding: 6px 8px; } details[open] > summary { background: #f3f5f8; }
details > div { padding: 6px 12px 10px; }
.method { display: inline-block; width: 64px; font-weight: 600; text-transform: uppercase; }
.get { color: #1c6ab0; } .post { color: #23824b; } .put { color: #a86500; } .patch { color: #7a4db3; } .delete { color: #b3261e; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; } th, td { text-align: left; vertical-align: top; padding: 3px 6px; border-bottom: 1px solid #eceff3; }
th { font-weight: 600; background: #fafbfc; } .muted { color: #5c6675; } .error { color: #b3261e; }
form { display: flex; gap: 8px; align-items: center; margin: 16px 0; } input { padding: 4px 6px; }
#filter { width: 320px; margin: 8px 0; }
`;

const SCRIPT = `
(function () {
'use strict';
var DOC_URL = '/api/swagger.json';
var main = document.getElementById('main');
var statusLine = document.getElementById('status');
var form = document.getElementById('login');
function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
function add(parent) { for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]); return parent; }
function refName(ref) { return ref.slice(ref.lastIndexOf('/') + 1); }
function resolve(doc, obj) {
  if (!obj || typeof obj.$ref !== 'string') return obj;
  var cur = doc;
  obj.$ref.slice(2).split('/').forEach(function (p) { cur = cur && cur[p.replace(/~1/g, '/').replace(/~0/g, '~')]; });
  return cur || obj;
}
function typeNode(s) {
  if (!s) return el('span', 'muted', 'any');
  if (typeof s.$ref === 'string') { var a = el('a', 'mono', refName(s.$ref)); a.href = '#schema-' + refName(s.$ref); return a; }
  var alt = s.oneOf || s.anyOf;
  if (alt) { var span = el('span'); alt.forEach(function (x, i) { if (i) add(span, el('span', 'muted', ' | ')); add(span, typeNode(x)); }); return span; }
  if (s.type === 'array') return add(el('span', null, 'array of '), typeNode(s.items));
  var t = Array.isArray(s.type) ? s.type.join(' | ') : (s.type || 'any');
  return el('span', 'mono', s.format ? t + ' (' + s.format + ')' : t);
}
function notes(s) {
  var out = [];
  if (!s) return '';
  if (s.enum) out.push('one of: ' + s.enum.join(', '));
  if (s.minimum !== undefined || s.maximum !== undefined) out.push('from ' + (s.minimum === undefined ? '…' : s.minimum) + ' to ' + (s.maximum === undefined ? '…' : s.maximum));
  if (s.default !== undefined) out.push('default: ' + JSON.stringify(s.default));
  if (s['x-avi-since']) out.push('since ' + s['x-avi-since'].join(', '));
  if (s['x-avi-edition'] === 'enterprise') out.push('enterprise tiers only');
  if (s['x-avi-ref']) out.push('reference to ' + s['x-avi-ref']);
  if (s.readOnly) out.push('read-only');
  if (s.writeOnly) out.push('write-only');
  return out.join('; ');
}
function table(headers, rows) {
  var t = el('table'), head = el('tr');
  headers.forEach(function (h) { add(head, el('th', null, h)); });
  add(t, head);
  rows.forEach(function (cells) {
    var tr = el('tr');
    cells.forEach(function (c) { add(tr, c instanceof Node ? add(el('td'), c) : el('td', null, c)); });
    add(t, tr);
  });
  return t;
}
function operation(doc, path, method, op) {
  var d = el('details');
  d.dataset.path = path;
  add(d, add(el('summary'), el('span', 'method ' + method, method), el('code', null, path), el('span', 'muted', '  ' + (op.summary || ''))));
  var body = add(d, el('div'));
  if (op.description) add(body, el('p', null, op.description));
  var sec = op.security || doc.security || [];
  add(body, el('p', 'muted', sec.length === 0 ? 'No credentials needed.' : 'Credentials: ' + sec.map(function (r) { return Object.keys(r).join(' + '); }).join(', or ')));
  var params = (op.parameters || []).map(function (p) { return resolve(doc, p); });
  if (params.length) add(body, el('h4', null, 'Parameters'), table(['name', 'in', 'type', 'about'], params.map(function (p) {
    return [el('code', null, p.name + (p.required ? ' *' : '')), p.in, typeNode(p.schema), [p.description, notes(p.schema)].filter(Boolean).join(' ')];
  })));
  if (op.requestBody) {
    var content = resolve(doc, op.requestBody).content || {};
    add(body, el('h4', null, 'Body'), table(['content type', 'schema'], Object.keys(content).map(function (c) { return [c, typeNode(content[c].schema)]; })));
  }
  add(body, el('h4', null, 'Responses'), table(['status', 'about', 'schema'], Object.keys(op.responses || {}).map(function (code) {
    var r = resolve(doc, op.responses[code]);
    var c = r.content && (r.content['application/json'] || r.content['text/html']);
    return [code, r.description || '', c ? typeNode(c.schema) : el('span', 'muted', 'no body')];
  })));
  return d;
}
function schema(doc, name, s) {
  var d = el('details');
  d.id = 'schema-' + name;
  add(d, add(el('summary'), el('code', null, name), el('span', 'muted', s.description ? '  ' + s.description : '')));
  var body = add(d, el('div'));
  var props = s.properties || {};
  var required = s.required || [];
  var keys = Object.keys(props);
  if (keys.length === 0) { add(body, el('p', 'muted', 'No fixed members.')); return d; }
  add(body, table(['field', 'type', 'about'], keys.map(function (k) {
    var p = props[k];
    return [el('code', null, k + (required.indexOf(k) >= 0 ? ' *' : '')), typeNode(p), [notes(p), p.description].filter(Boolean).join('. ')];
  })));
  return d;
}
function render(doc) {
  main.textContent = '';
  form.hidden = true;
  statusLine.textContent = '';
  document.title = doc.info.title + ' ' + doc.info.version;
  add(main, el('h1', null, doc.info.title + ' ' + doc.info.version), el('p', null, doc.info.description || ''));
  var raw = el('a', null, 'The document as JSON');
  raw.href = DOC_URL;
  add(main, raw);
  var filter = el('input');
  filter.id = 'filter';
  filter.placeholder = 'Filter paths';
  add(main, el('p'), filter);
  (doc.tags || []).forEach(function (tag) {
    var section = add(el('section'), el('h2', null, tag.name), el('p', 'muted', tag.description || ''));
    var found = false;
    Object.keys(doc.paths).forEach(function (path) {
      var item = doc.paths[path];
      Object.keys(item).forEach(function (method) {
        if ((item[method].tags || []).indexOf(tag.name) < 0) return;
        found = true;
        add(section, operation(doc, path, method, item[method]));
      });
    });
    if (found) add(main, section);
  });
  var schemas = doc.components && doc.components.schemas || {};
  add(main, el('h2', null, 'Schemas'));
  Object.keys(schemas).forEach(function (name) { add(main, schema(doc, name, schemas[name])); });
  filter.addEventListener('input', function () {
    var q = filter.value.toLowerCase();
    main.querySelectorAll('details[data-path]').forEach(function (d) { d.hidden = d.dataset.path.toLowerCase().indexOf(q) < 0; });
  });
  openTarget();
}
function openTarget() {
  var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (target && target.tagName === 'DETAILS') { target.open = true; target.scrollIntoView(); }
}
function load() {
  statusLine.textContent = 'Loading…';
  fetch(DOC_URL, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (r) {
    if (r.status === 401) { statusLine.textContent = 'The document needs a login.'; form.hidden = false; return null; }
    if (!r.ok) throw new Error('GET ' + DOC_URL + ': HTTP ' + r.status);
    return r.json();
  }).then(function (doc) { if (doc) render(doc); }).catch(function (e) { statusLine.textContent = String(e.message || e); });
}
form.addEventListener('submit', function (ev) {
  ev.preventDefault();
  var body = JSON.stringify({ username: form.elements.username.value, password: form.elements.password.value });
  fetch('/login', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: body }).then(function (r) {
    if (r.ok) { form.elements.password.value = ''; load(); return; }
    return r.json().then(function (b) { statusLine.textContent = b && b.error || 'HTTP ' + r.status; });
  }).catch(function (e) { statusLine.textContent = String(e.message || e); });
});
window.addEventListener('hashchange', openTarget);
load();
})();
`;

export const VIEWER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>avi-upgrade-status API</title>
<style>${STYLE}</style>
</head>
<body>
<p id="status" class="error" role="status"></p>
<form id="login" hidden>
<input name="username" autocomplete="username" placeholder="username" required>
<input name="password" type="password" autocomplete="current-password" placeholder="password" required>
<button type="submit">Log in</button>
</form>
<main id="main"></main>
<script>${SCRIPT}</script>
</body>
</html>
`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Response headers of the page: only its own style and script run; it may fetch only this server. */
export const VIEWER_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': [
    "default-src 'none'",
    `script-src ${sha256(SCRIPT)}`,
    `style-src ${sha256(STYLE)}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};
