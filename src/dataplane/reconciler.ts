/**
 * Keeps the Linux data plane in step with the control plane: after each change (debounced) and
 * when a timed transition comes due, it takes a picture of the engine's state, diffs it with what
 * is applied and applies the difference with `ip`. It runs beside the API, never inside a request.
 */
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Cloud } from '../engine/cloud.js';
import { readCounters, type InterfaceCounters } from './counters.js';
import { Filters } from './nft.js';
import { Edges } from './edges.js';
import { deleteNamespacesSync, inParallel, ipBatch, routerSysctls, type BatchResult } from './ip.js';
import { Ownership } from './ownership.js';
import { pictureOf, type Picture } from './picture.js';
import { EMPTY_PICTURE, planOf, type PlanOptions } from './plan.js';

export interface DataplaneOptions extends Partial<PlanOptions> {
  /** Where the record of owned namespaces is kept (tests may use their own). */
  readonly registryDir?: string;
  /** How long after a change the picture is taken: changes in a burst are applied together. */
  readonly debounceMs?: number;
}

/** Something that follows the data plane as applied (metadata from inside): told after each reconcile, closed first. */
export interface DataplaneFollower {
  applied(p: Picture): Promise<void>;
  close(): Promise<void>;
}

/** The longest single wait for a timer (setTimeout overflows past 2^31 ms; a far timer is simply looked at again). */
const MAX_WAKE_MS = 60_000;

/** Namespace batches run at once (each is one `ip` process). */
const PARALLEL = 8;

export class Dataplane {
  private applied: Picture = EMPTY_PICTURE;
  private readonly ownership: Ownership;
  private readonly options: PlanOptions;
  private readonly debounceMs: number;
  private timer?: NodeJS.Timeout;
  private wake?: NodeJS.Timeout;
  private running?: Promise<void>;
  private dirty = false;
  private closed = false;
  /** Namespaces that existed before we made them (another process's): left alone. */
  private readonly foreign = new Set<string>();
  /** What the registry lists now: everything made, or about to be made (an exit mid-reconcile removes it too). */
  private recorded: string[] = [];
  private readonly exitHook = () => deleteNamespacesSync(this.recorded);
  /** Resolves after the next reconcile that started after the call (tests and benchmarks wait on it). */
  private waiters: (() => void)[] = [];
  private readonly followers: DataplaneFollower[] = [];
  /** Security groups and network ACLs (nftables in the router namespaces). */
  private readonly filters = new Filters();
  /** Route tables and the public side (internet gateway, Elastic IPs, NAT gateways). */
  private readonly edges = new Edges((message) => this.log.warn(message));
  /** How many reconciles ran, and how long the last took (ms). */
  readonly stats = { runs: 0, lastMs: 0 };

  constructor(
    private readonly getCloud: () => Cloud,
    private readonly log: Logger,
    options: DataplaneOptions = {},
  ) {
    this.ownership = new Ownership(options.registryDir);
    this.options = { configureSecondary: options.configureSecondary ?? false };
    this.debounceMs = options.debounceMs ?? 5;
    const leftovers = this.ownership.removeLeftovers();
    if (leftovers.length > 0)
      log.info({ namespaces: leftovers.length }, `data plane: removed ${leftovers.length} namespaces left by an ec2net that did not exit cleanly`);
    process.once('exit', this.exitHook);
  }

  /** The control plane may have changed: reconcile soon. Cheap; never waits. */
  changed(): void {
    if (this.closed) return;
    this.dirty = true;
    if (this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, this.debounceMs);
  }

  /** Adds a follower; it is told about the data plane at the next reconcile. */
  follow(f: DataplaneFollower): void {
    this.followers.push(f);
    this.changed();
  }

  /** Resolves once a reconcile that saw the state as it is now has been applied. */
  settled(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.changed();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private owned(): string[] {
    return [...this.applied.routers.keys(), ...this.applied.instances, ...this.edges.owned()].filter((ns) => !this.foreign.has(ns));
  }

  private run(): Promise<void> {
    const run = (async () => {
      while (this.dirty && !this.closed) {
        this.dirty = false;
        const waiters = this.waiters;
        this.waiters = [];
        await this.reconcile().catch((e: unknown) => this.log.error({ err: e }, 'data plane: reconcile failed'));
        for (const w of waiters) w();
      }
    })();
    this.running = run.finally(() => {
      this.running = undefined;
      if (this.dirty && !this.closed) this.changed();
    });
    return this.running;
  }

  private async reconcile(): Promise<void> {
    const started = performance.now();
    const cloud = this.getCloud();
    // Transitions that came due (pending → running, shutting-down → terminated) settle here as a
    // read would settle them: each at its own time, so the state stays what a replay makes.
    for (const region of cloud.allRegions()) region.settle();
    const desired = this.withoutForeign(pictureOf(cloud));
    const plan = planOf(this.applied, desired, this.options);
    const edges = this.edges.picture(cloud, desired);
    // Written down before anything is made, so a kill in the middle leaves a complete record.
    this.record([...new Set([...this.owned(), ...desired.routers.keys(), ...desired.instances, ...Edges.namespaces(edges)])]);
    const problems: BatchResult[] = [];
    const batches = async (m: Map<string, string[]>) => {
      problems.push(...(await inParallel([...m], PARALLEL, ([ns, lines]) => ipBatch(lines, ns))));
    };
    await batches(plan.teardown);
    if (plan.root.length > 0) problems.push(await ipBatch(plan.root));
    problems.push(...(await inParallel(plan.newRouters, PARALLEL, routerSysctls)));
    // Filters before new links come up (no packet passes a new interface unfiltered); otherwise
    // once the routes' `ip` processes have started, so that an address move does not wait for them.
    const linksAdded = plan.root.length > 0;
    if (linksAdded) problems.push(...(await this.filters.apply(cloud, desired)));
    // Route tables and the public side add their routes and rules to the same batches.
    problems.push(...(await this.edges.apply(edges, desired, plan.newRouters, plan.configure)));
    const configuring = batches(plan.configure);
    if (!linksAdded) problems.push(...(await this.filters.apply(cloud, desired)));
    await configuring;
    this.applied = desired;
    this.record(this.owned());
    for (const f of this.followers) await f.applied(desired).catch((e: unknown) => this.log.error({ err: e }, 'data plane: a follower failed'));
    for (const p of problems) if (p.errors) this.log.warn({ ns: p.ns }, `data plane: ip said: ${p.errors.split('\n').slice(0, 5).join(' | ')}`);
    this.scheduleWake(cloud);
    this.stats.runs++;
    this.stats.lastMs = Math.round(performance.now() - started);
    this.log.debug({ ms: this.stats.lastMs, instances: desired.instances.size, interfaces: desired.interfaces.size }, 'data plane reconciled');
  }

  private record(namespaces: string[]): void {
    // Most changes (an address moved) leave the namespaces as they are: nothing to write.
    if (namespaces.length === this.recorded.length && namespaces.every((ns, i) => ns === this.recorded[i])) return;
    this.ownership.record(namespaces);
    this.recorded = namespaces;
  }

  /** Drops instances whose namespace name is already taken by something that is not ours. */
  private withoutForeign(p: Picture): Picture {
    const isForeign = (ns: string) => {
      if (this.foreign.has(ns)) return true;
      if (this.applied.instances.has(ns) || this.applied.routers.has(ns)) return false;
      if (!existsSync(`/run/netns/${ns}`)) return false;
      this.foreign.add(ns);
      this.log.warn({ ns }, `data plane: network namespace ${ns} already exists and is not this ec2net's; left alone`);
      return true;
    };
    const instances = new Set([...p.instances].filter((ns) => !isForeign(ns)));
    const routers = new Map([...p.routers].filter(([ns]) => !isForeign(ns)));
    const interfaces = new Map([...p.interfaces].filter(([, i]) => instances.has(i.instanceNs) && routers.has(i.routerNs)));
    return { routers, instances, interfaces };
  }

  /** Wakes up when the next timed transition is due: its effect on the data plane is not a request. */
  private scheduleWake(cloud: Cloud): void {
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
    let next: number | undefined;
    for (const region of cloud.allRegions()) {
      const at = region.nextTimerAt;
      if (at !== undefined && (next === undefined || at < next)) next = at;
    }
    if (next === undefined || this.closed) return;
    // Settling just ran, so the next timer is in the future; one that is not (an engine clock other
    // than the wall clock) is looked at again a second later rather than at once, over and over.
    const wait = next > Date.now() ? Math.min(next - Date.now() + 1, MAX_WAKE_MS) : 1000;
    this.wake = setTimeout(() => this.changed(), wait);
    this.wake.unref();
  }

  /** Each applied interface's link state and packet counters (read now, from the router namespaces). */
  counters(): Promise<InterfaceCounters[]> {
    return readCounters(this.applied);
  }

  /** Removes everything this data plane made. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.wake) clearTimeout(this.wake);
    await this.running;
    await Promise.all(this.followers.map((f) => f.close()));
    this.filters.close();
    const owned = this.owned();
    if (owned.length > 0) await ipBatch(owned.map((ns) => `netns del ${ns}`));
    this.applied = EMPTY_PICTURE;
    this.edges.reset();
    this.recorded = [];
    this.ownership.forget();
    process.removeListener('exit', this.exitHook);
    for (const w of this.waiters) w();
    this.waiters = [];
  }
}
