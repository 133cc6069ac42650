/**
 * The host names ec2net answers for: AWS's own endpoint names of the services it serves (the EC2
 * and STS endpoints of every Region in the catalogue, STS's global endpoint and IAM's), and the
 * loopback names of the listener itself. A client sent here by `HTTPS_PROXY` connects to exactly
 * these names; ec2net answers them itself and never connects anywhere.
 *
 * Endpoint names: AWS General Reference, "Service endpoints and quotas" (Amazon EC2:
 * ec2.<region>.amazonaws.com; AWS STS: sts.amazonaws.com and sts.<region>.amazonaws.com; IAM:
 * iam.amazonaws.com), the names botocore's endpoint rules resolve by default.
 */
import { isIP } from 'node:net';
import { REGIONS } from '../../engine/regions.js';

const GLOBAL_NAMES = ['sts.amazonaws.com', 'iam.amazonaws.com'];

/** Every AWS endpoint name ec2net serves, lowercase. */
export const AWS_ENDPOINT_NAMES: ReadonlySet<string> = new Set([
  ...GLOBAL_NAMES,
  ...REGIONS.flatMap((r) => [`ec2.${r.name}.amazonaws.com`, `sts.${r.name}.amazonaws.com`]),
]);

/** `host` (a name or an address, any case, an IPv6 address with or without brackets) without brackets and lowercase. */
export function normalHost(host: string): string {
  const h = host.toLowerCase();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

export function isAwsEndpointName(host: string): boolean {
  return AWS_ENDPOINT_NAMES.has(normalHost(host).replace(/\.$/, ''));
}

/** A name or address that can only mean this machine: localhost, 127.0.0.0/8, ::1. */
export function isLoopbackName(host: string): boolean {
  const h = normalHost(host);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1' || h === '::ffff:127.0.0.1';
}

/** Splits `host:port` (`[v6]:port` too); the port is undefined when absent or not a number. */
export function splitAuthority(authority: string): { host: string; port?: number } {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(authority);
  if (!m) return { host: authority };
  return { host: normalHost(m[1]!), ...(m[2] !== undefined ? { port: Number(m[2]) } : {}) };
}
