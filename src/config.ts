/**
 * Configuration: command-line flags, each with an EC2NET_* environment equivalent; flags win.
 */
import { parseArgs } from 'node:util';

export interface ServeConfig {
  readonly host: string;
  readonly port: number;
  readonly accountId: string;
  readonly logLevel: string;
  /** Instance metadata service port (0 = any free port); undefined = no IMDS listener. */
  readonly imdsPort?: number;
  /** Where the durable state lives; undefined = in memory only (--ephemeral). */
  readonly dataDir?: string;
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
  const imdsText = values['imds-port'] ?? fromEnv('EC2NET_IMDS_PORT') ?? String(DEFAULTS.imdsPort);
  if (imdsText !== 'off' && (!/^[0-9]+$/.test(imdsText) || Number(imdsText) > 65535)) {
    throw new ConfigError(`--imds-port must be 0..65535 or 'off', not '${imdsText}'`);
  }
  const imdsPort = imdsText === 'off' ? undefined : Number(imdsText);
  const ephemeral = values.ephemeral ?? ['1', 'true'].includes(fromEnv('EC2NET_EPHEMERAL') ?? '');
  const dataDir = ephemeral ? undefined : (values['data-dir'] ?? fromEnv('EC2NET_DATA_DIR') ?? DEFAULTS.dataDir);
  return { host, port, accountId, logLevel, imdsPort, dataDir };
}
