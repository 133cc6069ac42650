/**
 * Wires a running ec2net: the cloud, the Query API, the admin routes and the HTTP listener.
 * Used by the CLI and by tests (which start it on port 0).
 */
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { allHandlers } from '../api/index.js';
import { Cloud, type CloudOptions } from '../engine/cloud.js';
import { loadModel } from '../protocol/model.js';
import type { ServeConfig } from '../config.js';
import { startImds, type RunningImds } from '../imds/server.js';
import { AdminRoutes } from './admin.js';
import { createApp } from './app.js';
import { QueryApi } from './query-api.js';
import { Journal } from '../store/journal.js';
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

/** Engine options beyond the flags (tests set short lifecycle timings, quotas…). */
export type ServerConfig = ServeConfig & { readonly cloud?: Partial<Omit<CloudOptions, 'defaultAccountId' | 'seed'>> };

export async function startServer(config: ServerConfig, logger?: Logger): Promise<RunningServer> {
  const log = logger ?? pino({ level: config.logLevel, base: { service: 'ec2net' } });
  const journal = config.dataDir !== undefined ? Journal.open(config.dataDir) : undefined;
  const freshCloud = (seed?: string) => new Cloud({ defaultAccountId: config.accountId, seed, ...config.cloud });
  let cloud = freshCloud(journal?.get('seed'));
  const getCloud = () => cloud;
  const api = new QueryApi(loadModel(), allHandlers, getCloud);
  if (journal) {
    if (journal.get('seed') === undefined) journal.replace({ seed: cloud.random.seed }, []);
    const started = Date.now();
    let replayed = 0;
    for (const entry of journal.entries()) {
      api.replay(entry);
      replayed++;
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
  });
  const server = createApp({ api, admin, logger: log });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let imds: RunningImds | undefined;
  if (config.imdsPort !== undefined) {
    imds = await startImds({ getCloud, logger: log }, config.imdsPort, config.host).catch((e: unknown) => {
      server.closeAllConnections();
      server.close();
      throw e;
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
          server.closeAllConnections();
          server.close(() => resolve());
        }),
      ]).then(() => journal?.close()),
  };
}
