#!/usr/bin/env node
/** The `ec2net` command: `ec2net serve [flags]`. */
import { ConfigError, parseServeConfig } from './config.js';
import { startServer } from './server/start.js';
import { exportCommand, importCommand } from './cli-transfer.js';
import { VERSION } from './version.js';
import { ImportError } from './store/transfer.js';

const USAGE = `ec2net ${VERSION} — a local emulator of the AWS EC2 networking control plane

Usage: ec2net serve [flags]
       ec2net export [--data-dir DIR] [--out FILE]      write the whole state as one JSON file
       ec2net import FILE [--data-dir DIR]              replace the state (server stopped); refused if invalid

  --host        listen address (EC2NET_HOST, default 127.0.0.1)
  --port        listen port (EC2NET_PORT, default 4566)
  --imds-port   instance metadata service port, or off (EC2NET_IMDS_PORT, default --port + 1: 4567);
                select the instance with /<instance-id>/latest/meta-data/… or an X-ec2net-Instance-Id header
  --account-id  account for access keys that are not 12 digits (EC2NET_ACCOUNT_ID, default 123456789012)
  --log-level   fatal|error|warn|info|debug|trace|silent (EC2NET_LOG_LEVEL, default info)
  --auth none|sigv4    check every Query request's SigV4 signature (EC2NET_AUTH, default none)
  --credentials FILE   the keys --auth sigv4 accepts, JSON {"credentials":[{"accessKeyId","secretAccessKey","accountId"}]}
                       (EC2NET_CREDENTIALS); the account of a request is its key's accountId
  --data-dir    where state is kept durably (EC2NET_DATA_DIR, default ./.ec2net); one server per directory
  --ephemeral   keep everything in memory only (EC2NET_EPHEMERAL=1)
  --quota NAME=N   raise or lower a quota: security-groups-per-interface (5), elastic-ips-per-region (5),
                   network-interfaces-per-region (5000), vpcs-per-region (5), internet-gateways-per-region (5),
                   active-peerings-per-vpc (50), outstanding-peering-requests (25); repeatable (EC2NET_QUOTAS=a=1,b=2)
  --public-ip-pool REGION=CIDR   public IPv4 pool of a region (default 3.<k>.0.0/16; EC2NET_PUBLIC_IP_POOLS)
  --transition-ms N   how long pending/stopping/shutting-down/attaching/detaching last (EC2NET_TRANSITION_MS)
  --terminated-visible-ms N   how long terminated instances stay visible (default 3600000)
  --snapshot-every N   snapshot the state once N changes (or half as many as it has resources, when more)
                       are logged since the last one (default 10000; EC2NET_SNAPSHOT_EVERY): bounds the
                       log a restart after a crash replays
  --strict-images   RunInstances accepts only images of the built-in catalogue (EC2NET_STRICT_IMAGES=1)
  --ip-allocation random|lowest   how new worlds pick private IPv4s EC2 chooses: scattered over the
                   subnet as AWS does, or the lowest free one (EC2NET_IP_ALLOCATION, default random)
  --dataplane off|netns   netns: each instance becomes a Linux network namespace and traffic follows the
                   control plane (EC2NET_DATAPLANE; Linux, root or CAP_NET_ADMIN+CAP_SYS_ADMIN, iproute2)
  --dataplane-configure-secondary   also configure secondary private IPv4s in the instances, as
                   amazon-ec2-net-utils does (EC2NET_DATAPLANE_CONFIGURE_SECONDARY=1)
  --tls on|off     HTTPS on the same port as HTTP, and CONNECT for AWS's endpoint names (HTTPS_PROXY)
                   (EC2NET_TLS, default on)
  --tls-ca-dir DIR the local CA that issues ec2net's certificates: made there once, or yours if DIR holds
                   ca.pem and ca-key.pem (RSA) (EC2NET_TLS_CA_DIR; default <data-dir>/tls, with --ephemeral
                   $XDG_DATA_HOME/ec2net/tls or ~/.local/share/ec2net/tls)
  --tls-cert FILE --tls-key FILE   serve your own certificate instead (PEM; EC2NET_TLS_CERT, EC2NET_TLS_KEY)
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
  if (command === 'export') return exportCommand(rest);
  if (command === 'import') return importCommand(rest);
  if (command !== 'serve') {
    process.stderr.write(`ec2net: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  const config = parseServeConfig(rest);
  const server = await startServer(config).catch((e: unknown) => {
    throw dataDirFailure(e, config.dataDir);
  });
  server.logger.info({ url: server.url, imdsUrl: server.imdsUrl, accountId: config.accountId }, `ec2net ${VERSION} listening on ${server.url}`);
  if (server.httpsUrl)
    server.logger.info({ httpsUrl: server.httpsUrl, caFile: server.caFile }, httpsLine(server.httpsUrl, server.port, config.host, server.caFile));
  const stop = () => {
    server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1;
}

/** What a user sets to use HTTPS and AWS's endpoint names. */
function httpsLine(httpsUrl: string, port: number, host: string, caFile: string | undefined): string {
  const proxyHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const trust = caFile
    ? `; trust the local CA: export AWS_CA_BUNDLE=${caFile} REQUESTS_CA_BUNDLE=${caFile} CURL_CA_BUNDLE=${caFile} NODE_EXTRA_CA_CERTS=${caFile}`
    : '';
  return `HTTPS on ${httpsUrl}${trust}; for AWS's own endpoint names (https://ec2.us-east-1.amazonaws.com): export HTTPS_PROXY=http://${proxyHost}:${port}`;
}

/** SQLite's own refusal of the data directory (not a database, corrupt, read-only), said with the flag that avoids it. */
function dataDirFailure(e: unknown, dataDir: string | undefined): unknown {
  const code = (e as { code?: unknown }).code;
  if (dataDir === undefined || typeof code !== 'string' || !code.startsWith('SQLITE_')) return e;
  return new ConfigError(
    `the data directory ${dataDir} cannot be used (${(e as Error).message}): choose another with --data-dir (or keep state in memory with --ephemeral)`,
  );
}

/**
 * Every failure to start is one line on stderr and exit code 2 ("usage error"), never a stack trace:
 * ec2net's own errors already name the flag that fixes them; the flag parser's get a pointer to --help.
 */
function failureLine(e: unknown): string {
  if (e instanceof ConfigError || e instanceof ImportError) return e.message;
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
    const flag = /^Unknown option '([^']+)'/.exec(message)?.[1];
    const positional = /^Unexpected argument '([^']+)'/.exec(message)?.[1];
    const valueless = /^Option '(-[^ ']+)[^']*' argument missing/.exec(message)?.[1];
    const said = flag
      ? `unknown flag ${flag}`
      : positional
        ? `unexpected argument '${positional}' (only flags are taken)`
        : valueless
          ? `${valueless} needs a value`
          : message;
    return `${said}; \`ec2net --help\` lists the flags`;
  }
  return `could not start: ${message}`;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`ec2net: ${failureLine(e).replace(/\s*\n\s*/g, ' ')}\n`);
    process.exitCode = 2;
  },
);
