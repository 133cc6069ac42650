/**
 * Packet filtering in the VPC router namespaces with nftables: security groups and network ACLs
 * are rendered as whole tables, and a namespace's tables are replaced in one nft transaction
 * when what they say changed — atomically, so no packet ever sees half a rule set, and without
 * touching conntrack, so established connections carry on as on AWS.
 */
import type { Cloud } from '../engine/cloud.js';
import { inParallel, type BatchResult } from './ip.js';
import { networkAclTable } from './network-acls.js';
import { NftShells } from './nft-shell.js';
import type { FilteredInterface } from './nft-match.js';
import type { Picture } from './picture.js';
import { securityGroupTable } from './security-groups.js';

/** Namespaces whose tables are replaced at once. */
const PARALLEL = 8;

/** Every interface in the picture, by router namespace, with its record (interfaces are looked up in their region). */
export function filteredInterfaces(cloud: Cloud, picture: Picture): Map<string, FilteredInterface[]> {
  const byRouter = new Map<string, FilteredInterface[]>();
  for (const region of cloud.allRegions()) {
    for (const [id, i] of picture.interfaces) {
      const eni = region.networkInterfaces.get(id);
      if (!eni) continue;
      const list = byRouter.get(i.routerNs) ?? [];
      list.push({ picture: i, eni, region });
      byRouter.set(i.routerNs, list);
    }
  }
  // Sorted by link name: the same state always renders the same text, so only a change re-applies.
  for (const list of byRouter.values()) list.sort((a, b) => (a.picture.peer < b.picture.peer ? -1 : a.picture.peer > b.picture.peer ? 1 : 0));
  return byRouter;
}

/** The filter tables of each router namespace, as one `nft -f` script (an atomic replace of each table). */
export function filterScripts(cloud: Cloud, picture: Picture): Map<string, string> {
  const scripts = new Map<string, string>();
  const byRouter = filteredInterfaces(cloud, picture);
  for (const ns of picture.routers.keys()) {
    const interfaces = byRouter.get(ns) ?? [];
    scripts.set(ns, [...replaceTable(securityGroupTable(interfaces)), ...replaceTable(networkAclTable(interfaces))].join('\n') + '\n');
  }
  return scripts;
}

/**
 * `table X` (made if missing), `delete table X`, then the new X: nft runs the file as one
 * transaction, so the old table is replaced by the new one at once.
 */
function replaceTable(table: { readonly name: string; readonly body: readonly string[] }): string[] {
  return [`table ${table.name}`, `delete table ${table.name}`, `table ${table.name} {`, ...table.body, '}'];
}

/** What each router namespace's filters are now, and the step that brings them to what the state asks. */
export class Filters {
  private applied = new Map<string, string>();
  private readonly shells = new NftShells();

  /** Applies the scripts that changed (in each namespace's `nft -i`, or with `run` when given). */
  async apply(cloud: Cloud, picture: Picture, run: (ns: string, script: string) => Promise<BatchResult> = this.shells.run): Promise<BatchResult[]> {
    const desired = filterScripts(cloud, picture);
    this.shells.retain(desired);
    const changed = [...desired].filter(([ns, script]) => this.applied.get(ns) !== script);
    const results = await inParallel(changed, PARALLEL, ([ns, script]) => run(ns, script));
    const refused = new Set(results.filter((r) => r.errors).map((r) => r.ns));
    // A script nft refused left the old tables in place: it is not recorded, so the next reconcile tries again.
    this.applied = new Map([...desired].filter(([ns]) => !refused.has(ns)));
    return results;
  }

  /** Ends the `nft` processes (before the namespaces are removed: a process inside would keep one alive). */
  close(): void {
    this.shells.close();
    this.applied = new Map();
  }
}
