/**
 * Configuration: command-line flags, each with an EC2NET_* environment equivalent; flags win.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseIpv4Cidr } from './engine/cidr.js';
import type { LifecycleTimings, Quotas } from './engine/cloud.js';
import { IP_ALLOCATIONS, type IpAllocation } from './engine/ipam.js';

export interface ServeConfig {
  readonly host: string;
  readonly port: number;
  readonly accountId: string;
  readonly logLevel: string;
  /** Instance metadata service port (0 = any free port); undefined = no IMDS listener. */
  readonly imdsPort?: number;
  /** Where the durable state lives; undefined = in memory only (--ephemeral). */
  readonly dataDir?: string;
  /** Snapshot the state once this many changes (or half as many as the state has resources, when more) are logged since the last snapshot (default 10,000). */
  readonly snapshotEvery?: number;
  /** Request signature checking: 'sigv4' verifies every Query request against `credentialsFile`; unset = none. */
  readonly auth?: 'none' | 'sigv4';
  /** The credentials file (README "Signature checking"); used with auth 'sigv4'. */
  readonly credentialsFile?: string;
  /** Engine options: quotas, public IP pools, lifecycle timings, strict image checking. */
  readonly cloud?: EngineOptions;
  /** The data plane: 'netns' mirrors instances and interfaces into Linux network namespaces (README "Data plane"); unset = none. */
  readonly dataplane?: 'netns';
  /** With the data plane: configure secondary private addresses in the instance's OS too (as amazon-ec2-net-utils does). */
  readonly dataplaneConfigureSecondary?: boolean;
  /** HTTPS on the API port (README "HTTPS and AWS endpoint names"); undefined = plain HTTP only. */
  readonly tls?: TlsConfig;
}

/** The user's own certificate and key (PEM files), or the directory of the local CA that issues ec2net's. */
export type TlsConfig = { readonly certFile: string; readonly keyFile: string } | { readonly caDir: string };

/** Where the local CA is kept when there is no data directory (--ephemeral): one CA for every such start. */
export function ephemeralCaDir(env: (name: string) => string | undefined): string {
  return join(env('XDG_DATA_HOME') ?? join(env('HOME') ?? homedir(), '.local', 'share'), 'ec2net', 'tls');
}

export interface EngineOptions {
  readonly quotas?: Partial<Quotas>;
  readonly publicPools?: Readonly<Record<string, string>>;
  readonly lifecycle?: Partial<LifecycleTimings>;
  readonly strictImages?: boolean;
  /** How new worlds pick private IPv4s EC2 chooses (the command's default: random, as AWS). */
  readonly ipAllocation?: IpAllocation;
}

const QUOTA_NAMES: Record<string, keyof Quotas> = {
  'security-groups-per-interface': 'securityGroupsPerInterface',
  'elastic-ips-per-region': 'elasticIpsPerRegion',
  'network-interfaces-per-region': 'networkInterfacesPerRegion',
  'vpcs-per-region': 'vpcsPerRegion',
  'internet-gateways-per-region': 'internetGatewaysPerRegion',
  'active-peerings-per-vpc': 'activePeeringsPerVpc',
  'outstanding-peering-requests': 'outstandingPeeringRequests',
};

/** `NAME=VALUE` pairs from repeated flags and a comma-separated environment variable. */
function pairs(flagValues: readonly string[] | undefined, envValue: string | undefined, flag: string): [string, string][] {
  const items = [...(envValue ? envValue.split(',') : []), ...(flagValues ?? [])];
  return items.map((item) => {
    const i = item.indexOf('=');
    if (i <= 0) throw new ConfigError(`--${flag} takes NAME=VALUE, not '${item}'`);
    return [item.slice(0, i).trim(), item.slice(i + 1).trim()];
  });
}

function engineOptions(values: Record<string, unknown>, env: (name: string) => string | undefined): EngineOptions {
  const quotas: Partial<Record<keyof Quotas, number>> = {};
  for (const [name, value] of pairs(values.quota as string[] | undefined, env('EC2NET_QUOTAS'), 'quota')) {
    const key = QUOTA_NAMES[name];
    if (!key) throw new ConfigError(`--quota: unknown quota '${name}' (known: ${Object.keys(QUOTA_NAMES).join(', ')})`);
    if (!/^[0-9]+$/.test(value) || Number(value) < 1) throw new ConfigError(`--quota ${name} must be a positive integer, not '${value}'`);
    quotas[key] = Number(value);
  }
  const publicPools: Record<string, string> = {};
  for (const [region, cidr] of pairs(values['public-ip-pool'] as string[] | undefined, env('EC2NET_PUBLIC_IP_POOLS'), 'public-ip-pool')) {
    if (!parseIpv4Cidr(cidr) || parseIpv4Cidr(cidr)!.prefix > 28)
      throw new ConfigError(`--public-ip-pool ${region} needs an IPv4 CIDR of /28 or larger, not '${cidr}'`);
    publicPools[region] = cidr;
  }
  const ms = (flag: string, envName: string): number | undefined => {
    const text = (values[flag] as string | undefined) ?? env(envName);
    if (text === undefined) return undefined;
    if (!/^[0-9]+$/.test(text)) throw new ConfigError(`--${flag} must be a number of milliseconds, not '${text}'`);
    return Number(text);
  };
  const transition = ms('transition-ms', 'EC2NET_TRANSITION_MS');
  const visible = ms('terminated-visible-ms', 'EC2NET_TERMINATED_VISIBLE_MS');
  const lifecycle: Partial<LifecycleTimings> = {
    ...(transition !== undefined
      ? { pendingMs: transition, stoppingMs: transition, shuttingDownMs: transition, attachingMs: transition, detachingMs: transition }
      : {}),
    ...(visible !== undefined ? { terminatedVisibleMs: visible } : {}),
  };
  const strictImages = (values['strict-images'] as boolean | undefined) ?? ['1', 'true'].includes(env('EC2NET_STRICT_IMAGES') ?? '');
  const ipAllocation = ((values['ip-allocation'] as string | undefined) ?? env('EC2NET_IP_ALLOCATION') ?? 'random') as IpAllocation;
  if (!IP_ALLOCATIONS.includes(ipAllocation)) throw new ConfigError(`--ip-allocation must be ${IP_ALLOCATIONS.join(' or ')}, not '${ipAllocation}'`);
  return { quotas, publicPools, lifecycle, strictImages, ipAllocation };
}

/**
 * The metadata listener's port when --imds-port is not given: the one after the API port (4566 → 4567),
 * so a second server started with only another --port does not collide with the first; any free port
 * when the API port is itself any free port (0).
 */
export function imdsPortBeside(port: number): number {
  if (port === 0) return 0;
  if (port === 65535) throw new ConfigError('--port 65535 leaves no port after it for the metadata service: give --imds-port (a port, or off)');
  return port + 1;
}

export const DEFAULTS: ServeConfig = { host: '127.0.0.1', port: 4566, accountId: '123456789012', logLevel: 'info', imdsPort: 4567, dataDir: '.ec2net' };

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class ConfigError extends Error {}

export function parseServeConfig(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServeConfig {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'account-id': { type: 'string' },
      'log-level': { type: 'string' },
      'imds-port': { type: 'string' },
      'data-dir': { type: 'string' },
      ephemeral: { type: 'boolean' },
      auth: { type: 'string' },
      credentials: { type: 'string' },
      quota: { type: 'string', multiple: true },
      'public-ip-pool': { type: 'string', multiple: true },
      'transition-ms': { type: 'string' },
      'terminated-visible-ms': { type: 'string' },
      'strict-images': { type: 'boolean' },
      'ip-allocation': { type: 'string' },
      'snapshot-every': { type: 'string' },
      dataplane: { type: 'string' },
      'dataplane-configure-secondary': { type: 'boolean' },
      tls: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-ca-dir': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  // An empty variable (`EC2NET_PORT=` in a compose file or shell) counts as unset.
  const fromEnv = (name: string) => (env[name] === '' ? undefined : env[name]);
  const host = values.host ?? fromEnv('EC2NET_HOST') ?? DEFAULTS.host;
  const portText = values.port ?? fromEnv('EC2NET_PORT') ?? String(DEFAULTS.port);
  const port = Number(portText);
  if (!/^[0-9]+$/.test(portText) || port > 65535) throw new ConfigError(`--port must be 0..65535, not '${portText}'`);
  const accountId = values['account-id'] ?? fromEnv('EC2NET_ACCOUNT_ID') ?? DEFAULTS.accountId;
  if (!/^[0-9]{12}$/.test(accountId)) throw new ConfigError(`--account-id must be 12 digits, not '${accountId}'`);
  const logLevel = values['log-level'] ?? fromEnv('EC2NET_LOG_LEVEL') ?? DEFAULTS.logLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  const imdsText = values['imds-port'] ?? fromEnv('EC2NET_IMDS_PORT');
  if (imdsText !== undefined && imdsText !== 'off' && (!/^[0-9]+$/.test(imdsText) || Number(imdsText) > 65535)) {
    throw new ConfigError(`--imds-port must be 0..65535 or 'off', not '${imdsText}'`);
  }
  const imdsPort = imdsText === undefined ? imdsPortBeside(port) : imdsText === 'off' ? undefined : Number(imdsText);
  if (imdsPort !== undefined && imdsPort !== 0 && imdsPort === port) throw new ConfigError(`--imds-port must differ from --port (both ${port})`);
  const ephemeral = values.ephemeral ?? ['1', 'true'].includes(fromEnv('EC2NET_EPHEMERAL') ?? '');
  const dataDir = ephemeral ? undefined : (values['data-dir'] ?? fromEnv('EC2NET_DATA_DIR') ?? DEFAULTS.dataDir);
  const snapshotText = values['snapshot-every'] ?? fromEnv('EC2NET_SNAPSHOT_EVERY');
  if (snapshotText !== undefined && (!/^[0-9]+$/.test(snapshotText) || Number(snapshotText) < 1)) {
    throw new ConfigError(`--snapshot-every must be a positive number of logged changes, not '${snapshotText}'`);
  }
  const snapshotEvery = snapshotText === undefined ? undefined : Number(snapshotText);
  const auth = values.auth ?? fromEnv('EC2NET_AUTH') ?? 'none';
  if (auth !== 'none' && auth !== 'sigv4') throw new ConfigError(`--auth must be none or sigv4, not '${auth}'`);
  const credentialsFile = values.credentials ?? fromEnv('EC2NET_CREDENTIALS');
  if (auth === 'sigv4' && credentialsFile === undefined) throw new ConfigError('--auth sigv4 needs --credentials FILE (or EC2NET_CREDENTIALS)');
  const signing = auth === 'sigv4' ? { auth: 'sigv4' as const, credentialsFile } : {};
  const dataplaneText = values.dataplane ?? fromEnv('EC2NET_DATAPLANE') ?? 'off';
  if (dataplaneText !== 'off' && dataplaneText !== 'netns') throw new ConfigError(`--dataplane must be off or netns, not '${dataplaneText}'`);
  const configureSecondary = values['dataplane-configure-secondary'] ?? ['1', 'true'].includes(fromEnv('EC2NET_DATAPLANE_CONFIGURE_SECONDARY') ?? '');
  if (configureSecondary && dataplaneText !== 'netns') throw new ConfigError('--dataplane-configure-secondary needs --dataplane netns');
  const dataplane = dataplaneText === 'netns' ? { dataplane: 'netns' as const, dataplaneConfigureSecondary: configureSecondary } : {};
  const tls = tlsConfig(values, fromEnv, dataDir);
  return {
    host,
    port,
    accountId,
    logLevel,
    imdsPort,
    dataDir,
    snapshotEvery,
    cloud: engineOptions(values, fromEnv),
    ...signing,
    ...dataplane,
    ...(tls ? { tls } : {}),
  };
}

function tlsConfig(values: Record<string, unknown>, env: (name: string) => string | undefined, dataDir: string | undefined): TlsConfig | undefined {
  const mode = (values.tls as string | undefined) ?? env('EC2NET_TLS') ?? 'on';
  if (mode !== 'on' && mode !== 'off') throw new ConfigError(`--tls must be on or off, not '${mode}'`);
  const certFile = (values['tls-cert'] as string | undefined) ?? env('EC2NET_TLS_CERT');
  const keyFile = (values['tls-key'] as string | undefined) ?? env('EC2NET_TLS_KEY');
  const caDir = (values['tls-ca-dir'] as string | undefined) ?? env('EC2NET_TLS_CA_DIR');
  if (mode === 'off') return undefined;
  if ((certFile === undefined) !== (keyFile === undefined)) throw new ConfigError('--tls-cert and --tls-key go together: give both (PEM files) or neither');
  if (certFile !== undefined && caDir !== undefined)
    throw new ConfigError('--tls-ca-dir is for certificates ec2net issues: drop it, or drop --tls-cert/--tls-key');
  if (certFile !== undefined) return { certFile, keyFile: keyFile! };
  return { caDir: caDir ?? (dataDir !== undefined ? join(dataDir, 'tls') : ephemeralCaDir(env)) };
}
