/**
 * Wires a running ec2net: the cloud, the Query API, the admin routes and the HTTP listener.
 * Used by the CLI and by tests (which start it on port 0).
 */
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { allHandlers } from '../api/index.js';
import { Cloud } from '../engine/cloud.js';
import { loadModel } from '../protocol/model.js';
import type { ServeConfig } from '../config.js';
import { AdminRoutes } from './admin.js';
import { createApp } from './app.js';
import { QueryApi } from './query-api.js';
import { VERSION } from '../version.js';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly logger: Logger;
  cloud(): Cloud;
  close(): Promise<void>;
}

export async function startServer(config: ServeConfig, logger?: Logger): Promise<RunningServer> {
  const log = logger ?? pino({ level: config.logLevel, base: { service: 'ec2net' } });
  let cloud = new Cloud({ defaultAccountId: config.accountId });
  const getCloud = () => cloud;
  const api = new QueryApi(loadModel(), allHandlers, getCloud);
  const admin = new AdminRoutes({
    version: VERSION,
    startedAt: Date.now(),
    getCloud,
    reset: () => {
      cloud = new Cloud({ defaultAccountId: config.accountId });
    },
  });
  const server = createApp({ api, admin, logger: log });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    port,
    logger: log,
    cloud: getCloud,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
