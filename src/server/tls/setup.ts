/**
 * HTTPS from the configuration: the user's own certificate, checked at start, or the local CA
 * (made on the first start) and the names ec2net's default certificate carries.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createSecureContext } from 'node:tls';
import { ConfigError, type TlsConfig } from '../../config.js';
import { loadOrMakeCa, type KeyPair } from './certificates.js';
import type { CertificateSource } from './terminator.js';

/** Addresses that mean "every interface": a certificate names the machine instead. */
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** The names of the certificate served to clients that name no AWS endpoint. */
export function defaultNames(host: string): string[] {
  const names = ['localhost', '127.0.0.1', '::1'];
  const extra = WILDCARDS.has(host) ? hostname().toLowerCase() : host.toLowerCase();
  if (extra && !names.includes(extra)) names.push(extra);
  return names;
}

export async function certificateSource(tls: TlsConfig, host: string, caKey?: Promise<KeyPair>): Promise<CertificateSource> {
  if ('certFile' in tls) {
    const read = (file: string, flag: string) => {
      try {
        return readFileSync(file, 'utf8');
      } catch (e) {
        throw new ConfigError(`cannot read ${flag} ${file}: ${(e as Error).message}`);
      }
    };
    const certPem = read(tls.certFile, '--tls-cert');
    const keyPem = read(tls.keyFile, '--tls-key');
    try {
      createSecureContext({ cert: certPem, key: keyPem });
    } catch (e) {
      throw new ConfigError(`--tls-cert ${tls.certFile} and --tls-key ${tls.keyFile} cannot be used together: ${(e as Error).message}`);
    }
    return { kind: 'own', certPem, keyPem };
  }
  return { kind: 'ca', ca: await loadOrMakeCa(tls.caDir, new Date(), caKey), defaultNames: defaultNames(host) };
}
