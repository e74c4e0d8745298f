// HTTPS material: PEM files are checked before the server starts (each failure a ConfigError
// naming TLS_CERT or TLS_KEY), and TLS=self-signed generates a usable certificate locally.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../src/config/config.js';
import { loadTls, fromFiles, selfSigned } from '../../src/server/tls.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url));
const CERT = fixture('localhost-cert.pem');
const KEY = fixture('localhost-key.pem');
const DIR = mkdtempSync(join(tmpdir(), 'aus-tls-'));
after(() => rmSync(DIR, { recursive: true, force: true }));

function configError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: Error) => e instanceof ConfigError && pattern.test(e.message), String(pattern));
}

test('TLS off: no material', async () => {
  assert.equal(await loadTls({ kind: 'off' }, '127.0.0.1'), undefined);
});

test('PEM files: the pair is loaded and its SHA-256 fingerprint given', async () => {
  const tls = await loadTls({ kind: 'files', certFile: CERT, keyFile: KEY }, '127.0.0.1');
  assert.ok(tls);
  assert.equal(tls.source, 'files');
  assert.match(tls.cert, /BEGIN CERTIFICATE/);
  assert.match(tls.key, /PRIVATE KEY/);
  assert.equal(tls.fingerprint256, new X509Certificate(tls.cert).fingerprint256);
  assert.match(tls.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
});

test('an unreadable file names its variable', () => {
  configError(() => fromFiles(join(DIR, 'missing.pem'), KEY), /TLS_CERT: '.*missing\.pem'.*ENOENT/);
  configError(() => fromFiles(CERT, join(DIR, 'missing.pem')), /TLS_KEY: '.*missing\.pem'.*ENOENT/);
  configError(() => fromFiles(DIR, KEY), /TLS_CERT: .*EISDIR/);
});

test('a file that is not what it should be names its variable', () => {
  const garbage = join(DIR, 'garbage.pem');
  writeFileSync(garbage, 'not a pem file\n');
  configError(() => fromFiles(garbage, KEY), /TLS_CERT: '.*garbage\.pem'.*PEM certificate/);
  configError(() => fromFiles(CERT, garbage), /TLS_KEY: '.*garbage\.pem'.*private key/);
  configError(() => fromFiles(KEY, CERT), /TLS_CERT/);
});

test('a key that does not belong to the certificate is refused, naming TLS_KEY', () => {
  const other = join(DIR, 'other-key.pem');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(other, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  configError(() => fromFiles(CERT, other), /TLS_KEY: '.*other-key\.pem'.*private key of the certificate/);
});

test('self-signed: a fresh ECDSA certificate for local names and the listen address', async () => {
  const now = new Date();
  const tls = await selfSigned('192.0.2.7', now);
  assert.equal(tls.source, 'self-signed');
  const x509 = new X509Certificate(tls.cert);
  assert.ok(x509.checkPrivateKey(createPrivateKey(tls.key)));
  assert.equal(tls.fingerprint256, x509.fingerprint256);
  assert.equal(x509.ca, false);
  for (const name of ['DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:192.0.2.7']) {
    assert.ok(x509.subjectAltName?.includes(name), `${x509.subjectAltName} should include ${name}`);
  }
  assert.ok(x509.checkIP('127.0.0.1'));
  assert.ok(x509.checkHost('localhost'));
  assert.ok(
    new Date(x509.validFrom) <= now && new Date(x509.validTo) > new Date(now.getTime() + 300 * 86_400_000),
  );
  const again = await selfSigned('192.0.2.7', now);
  assert.notEqual(again.fingerprint256, tls.fingerprint256, 'every start gets its own key');
});

test('self-signed on a wildcard address or a host name', async () => {
  const wildcard = new X509Certificate((await selfSigned('0.0.0.0')).cert);
  assert.doesNotMatch(wildcard.subjectAltName ?? '', /0\.0\.0\.0/);
  const named = new X509Certificate((await selfSigned('avi.example.test')).cert);
  assert.ok(named.checkHost('avi.example.test'));
});
