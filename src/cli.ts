#!/usr/bin/env node
/** The `ec2net` command: `ec2net serve [flags]`. */
import { ConfigError, parseServeConfig } from './config.js';
import { startServer } from './server/start.js';
import { VERSION } from './version.js';

const USAGE = `ec2net ${VERSION} — a local emulator of the AWS EC2 networking control plane

Usage: ec2net serve [--host H] [--port N] [--imds-port N|off] [--account-id ID] [--log-level L]

  --host        listen address (EC2NET_HOST, default 127.0.0.1)
  --port        listen port (EC2NET_PORT, default 4566)
  --imds-port   instance metadata service port, or off (EC2NET_IMDS_PORT, default 4567);
                select the instance with /<instance-id>/latest/meta-data/… or an X-ec2net-Instance-Id header
  --account-id  account for access keys that are not 12 digits (EC2NET_ACCOUNT_ID, default 123456789012)
  --log-level   fatal|error|warn|info|debug|trace|silent (EC2NET_LOG_LEVEL, default info)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command === undefined ? 1 : 0;
  }
  if (command === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (command !== 'serve') {
    process.stderr.write(`ec2net: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  const config = parseServeConfig(rest);
  const server = await startServer(config);
  server.logger.info({ url: server.url, imdsUrl: server.imdsUrl, accountId: config.accountId }, `ec2net ${VERSION} listening on ${server.url}`);
  const stop = () => {
    server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`ec2net: ${e instanceof ConfigError || (e instanceof Error && e.name === 'TypeError') ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
