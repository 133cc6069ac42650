/**
 * The console page: account × region picker, VPC tabs, the topology diagram (route tables too), a detail panel
 * for what is selected, and the live activity feed. The view reloads itself when a call
 * changes the world it shows (server-sent events) and when a scheduled transition falls due.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ActivityEntry, TopologyResponse, WorldsResponse } from '../../src/console/types';
import { getTopology, getWorlds, HttpError, subscribe, type World } from './api';
import { Diagram, type Selection } from './diagram';
import { ActivityFeed } from './feed';
import { layout as computeLayout, type Box } from './layout';
import { DetailPanel } from './panels';

const MAX_ENTRIES = 1000;

interface Metrics {
  fetchMs?: number;
  layoutMs?: number;
  firstRenderMs?: number;
}

declare global {
  interface Window {
    __ec2netConsole?: Metrics & { loads: number };
  }
}

function fromUrl(): { world?: World; vpc?: string; drawAll: boolean } {
  const q = new URLSearchParams(location.search);
  const account = q.get('account');
  const region = q.get('region');
  return { world: account && region ? { account, region } : undefined, vpc: q.get('vpc') ?? undefined, drawAll: q.get('draw') === 'all' };
}

export function App() {
  const initial = useMemo(fromUrl, []);
  const [worlds, setWorlds] = useState<WorldsResponse | undefined>();
  const [world, setWorld] = useState<World | undefined>(initial.world);
  const [vpc, setVpc] = useState<string | undefined>(initial.vpc);
  const [topology, setTopology] = useState<TopologyResponse | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [version, setVersion] = useState(0);
  const [selection, setSelection] = useState<Selection | undefined>();
  const [entries, setEntries] = useState<ActivityEntry[]>([]);
  const [connected, setConnected] = useState(false);
  const [reveal, setReveal] = useState<{ box: Box; n: number } | undefined>();
  const [find, setFind] = useState('');
  const [findMiss, setFindMiss] = useState(false);
  const metrics = useRef<Metrics & { loads: number }>({ loads: 0 });
  window.__ec2netConsole = metrics.current;

  // ---- loading ---------------------------------------------------------------------------------

  const loadWorlds = useCallback(async () => {
    const w = await getWorlds();
    setWorlds(w);
    setWorld((current) => {
      if (current) return current;
      const preferred = w.worlds.find((x) => x.account === w.defaultAccount && x.region === w.defaultRegion) ?? w.worlds[0];
      return preferred ? { account: preferred.account, region: preferred.region } : undefined;
    });
    return w;
  }, []);

  const target = useRef<{ world?: World; vpc?: string }>({});
  target.current = { world, vpc };
  const inFlight = useRef(false);
  const again = useRef(false);
  const timer = useRef<number | undefined>(undefined);

  const loadTopology = useCallback(async () => {
    const { world: w, vpc: v } = target.current;
    if (!w) return;
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    const started = performance.now();
    try {
      const t = await getTopology(w, v);
      if (target.current.world !== w) return;
      metrics.current.fetchMs ??= Math.round(performance.now() - started);
      setTopology(t);
      setProblem(undefined);
      setVersion((n) => n + 1);
    } catch (e) {
      setTopology(undefined);
      setProblem(e instanceof HttpError ? e.message : `The server could not be reached (${String(e)}).`);
    } finally {
      inFlight.current = false;
      if (again.current) {
        again.current = false;
        void loadTopology();
      }
    }
  }, []);

  const scheduleRefresh = useCallback(
    (delay = 60) => {
      if (timer.current !== undefined) return;
      timer.current = window.setTimeout(() => {
        timer.current = undefined;
        void loadTopology();
      }, delay);
    },
    [loadTopology],
  );

  useEffect(() => {
    void loadWorlds().catch((e: unknown) => setProblem(`The server could not be reached (${String(e)}).`));
  }, [loadWorlds]);

  useEffect(() => {
    setTopology(undefined);
    void loadTopology();
    if (world) {
      const q = new URLSearchParams({ account: world.account, region: world.region });
      if (vpc) q.set('vpc', vpc);
      if (initial.drawAll) q.set('draw', 'all');
      history.replaceState(null, '', `?${q}`);
    }
  }, [world?.account, world?.region, vpc, loadTopology]);

  // A pending → running or attaching → attached transition shows when it falls due.
  useEffect(() => {
    if (!topology?.nextChangeAt) return;
    const wait = Math.max(50, topology.nextChangeAt - topology.serverTime + 25);
    const t = window.setTimeout(() => void loadTopology(), Math.min(wait, 60_000));
    return () => clearTimeout(t);
  }, [topology, loadTopology]);

  // ---- live events ---------------------------------------------------------------------------------

  const known = useRef(new Set<string>());
  known.current = new Set(worlds?.worlds.map((w) => `${w.account}/${w.region}`) ?? []);
  useEffect(() => {
    const add = (batch: ActivityEntry[]) =>
      setEntries((list) => {
        const last = list.length ? list[list.length - 1]!.seq : 0;
        const fresh = batch.filter((e) => e.seq > last); // a reconnection replays what was seen
        if (!fresh.length) return list;
        const next = list.concat(fresh);
        return next.length > MAX_ENTRIES ? next.slice(next.length - MAX_ENTRIES) : next;
      });
    return subscribe({
      onStatus: setConnected,
      onBacklog: add,
      onActivity: (batch) => {
        add(batch);
        const w = target.current.world;
        let refresh = false;
        for (const e of batch) {
          const key = `${e.account}/${e.region}`;
          const born = !known.current.has(key);
          if (born) {
            known.current.add(key);
            void loadWorlds();
          }
          // A new world (its first request, even a read) or a change that went through.
          if (w && key === `${w.account}/${w.region}` && (born || (!e.readOnly && e.status === 200))) refresh = true;
        }
        if (refresh) scheduleRefresh();
      },
      onReset: () => {
        setSelection(undefined);
        void loadWorlds();
        scheduleRefresh(0);
      },
    });
  }, [loadWorlds, scheduleRefresh]);

  // ---- drawing ---------------------------------------------------------------------------------

  const drawn = useMemo(() => {
    if (!topology) return undefined;
    const t0 = performance.now();
    const l = computeLayout(topology);
    metrics.current.layoutMs ??= Math.round((performance.now() - t0) * 10) / 10;
    return l;
  }, [topology]);

  useEffect(() => {
    if (!drawn) return;
    metrics.current.loads++;
    if (metrics.current.firstRenderMs !== undefined) return;
    // After the browser has painted the first diagram: time since navigation started.
    requestAnimationFrame(() =>
      setTimeout(() => {
        metrics.current.firstRenderMs = Math.round(performance.now());
        document.body.dataset.firstRender = String(metrics.current.firstRenderMs);
      }, 0),
    );
  }, [drawn]);

  const drawnRef = useRef(drawn);
  drawnRef.current = drawn;
  const select = useCallback((s: Selection | undefined) => {
    setSelection(s);
    const box = s && drawnRef.current?.places.get(s.id);
    if (box) setReveal((r) => ({ box, n: (r?.n ?? 0) + 1 }));
  }, []);

  // The same element while nothing it draws changed: the feed's updates do not re-draw the diagram.
  const diagram = useMemo(
    () => drawn && <Diagram layout={drawn} selected={selection} onSelect={select} drawAll={initial.drawAll} reveal={reveal} />,
    [drawn, selection, select, reveal],
  );

  const onFind = (e: Event) => {
    e.preventDefault();
    const q = find.trim();
    if (!q || !topology) return;
    const eni = topology.interfaces.find((x) => x.id === q || x.addresses.some((a) => a.ip === q) || x.name === q);
    const inst = topology.instances.find((x) => x.id === q || x.name === q);
    const eip = topology.elasticIps.find((x) => x.allocationId === q || x.publicIp === q);
    const rtb = topology.routeTables.find((x) => x.id === q || x.name === q);
    const hit: Selection | undefined = rtb
      ? { kind: 'route-table', id: rtb.id }
      : eni
        ? { kind: 'interface', id: eni.id, ip: eni.addresses.some((a) => a.ip === q) ? q : undefined }
        : inst
          ? { kind: 'instance', id: inst.id }
          : eip
            ? { kind: 'address', id: eip.allocationId }
            : undefined;
    setFindMiss(!hit);
    if (hit) select(hit);
  };

  const worldKey = world ? `${world.account}/${world.region}` : '';
  return (
    <div class="app">
      <header class="top">
        <span class="brand">ec2net</span>
        <label>
          Account · region{' '}
          <select
            value={worldKey}
            data-testid="world-picker"
            onChange={(e) => {
              const [account, region] = (e.target as HTMLSelectElement).value.split('/') as [string, string];
              setSelection(undefined);
              setVpc(undefined);
              setWorld({ account, region });
            }}
          >
            {world && !worlds?.worlds.some((w) => `${w.account}/${w.region}` === worldKey) && (
              <option value={worldKey}>{`${world.account} · ${world.region}`}</option>
            )}
            {worlds?.worlds.map((w) => (
              <option value={`${w.account}/${w.region}`}>{`${w.account} · ${w.region} (${w.interfaceCount} ENIs)`}</option>
            ))}
          </select>
        </label>
        <nav class="vpcs" data-testid="vpc-tabs">
          {topology?.vpcs.map((v) => (
            <button
              class={v.id === topology.vpcId ? 'tab active' : 'tab'}
              data-vpc={v.id}
              onClick={() => {
                setSelection(undefined);
                setVpc(v.id);
              }}
              title={`${v.cidrs.join(', ')} · ${v.subnetCount} subnets · ${v.instanceCount} instances · ${v.interfaceCount} interfaces`}
            >
              {v.name ?? v.id}
              {v.isDefault && <span class="muted"> default</span>}
              <span class="count">{v.interfaceCount}</span>
            </button>
          ))}
        </nav>
        <form class="find" onSubmit={onFind}>
          <input
            type="search"
            placeholder="find id, IP, Name…"
            value={find}
            class={findMiss ? 'miss' : ''}
            onInput={(e) => {
              setFind((e.target as HTMLInputElement).value);
              setFindMiss(false);
            }}
            data-testid="find"
          />
        </form>
      </header>
      <main class="body">
        <div class="canvas">
          {problem && <p class="problem">{problem}</p>}
          {!problem && !world && worlds && (
            <p class="problem">No account has made a request yet. Point an SDK or the AWS CLI at this server; its world appears here.</p>
          )}
          {diagram}
        </div>
        {selection && world && topology && (
          <DetailPanel world={world} topology={topology} selection={selection} onSelect={select} version={version} readOnly={worlds?.readOnly} />
        )}
      </main>
      <ActivityFeed entries={entries} world={world ?? { account: '', region: '' }} connected={connected} />
    </div>
  );
}
