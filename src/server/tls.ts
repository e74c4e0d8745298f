// HTTPS material for the listener: the PEM files of TLS_CERT and TLS_KEY, checked before the
// server starts (readable, parseable, the key belongs to the certificate), or with
// TLS=self-signed a certificate generated at start-up (no download, no file written). Every
// problem is a ConfigError naming the setting, so start-up stops with a clear message.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { generate } from 'selfsigned';
import { ConfigError, type TlsConfig } from '../config/config.js';

export interface TlsMaterial {
  /** PEM certificate (chain). */
  cert: string;
  /** PEM private key. */
  key: string;
  /** SHA-256 fingerprint of the certificate, `AA:BB:...`, for clients that pin it. */
  fingerprint256: string;
  /** The certificate's subject alternative names, as OpenSSL prints them. */
  subjectAltName: string;
  validTo: string;
  source: 'files' | 'self-signed';
}

/** How long a generated certificate is valid. */
const SELF_SIGNED_DAYS = 365;

/** The HTTPS material of a configuration, or undefined when TLS is off. */
export async function loadTls(tls: TlsConfig, host: string): Promise<TlsMaterial | undefined> {
  switch (tls.kind) {
    case 'off':
      return undefined;
    case 'files':
      return fromFiles(tls.certFile, tls.keyFile);
    case 'self-signed':
      return selfSigned(host);
  }
}

function readPem(variable: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new ConfigError(variable, file, `a readable PEM file (${code})`);
  }
}

/** Reads and checks TLS_CERT and TLS_KEY. */
export function fromFiles(certFile: string, keyFile: string): TlsMaterial {
  const cert = readPem('TLS_CERT', certFile);
  const key = readPem('TLS_KEY', keyFile);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new ConfigError('TLS_CERT', certFile, 'a PEM certificate (-----BEGIN CERTIFICATE-----)');
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new ConfigError('TLS_KEY', keyFile, 'an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)');
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new ConfigError('TLS_KEY', keyFile, `the private key of the certificate in TLS_CERT (${certFile})`);
  }
  return describe(cert, key, x509, 'files');
}

/** The names a generated certificate covers: local names, this machine and the listen address. */
function altNames(host: string): { type: 2 | 7; value?: string; ip?: string }[] {
  const names = new Set(['localhost', hostname()]);
  const ips = new Set(['127.0.0.1', '::1']);
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare) !== 0) {
    if (bare !== '0.0.0.0' && bare !== '::') ips.add(bare);
  } else if (bare !== '') names.add(bare);
  return [
    ...[...names].map((value) => ({ type: 2 as const, value })),
    ...[...ips].map((ip) => ({ type: 7 as const, ip })),
  ];
}

/** A fresh self-signed certificate (ECDSA P-256, SHA-256) for this start. */
export async function selfSigned(host: string, now = new Date()): Promise<TlsMaterial> {
  const notBeforeDate = new Date(now.getTime() - 60_000); // tolerate small clock skew
  const notAfterDate = new Date(now.getTime() + SELF_SIGNED_DAYS * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: 'avi-upgrade-status' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: altNames(host) },
    ],
  });
  return describe(pems.cert, pems.private, new X509Certificate(pems.cert), 'self-signed');
}

function describe(
  cert: string,
  key: string,
  x509: X509Certificate,
  source: TlsMaterial['source'],
): TlsMaterial {
  return {
    cert,
    key,
    fingerprint256: x509.fingerprint256,
    subjectAltName: x509.subjectAltName ?? '',
    validTo: x509.validTo,
    source,
  };
}
