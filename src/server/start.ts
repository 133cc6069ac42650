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
import { ImdsService, startImds, type RunningImds } from '../imds/server.js';
import { Inside } from '../dataplane/inside.js';
import { AdminRoutes } from './admin.js';
import { createApp } from './app.js';
import { createFront } from './front.js';
import { handleConnect, type ListenerIdentity } from './proxy.js';
import { certificateSource } from './tls/setup.js';
import { caKeyAhead } from './tls/certificates.js';
import { TlsTerminator, type CertificateSource } from './tls/terminator.js';
import { isLoopbackHost, loadCredentials, sigv4Authenticator } from './auth.js';
import { ConsoleRoutes } from '../console/routes.js';
import { type CallerScope, type ExtraRule, QueryApi, type QueryResult } from './query-api.js';
import { encodeCloud } from '../store/cloud-image.js';
import { DamagedImageError } from '../store/columnar-image.js';
import { Journal, SCHEMA_VERSION } from '../store/journal.js';
import { lockDataDir } from '../store/data-dir-lock.js';
import { listenError } from './listen-errors.js';
import { restore, runConfigOf, type Restored } from '../store/restore.js';
import { makeExport, parseExport, rebuild } from '../store/transfer.js';
import { VERSION } from '../version.js';
import { Dataplane, type DataplaneOptions } from '../dataplane/reconciler.js';
import { dataplaneRefusal } from '../dataplane/preflight.js';

/** What GET /_ec2net/health reports about storage. */
interface StorageStats {
  readonly dataDir?: string;
  /** How long opening the stored state took at start. */
  restoreMs?: number;
  lastSnapshot?: { at: string; reason: string; bytes: number; encodeMs: number; ms: number };
  /**
   * The snapshot's large collections, decoded after the server listens (a request that needs one
   * first decodes the rest at once): 'background' while that runs, then 'done', when, and how long
   * it took from the start of the restore.
   */
  decoding?: { state: 'background' | 'done'; finishedAt?: string; ms?: number; steps?: number; longestStepMs?: number };
}

/**
 * Background decoding after a restart: it waits until the first answer has gone out (or until no
 * request came for DECODE_IDLE_MS), so the first client is not served behind it; then it runs in
 * steps of at most about DECODE_STEP_MS, each a turn of the event loop, so a request waits for one
 * step at most. Within a step the clock is read every DECODE_CHUNK_VALUES values.
 */
const DECODE_IDLE_MS = 500;
const DECODE_STEP_MS = 4;
const DECODE_CHUNK_VALUES = 2_000;

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly logger: Logger;
  /** The instance metadata service, when config.imdsPort is set. */
  readonly imdsUrl?: string;
  /** The same port over HTTPS, when config.tls is set. */
  readonly httpsUrl?: string;
  /** The local CA's certificate file that clients trust (AWS_CA_BUNDLE), when ec2net issues its own certificates. */
  readonly caFile?: string;
  cloud(): Cloud;
  /** Handles a Query request in-process, as the HTTP listener would (journaled when durable): for benchmarks that build large histories. */
  handle(params: URLSearchParams, caller: CallerScope): QueryResult;
  /** The Linux data plane, with --dataplane netns. */
  readonly dataplane?: Dataplane;
  close(): Promise<void>;
}

/** Tests may pass any engine option (an injected clock, quotas…) beyond what the flags offer. */
export type ServerConfig = Omit<ServeConfig, 'cloud'> & {
  readonly cloud?: Partial<Omit<CloudOptions, 'defaultAccountId' | 'seed'>>;
  /** Test seam: an extra rule every request meets (it throws an Ec2Error to refuse), e.g. a rule made stricter by an upgrade. */
  readonly extraRule?: ExtraRule;
  /** Test seam: values of the snapshot decoded between two looks at the clock in a background step (DECODE_CHUNK_VALUES). */
  readonly decodeStepValues?: number;
  /** Test seam: how long background decoding waits for a first request before it begins (DECODE_IDLE_MS). */
  readonly decodeIdleMs?: number;
  /** Test seam: data plane options beyond the flags (its registry directory, debounce). */
  readonly dataplaneOptions?: DataplaneOptions;
};

/**
 * The log is snapshotted away once it holds this many entries, or half as many as the state has
 * resources when that is more: a restart after a crash replays at most that many requests after
 * decoding the snapshot, and a snapshot's cost (proportional to the state) is spread over as many.
 */
export const DEFAULT_SNAPSHOT_EVERY = 10_000;

/** Opens the data directory's journal; a directory that does not open (a newer format, say) gives its lock back. */
function openJournal(dataDir: string, lock: { release(): void } | undefined): Journal {
  try {
    return Journal.open(dataDir);
  } catch (e) {
    lock?.release();
    throw e;
  }
}

export async function startServer(config: ServerConfig, logger?: Logger): Promise<RunningServer> {
  const log = logger ?? pino({ level: config.logLevel, base: { service: 'ec2net' } });
  // A first start's CA key is made on the thread pool while the model and state load.
  const caKey = config.tls && 'caDir' in config.tls ? caKeyAhead(config.tls.caDir) : undefined;
  // The credentials file is read first: a bad one stops the start before anything listens.
  const credentials = config.auth === 'sigv4' ? loadCredentials(config.credentialsFile!) : undefined;
  if (credentials) log.info({ credentialsFile: config.credentialsFile, keys: credentials.size }, 'signature checking on (SigV4)');
  else if (!isLoopbackHost(config.host)) {
    log.warn(
      { host: config.host },
      `listening on ${config.host} with signature checking off: anyone who can reach this port can act in any account; use --auth sigv4 --credentials FILE`,
    );
  }
  if (config.dataplane === 'netns') {
    const refusal = dataplaneRefusal();
    if (refusal) throw new ConfigError(refusal);
  }
  // Locked before the journal is opened: a directory another server uses is not even read.
  const lock = config.dataDir !== undefined ? lockDataDir(config.dataDir) : undefined;
  const journal = config.dataDir !== undefined ? openJournal(config.dataDir, lock) : undefined;
  const cloudOptions = { defaultAccountId: config.accountId, ...config.cloud };
  // Only the shapes the implemented operations reach (a sixth of the model: faster to start).
  const model = loadServerModel(Object.keys(allHandlers));
  const makeApi = (get: () => Cloud) => new QueryApi(model, allHandlers, get, undefined, config.extraRule);
  const storage: StorageStats = { dataDir: config.dataDir };
  let cloud: Cloud;
  /** The snapshot's large collections while they are still being decoded. */
  let decoding: { readonly pending: NonNullable<Restored['pending']>; readonly started: number } | undefined;
  if (journal) {
    const restoreStarted = performance.now();
    let restored;
    try {
      restored = restore(journal, cloudOptions, makeApi);
    } catch (e) {
      journal.close();
      lock?.release();
      // A damaged snapshot names its file: the bytes on disk changed, not the code that reads them.
      const what =
        e instanceof DamagedImageError ? `${journal.path}: ${e.message}` : `${config.dataDir}: the stored state does not open: ${(e as Error).message}`;
      throw new ConfigError(`${what}. The data directory is left as it is; start with another --data-dir (or --ephemeral) to begin afresh.`);
    }
    cloud = restored.cloud;
    for (const skipped of restored.skipped) log.warn({ dataDir: config.dataDir }, `${skipped}; skipped (the rest of the state is restored)`);
    storage.restoreMs = restored.ms;
    if (restored.pending && !restored.pending.done) {
      decoding = { pending: restored.pending, started: restoreStarted };
      storage.decoding = { state: 'background' };
    }
    const migratedFrom = journal.openedVersion > 0 && journal.openedVersion < SCHEMA_VERSION ? journal.openedVersion : undefined;
    log.info(
      {
        dataDir: config.dataDir,
        fromSnapshot: restored.fromSnapshot,
        replayed: restored.replayed,
        skipped: restored.skipped.length,
        ms: restored.ms,
        migratedFrom,
      },
      `state restored in ${restored.ms} ms (${restored.fromSnapshot ? 'snapshot + ' : ''}${restored.replayed} logged changes replayed${migratedFrom ? `, migrated from storage format ${migratedFrom}` : ''})`,
    );
    if (journal.get('seed') === undefined) journal.set('seed', cloud.random.seed);
    journal.beginSegment(JSON.stringify(runConfigOf(cloud)));
  } else {
    cloud = new Cloud(cloudOptions);
  }
  const getCloud = () => cloud;
  const api = makeApi(getCloud);
  const dataplane =
    config.dataplane === 'netns'
      ? new Dataplane(getCloud, log, { configureSecondary: config.dataplaneConfigureSecondary, ...config.dataplaneOptions })
      : undefined;
  if (dataplane) {
    api.onChange = () => dataplane.changed();
    // A restart rebuilds the data plane from the restored state.
    dataplane.changed();
  }

  /** Resources in the state (undefined while its large collections are still being decoded: counting would decode them). */
  const resourceCount = () => {
    if (decoding && !decoding.pending.done) return undefined;
    let n = 0;
    for (const region of cloud.allRegions()) n += region.taggables.size;
    return n;
  };

  /** Stores the whole state and drops the log before it; a failure is logged (the log still holds everything). */
  const snapshot = (reason: string) => {
    if (!journal) return;
    try {
      log.debug({ reason }, 'snapshot starting');
      const started = performance.now();
      const image = encodeCloud(cloud);
      const encoded = performance.now();
      journal.saveSnapshot(image);
      const ms = Math.round(performance.now() - started);
      storage.lastSnapshot = { at: new Date().toISOString(), reason, bytes: image.length, encodeMs: Math.round(encoded - started), ms };
      log.info({ reason, bytes: image.length, ms }, `state snapshotted (${reason}) in ${ms} ms`);
    } catch (e) {
      log.error({ err: e, reason }, 'snapshot failed; the log keeps every change');
    }
  };
  if (journal) {
    // A start that replayed anything (a crash's log, a migrated journal) snapshots it at once.
    if (journal.count() > 0) snapshot('start');
    const every = config.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
    journal.tailLimit = every;
    journal.onTailLimit = () =>
      setImmediate(() => {
        // A large state waits for a log of half its size: a snapshot costs about as much as the
        // state is large, so it is spread over as many changes, and a replay stays proportional to the state.
        const bound = Math.max(every, Math.floor((resourceCount() ?? 0) / 2));
        if (journal.count() < bound) journal.tailLimit = bound;
        else {
          snapshot('log bound');
          journal.tailLimit = every;
        }
      });
    api.journal = journal;
  }
  /** HTTPS's certificates, once read or made (below, before listening). */
  let certificates: CertificateSource | undefined;
  const admin = new AdminRoutes({
    version: VERSION,
    tls: () =>
      certificates && (certificates.kind === 'ca' ? { certificates: 'local CA', caFile: certificates.ca.certFile } : { certificates: 'own (--tls-cert)' }),
    startedAt: Date.now(),
    getCloud,
    reset: () => {
      decoding = undefined;
      cloud = new Cloud(cloudOptions);
      journal?.saveSnapshot(encodeCloud(cloud), { seed: cloud.random.seed });
      dataplane?.changed();
    },
    exportFile: () => makeExport(cloud),
    importFile: (text) => {
      const file = parseExport(text);
      const rebuilt = rebuild(file, cloudOptions, makeApi);
      decoding = undefined;
      journal?.saveSnapshot(encodeCloud(rebuilt), { seed: rebuilt.random.seed });
      cloud = rebuilt;
      dataplane?.changed();
    },
    storage: () => {
      const snap = journal?.latestSnapshot();
      const resources = resourceCount();
      return {
        durable: journal !== undefined,
        ...storage,
        resources,
        stateBytes: snap?.bytes,
        lastSnapshotAt: snap ? new Date(snap.takenAt).toISOString() : undefined,
        logEntriesSinceSnapshot: journal?.count(),
      };
    },
  });
  const webConsole = new ConsoleRoutes({
    api,
    getCloud,
    dataplane,
    readOnlyReason: credentials && 'Signature checking is on (--auth sigv4): the console only reads. Act through a signed SDK or CLI call.',
  });
  let listeningPort = 0;
  const self: ListenerIdentity = { host: config.host, port: () => listeningPort };
  const server = createApp({
    api,
    self,
    admin,
    logger: log,
    console: webConsole,
    authenticate: credentials && sigv4Authenticator(credentials, Date.now, { find: (id) => cloud.stsSessions.get(id), nowMs: () => cloud.nowMs() }),
  });
  // Metadata and the API from inside the instance namespaces (169.254.169.254).
  dataplane?.follow(new Inside({ imds: new ImdsService({ getCloud, logger: log }), api: server, log, registryDir: config.dataplaneOptions?.registryDir }));
  /** A start that fails after the data directory was opened leaves it closed and unlocked. */
  const abandon = (e: unknown) => {
    void dataplane?.close();
    journal?.close();
    lock?.release();
    throw e;
  };
  // HTTPS on the same port: the user's certificate, or the local CA's (made here on the first start).
  if (config.tls) certificates = await certificateSource(config.tls, config.host, caKey).catch(abandon);
  if (certificates?.kind === 'ca' && certificates.ca.created)
    log.info({ caFile: certificates.ca.certFile }, `made a local CA for HTTPS: ${certificates.ca.certFile}`);
  const tls = certificates && new TlsTerminator(certificates, server, log);
  server.on('connect', (req, socket, head) => handleConnect(req, socket, head, self, tls, log));
  const front = createFront(server, tls);
  await new Promise<void>((resolve, reject) => {
    front.server.once('error', reject);
    front.server.listen(config.port, config.host, () => resolve());
  }).catch((e: unknown) => abandon(listenError(e, { name: 'API', flag: '--port', host: config.host, port: config.port })));
  const port = (front.server.address() as AddressInfo).port;
  listeningPort = port;
  // Listening: the rest of the snapshot is decoded in steps between requests, once the first
  // answer has gone out (or the server has been idle a while): a restart answers its first
  // client as soon as it listens.
  let closing = false;
  let steps = 0;
  let longestStep = 0;
  const decodeInBackground = () => {
    const d = decoding;
    if (!d || closing) return;
    const stepStarted = performance.now();
    const chunk = config.decodeStepValues ?? DECODE_CHUNK_VALUES;
    do d.pending.step(chunk);
    while (!d.pending.done && performance.now() - stepStarted < DECODE_STEP_MS);
    steps++;
    longestStep = Math.max(longestStep, performance.now() - stepStarted);
    if (!d.pending.done) return void setImmediate(decodeInBackground);
    decoding = undefined;
    const ms = Math.round(performance.now() - d.started);
    const longestStepMs = Math.round(longestStep * 10) / 10;
    storage.decoding = { state: 'done', finishedAt: new Date().toISOString(), ms, steps, longestStepMs };
    log.info({ dataDir: config.dataDir, ms, steps, longestStepMs }, `state fully decoded ${ms} ms after the restore began`);
  };
  if (decoding) {
    let begun = false;
    const begin = () => {
      if (begun) return;
      begun = true;
      clearTimeout(idle);
      server.off('request', onRequest);
      setImmediate(decodeInBackground);
    };
    const idle = setTimeout(begin, config.decodeIdleMs ?? DECODE_IDLE_MS);
    idle.unref();
    const onRequest = (_req: unknown, res: { once(event: 'finish', f: () => void): unknown }) => void res.once('finish', begin);
    server.on('request', onRequest);
  }
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let imds: RunningImds | undefined;
  if (config.imdsPort !== undefined) {
    const imdsPort = config.imdsPort;
    imds = await startImds({ getCloud, logger: log }, imdsPort, config.host).catch((e: unknown) => {
      webConsole.close();
      void front.close();
      return abandon(listenError(e, { name: 'instance metadata', flag: '--imds-port', host: config.host, port: imdsPort }));
    });
  }
  return {
    url: `http://${host}:${port}`,
    ...(tls ? { httpsUrl: `https://${host}:${port}` } : {}),
    ...(certificates?.kind === 'ca' && certificates.ca.certFile ? { caFile: certificates.ca.certFile } : {}),
    port,
    logger: log,
    imdsUrl: imds?.url,
    cloud: getCloud,
    handle: (params, caller) => api.handle(params, caller),
    dataplane,
    close: () => {
      closing = true;
      return Promise.all([
        imds?.close(),
        dataplane?.close(),
        (() => {
          webConsole.close();
          return front.close();
        })(),
      ]).then(() => {
        if (journal && journal.count() > 0) snapshot('shutdown');
        journal?.close();
        lock?.release();
      });
    },
  };
}
