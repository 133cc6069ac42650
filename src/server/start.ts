/**
 * Wires a running ec2net: the cloud, the Query API, the admin routes, the web console and the
 * HTTP listener.
 * Used by the CLI and by tests (which start it on port 0).
 */
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { allHandlers } from '../api/index.js';
import { Cloud, type CloudOptions } from '../engine/cloud.js';
import { loadServerModel } from '../protocol/model.js';
import { ConfigError, type ServeConfig } from '../config.js';
import { startImds, type RunningImds } from '../imds/server.js';
import { AdminRoutes } from './admin.js';
import { createApp } from './app.js';
import { isLoopbackHost, loadCredentials, sigv4Authenticator } from './auth.js';
import { ConsoleRoutes } from '../console/routes.js';
import { QueryApi } from './query-api.js';
import { Journal } from '../store/journal.js';
import { lockDataDir } from '../store/data-dir-lock.js';
import { listenError } from './listen-errors.js';
import { makeExport, parseExport, rebuild } from '../store/transfer.js';
import { VERSION } from '../version.js';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly logger: Logger;
  /** The instance metadata service, when config.imdsPort is set. */
  readonly imdsUrl?: string;
  cloud(): Cloud;
  close(): Promise<void>;
}

/** Tests may pass any engine option (an injected clock, quotas…) beyond what the flags offer. */
export type ServerConfig = Omit<ServeConfig, 'cloud'> & { readonly cloud?: Partial<Omit<CloudOptions, 'defaultAccountId' | 'seed'>> };

export async function startServer(config: ServerConfig, logger?: Logger): Promise<RunningServer> {
  const log = logger ?? pino({ level: config.logLevel, base: { service: 'ec2net' } });
  // The credentials file is read first: a bad one stops the start before anything listens.
  const credentials = config.auth === 'sigv4' ? loadCredentials(config.credentialsFile!) : undefined;
  if (credentials) log.info({ credentialsFile: config.credentialsFile, keys: credentials.size }, 'signature checking on (SigV4)');
  else if (!isLoopbackHost(config.host)) {
    log.warn({ host: config.host }, `listening on ${config.host} with signature checking off: anyone who can reach this port can act in any account; use --auth sigv4 --credentials FILE`);
  }
  // Locked before the journal is opened: a directory another server uses is not even read.
  const lock = config.dataDir !== undefined ? lockDataDir(config.dataDir) : undefined;
  const journal = config.dataDir !== undefined ? Journal.open(config.dataDir) : undefined;
  const cloudOptions = { defaultAccountId: config.accountId, ...config.cloud };
  const freshCloud = (seed?: string) => new Cloud({ ...cloudOptions, seed });
  let cloud = freshCloud(journal?.get('seed'));
  const getCloud = () => cloud;
  // Only the shapes the implemented operations reach (a sixth of the model: faster to start).
  const model = loadServerModel(Object.keys(allHandlers));
  const api = new QueryApi(model, allHandlers, getCloud);
  if (journal) {
    if (journal.get('seed') === undefined) journal.replace({ seed: cloud.random.seed }, []);
    const started = Date.now();
    let replayed = 0;
    let refused: string | undefined;
    for (const entry of journal.entries()) {
      try {
        api.replay(entry);
      } catch (e) {
        // An entry this engine refuses (a rule added since it was written): say which, change nothing on disk.
        refused = `journal entry ${replayed + 1} (${new URLSearchParams(entry.params).get('Action') ?? '?'}) no longer replays: ${(e as Error).message}`;
        break;
      }
      replayed++;
    }
    if (refused !== undefined) {
      journal.close();
      lock?.release();
      throw new ConfigError(`${config.dataDir}: ${refused}. The data directory is left as it is; start with another --data-dir (or --ephemeral) to begin afresh.`);
    }
    api.journal = journal;
    log.info({ dataDir: config.dataDir, replayed, ms: Date.now() - started }, 'state restored');
  }
  const admin = new AdminRoutes({
    version: VERSION,
    startedAt: Date.now(),
    getCloud,
    reset: () => {
      cloud = freshCloud();
      journal?.replace({ seed: cloud.random.seed }, []);
    },
    exportFile: () => (journal ? makeExport(journal.get('seed')!, journal.entries()) : undefined),
    importFile: (text) => {
      const file = parseExport(text);
      const rebuilt = rebuild(file, cloudOptions, (get) => new QueryApi(model, allHandlers, get));
      journal?.replace({ seed: file.seed }, file.entries);
      cloud = rebuilt;
    },
  });
  const webConsole = new ConsoleRoutes({
    api,
    getCloud,
    readOnlyReason: credentials && 'Signature checking is on (--auth sigv4): the console only reads. Act through a signed SDK or CLI call.',
  });
  const server = createApp({ api, admin, logger: log, console: webConsole, authenticate:
      credentials &&
      sigv4Authenticator(credentials, Date.now, { find: (id) => cloud.stsSessions.get(id), nowMs: () => cloud.nowMs() }),
  });
  /** A start that fails after the data directory was opened leaves it closed and unlocked. */
  const abandon = (e: unknown) => {
    journal?.close();
    lock?.release();
    throw e;
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  }).catch((e: unknown) => abandon(listenError(e, { name: 'API', flag: '--port', host: config.host, port: config.port })));
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let imds: RunningImds | undefined;
  if (config.imdsPort !== undefined) {
    const imdsPort = config.imdsPort;
    imds = await startImds({ getCloud, logger: log }, imdsPort, config.host).catch((e: unknown) => {
      webConsole.close();
      server.closeAllConnections();
      server.close();
      return abandon(listenError(e, { name: 'instance metadata', flag: '--imds-port', host: config.host, port: imdsPort }));
    });
  }
  return {
    url: `http://${host}:${port}`,
    port,
    logger: log,
    imdsUrl: imds?.url,
    cloud: getCloud,
    close: () =>
      Promise.all([
        imds?.close(),
        new Promise<void>((resolve) => {
          webConsole.close();
          server.closeAllConnections();
          server.close(() => resolve());
        }),
      ]).then(() => {
        journal?.close();
        lock?.release();
      }),
  };
}
