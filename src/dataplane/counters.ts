/**
 * Per-interface counters for the console, read on demand: one `ip -s -j link show` and one
 * `nft -j list table` per router namespace. The router-side end of each veth pair sees what the
 * instance sends (its rx) and what is delivered to it (its tx); the security group chains' final
 * `counter drop` rules count what the groups refused. Nothing is polled in the background.
 */
import { execFile } from 'node:child_process';
import type { InterfaceCounters } from '../console/types.js';
import { inParallel } from './ip.js';
import type { Picture } from './picture.js';
import { SG_TABLE, sgChainOf } from './security-groups.js';

export type { InterfaceCounters };

const TIMEOUT_MS = 10_000;
const PARALLEL = 4;

function run(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile('ip', args, { timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => resolve(error ? '' : String(stdout)));
  });
}

interface LinkJson {
  readonly ifname: string;
  readonly operstate?: string;
  readonly stats64?: { rx: { packets: number; bytes: number }; tx: { packets: number; bytes: number } };
}

interface NftJson {
  readonly nftables?: { rule?: { chain: string; expr: { counter?: { packets: number } }[] } }[];
}

const parse = <T>(text: string, fallback: T): T => {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

/** Chain name → packets its `counter` expressions counted. */
function chainDrops(doc: NftJson): Map<string, number> {
  const drops = new Map<string, number>();
  for (const item of doc.nftables ?? []) {
    const rule = item.rule;
    if (!rule) continue;
    for (const e of rule.expr) if (e.counter) drops.set(rule.chain, (drops.get(rule.chain) ?? 0) + e.counter.packets);
  }
  return drops;
}

export async function readCounters(picture: Picture): Promise<InterfaceCounters[]> {
  const routers = [...picture.routers.keys()];
  const read = await inParallel(routers, PARALLEL, async (ns) => {
    const [links, table] = await Promise.all([
      run(['-n', ns, '-s', '-j', 'link', 'show']),
      run(['netns', 'exec', ns, 'nft', '-j', 'list', 'table', ...SG_TABLE.split(' ')]),
    ]);
    return {
      ns,
      links: new Map(parse<LinkJson[]>(links, []).map((l) => [l.ifname, l])),
      drops: chainDrops(parse<NftJson>(table, {})),
    };
  });
  const byRouter = new Map(read.map((r) => [r.ns, r]));
  const out: InterfaceCounters[] = [];
  for (const i of picture.interfaces.values()) {
    const r = byRouter.get(i.routerNs);
    const link = r?.links.get(i.peer);
    const stats = link?.stats64;
    out.push({
      networkInterfaceId: i.eniId,
      instanceId: i.instanceNs,
      device: i.dev,
      link: link?.operstate === 'UP' ? 'up' : 'down',
      sent: { packets: stats?.rx.packets ?? 0, bytes: stats?.rx.bytes ?? 0 },
      received: { packets: stats?.tx.packets ?? 0, bytes: stats?.tx.bytes ?? 0 },
      droppedBySecurityGroups: { inbound: r?.drops.get(sgChainOf(i.peer, false)) ?? 0, outbound: r?.drops.get(sgChainOf(i.peer, true)) ?? 0 },
    });
  }
  return out.sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : a.device < b.device ? -1 : 1));
}
