/**
 * Configuration: command-line flags, each with an EC2NET_* environment equivalent; flags win.
 */
import { parseArgs } from 'node:util';

export interface ServeConfig {
  readonly host: string;
  readonly port: number;
  readonly accountId: string;
  readonly logLevel: string;
}

export const DEFAULTS: ServeConfig = { host: '127.0.0.1', port: 4566, accountId: '123456789012', logLevel: 'info' };

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
    },
    strict: true,
    allowPositionals: false,
  });
  const host = values.host ?? env.EC2NET_HOST ?? DEFAULTS.host;
  const portText = values.port ?? env.EC2NET_PORT ?? String(DEFAULTS.port);
  const port = Number(portText);
  if (!/^[0-9]+$/.test(portText) || port > 65535) throw new ConfigError(`--port must be 0..65535, not '${portText}'`);
  const accountId = values['account-id'] ?? env.EC2NET_ACCOUNT_ID ?? DEFAULTS.accountId;
  if (!/^[0-9]{12}$/.test(accountId)) throw new ConfigError(`--account-id must be 12 digits, not '${accountId}'`);
  const logLevel = values['log-level'] ?? env.EC2NET_LOG_LEVEL ?? DEFAULTS.logLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  return { host, port, accountId, logLevel };
}
