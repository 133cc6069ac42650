/**
 * Why a listener could not start, said in one line that names the flag which fixes it: the CLI
 * prints a ConfigError's message and exits 2, so a user never reads a stack trace for a taken port.
 */
import { ConfigError } from '../config.js';

export interface Listener {
  /** What listens, as a user knows it: 'API' or 'instance metadata'. */
  readonly name: string;
  /** The flag that sets its port. */
  readonly flag: '--port' | '--imds-port';
  readonly host: string;
  readonly port: number;
}

export function listenError(e: unknown, l: Listener): ConfigError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const where = `${l.host}:${l.port}`;
  const orOff = l.flag === '--imds-port' ? ', or turn it off with --imds-port off' : '';
  switch (code) {
    case 'EADDRINUSE':
      return new ConfigError(`the ${l.name} port ${where} is already in use (another ec2net?): choose another with ${l.flag}${orOff}`);
    case 'EACCES':
      return new ConfigError(`not allowed to listen on ${where} for the ${l.name} (ports below 1024 need privileges): choose another with ${l.flag}${orOff}`);
    case 'EADDRNOTAVAIL':
      return new ConfigError(`${l.host} is not an address of this machine: fix --host`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConfigError(`the host name ${l.host} does not resolve: fix --host`);
    default:
      return new ConfigError(`cannot listen on ${where} for the ${l.name}: ${(e as Error).message ?? String(e)}; check --host and ${l.flag}`);
  }
}
