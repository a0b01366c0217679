/**
 * TLS material of the listeners: the server certificate (PEM certificate + key, with an
 * optional chain, or a PKCS#12 file) and the CA that signs client certificates.
 */
import { readFileSync } from 'node:fs';
import type { SecureContextOptions } from 'node:tls';
import { ConfigError, type KmsConfig } from './config.ts';

export interface TlsMaterial {
  readonly options: SecureContextOptions;
  /** True when client certificates are requested (a client CA is configured). */
  readonly clientCa: boolean;
}

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ConfigError(`cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

/** The TLS options, or undefined when no certificate is configured. @throws ConfigError */
export function loadTls(config: KmsConfig): TlsMaterial | undefined {
  const t = config.tls;
  const options: SecureContextOptions = { minVersion: 'TLSv1.2' };
  if (t.p12File !== '') {
    options.pfx = read(t.p12File, 'tls.p12_file');
    options.passphrase = t.p12Password;
  } else if (t.certFile !== '') {
    const cert = read(t.certFile, 'tls.cert_file');
    options.cert =
      t.chainFile === ''
        ? cert
        : Buffer.concat([cert, Buffer.from('\n'), read(t.chainFile, 'tls.chain_file')]);
    options.key = read(t.keyFile, 'tls.key_file');
  } else return undefined;
  if (t.clientCaFile !== '') options.ca = read(t.clientCaFile, 'tls.client_ca_file');
  return { options, clientCa: t.clientCaFile !== '' };
}
