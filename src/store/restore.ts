/**
 * Opening a data directory: decode the latest snapshot into a cloud built with today's
 * configuration, then replay the log written since, each entry under the configuration its run
 * had. Nothing in today's flags or rules can block this:
 *
 * - the snapshot holds records, not requests: a lowered quota, another public pool or another
 *   transition time leaves existing resources as they are, and only new requests meet them;
 * - the log is replayed under the flags it was written with;
 * - a log entry today's engine refuses (a rule made stricter since, in a log left by a crash or by
 *   a schema-1 directory) is skipped and reported — the rest of the state opens, and the snapshot
 *   taken right after the start makes that the state from then on.
 */
import type { Cloud, CloudOptions, LifecycleTimings, Quotas } from '../engine/cloud.js';
import { Cloud as CloudClass } from '../engine/cloud.js';
import type { IpAllocation } from '../engine/ipam.js';
import type { QueryApi } from '../server/query-api.js';
import { openCloud, type PendingDecode } from './cloud-image.js';
import type { Journal, LoggedEntry } from './journal.js';

/** The configuration a run's requests were handled under (what the log replays with). */
export interface RunConfig {
  readonly defaultAccountId: string;
  readonly quotas: Quotas;
  readonly timings: LifecycleTimings;
  readonly strictImages: boolean;
  readonly publicPools: Readonly<Record<string, string>>;
  /** Absent in logs written before the choice existed: those runs picked the lowest free addresses. */
  readonly ipAllocation?: IpAllocation;
}

type Mutable = { -readonly [K in keyof RunConfig]: RunConfig[K] };
type PoolsInside = { publicIps: { configured: Readonly<Record<string, string>> } };

export function runConfigOf(cloud: Cloud): RunConfig {
  return {
    defaultAccountId: cloud.defaultAccountId,
    quotas: cloud.quotas,
    timings: cloud.timings,
    strictImages: cloud.strictImages,
    publicPools: (cloud as unknown as PoolsInside).publicIps.configured,
    ipAllocation: cloud.ipAllocation,
  };
}

/** Runs `fn` with the cloud under `config`, then puts today's configuration back. */
export function underConfig<T>(cloud: Cloud, config: RunConfig, fn: () => T): T {
  const today = runConfigOf(cloud);
  const apply = (c: RunConfig) => {
    const m = cloud as unknown as Mutable;
    m.defaultAccountId = c.defaultAccountId;
    m.quotas = c.quotas;
    m.timings = c.timings;
    m.strictImages = c.strictImages;
    m.ipAllocation = c.ipAllocation ?? 'lowest';
    (cloud as unknown as PoolsInside).publicIps.configured = c.publicPools;
  };
  apply(config);
  try {
    return fn();
  } finally {
    apply(today);
    cloud.publicIps.afterRestore();
  }
}

export interface Restored {
  readonly cloud: Cloud;
  /** Whether a snapshot was decoded (false: a fresh or schema-1 directory). */
  readonly fromSnapshot: boolean;
  /** Log entries replayed after the snapshot. */
  readonly replayed: number;
  /** Log entries today's engine refused, each named (they are dropped by the next snapshot). */
  readonly skipped: string[];
  readonly ms: number;
  /** The snapshot's large collections, still to decode (on first use, or in steps). */
  readonly pending?: PendingDecode;
}

const actionOf = (e: LoggedEntry) => new URLSearchParams(e.params).get('Action') ?? '?';

/** Rebuilds the cloud a data directory holds. `makeApi` wires a Query API to a cloud (for the log's replay). */
export function restore(journal: Journal, options: CloudOptions, makeApi: (getCloud: () => Cloud) => QueryApi): Restored {
  const started = performance.now();
  const cloud = new CloudClass({ ...options, seed: journal.get('seed') });
  const image = journal.latestImage();
  // The large collections stay encoded until used: a replay that touches them decodes them.
  const pending = image ? openCloud(image, cloud) : undefined;
  const api = makeApi(() => cloud);
  let replayed = 0;
  const skipped: string[] = [];
  let n = 0;
  const replayOne = (entry: LoggedEntry) => {
    n++;
    try {
      api.replay(entry);
      replayed++;
    } catch (e) {
      skipped.push(`log entry ${n} (${actionOf(entry)}) no longer replays: ${(e as Error).message}`);
    }
  };
  // Consecutive entries of one run share its configuration: switch only between runs.
  let batch: LoggedEntry[] = [];
  let batchConfig: string | undefined;
  const runBatch = () => {
    if (batch.length === 0) return;
    const entries = batch;
    // A log of a schema-1 directory has no configuration: today's, except that its worlds picked the lowest free addresses.
    const config = batchConfig === undefined ? { ...runConfigOf(cloud), ipAllocation: 'lowest' as const } : (JSON.parse(batchConfig) as RunConfig);
    underConfig(cloud, config, () => entries.forEach(replayOne));
    batch = [];
  };
  for (const entry of journal.entries()) {
    if (entry.config !== batchConfig) {
      runBatch();
      batchConfig = entry.config;
    }
    batch.push(entry);
    if (batch.length >= 10_000) runBatch();
  }
  runBatch();
  return { cloud, fromSnapshot: image !== undefined, replayed, skipped, ms: Math.round(performance.now() - started), pending };
}
