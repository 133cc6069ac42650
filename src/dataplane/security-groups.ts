/**
 * Security groups as an nftables table in a VPC's router namespace (Amazon VPC User Guide,
 * "Control traffic to your AWS resources using security groups", "Security group rules",
 * "Security group connection tracking"):
 * - each interface's groups apply to it alone: what leaves it (egress) and what reaches it
 *   (ingress) are checked in a chain of its own, the union of all its groups' rules;
 * - rules only allow; what no rule allows is dropped;
 * - stateful: a packet of a tracked connection (conntrack's established/related) passes whatever
 *   the rules say now, so a revoked rule stops new connections and leaves existing ones alone;
 * - a rule naming a group allows the private IPv4 addresses of the interfaces that group is on;
 *   a prefix list stands for its entries (its current version).
 * A packet between two interfaces of the VPC passes the sender's egress chain (which returns on
 * allow) and then the receiver's ingress chain; traffic from outside the VPC meets only the latter.
 */
import type { RegionState } from '../engine/cloud.js';
import { prefixListCidrs } from '../engine/prefix-list.js';
import type { SecurityGroupRule } from '../engine/model.js';
import { addressMatch, dispatch, ipv4Elements, protocolMatch, type FilteredInterface } from './nft-match.js';

export const SG_TABLE = 'inet ec2net_sg';

/** Group id → the private IPv4 addresses of the interfaces that carry it, for one region. */
function groupMembers(region: RegionState): Map<string, string[]> {
  const members = new Map<string, string[]>();
  for (const eni of region.networkInterfaces.values()) {
    for (const g of eni.groupIds) {
      const list = members.get(g) ?? [];
      for (const ip of eni.privateIps) list.push(ip.text);
      members.set(g, list);
    }
  }
  return members;
}

/** The named set holding a referenced group's member addresses (one per table, however many rules use it). */
export const groupSetOf = (groupId: string) => `grp_${groupId.replace(/-/g, '_')}`;

/**
 * The peer match of a rule: its IPv4 CIDR or prefix list's entries inline, a referenced group as
 * its named set (noted in `groups`); undefined when it can match nothing (IPv6 peers: the fabric
 * carries IPv4; another account's group has no members in this world).
 */
function peerMatch(rule: SecurityGroupRule, region: RegionState, side: 'saddr' | 'daddr', groups: Map<string, RegionState>): string | undefined {
  if (rule.cidrIpv4) return addressMatch(side, [rule.cidrIpv4]);
  if (rule.prefixListId)
    return addressMatch(
      side,
      (prefixListCidrs(region, rule.prefixListId) ?? []).filter((c) => !c.includes(':')),
    );
  if (rule.referencedGroupId && (rule.referencedUserId === undefined || rule.referencedUserId === region.accountId)) {
    groups.set(rule.referencedGroupId, region);
    return `ip ${side} @${groupSetOf(rule.referencedGroupId)}`;
  }
  return undefined;
}

/** One nft rule per security group rule that can match anything; `verdict` ends each. */
function chainRules(fi: FilteredInterface, egress: boolean, verdict: string, groups: Map<string, RegionState>): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const groupId of fi.eni.groupIds) {
    const group = fi.region.securityGroups.get(groupId);
    if (!group) continue;
    for (const rule of group.rules.values()) {
      if (rule.isEgress !== egress) continue;
      const proto = protocolMatch(rule.ipProtocol, rule.fromPort, rule.toPort);
      const peer = peerMatch(rule, fi.region, egress ? 'daddr' : 'saddr', groups);
      if (proto === undefined || peer === undefined) continue;
      const line = `    ${[peer, proto].filter(Boolean).join(' ')} ${verdict}`;
      // Two groups with the same rule make one line.
      if (!seen.has(line)) lines.push(line);
      seen.add(line);
    }
  }
  return lines;
}

/** The named sets of the referenced groups: their members' private IPv4 addresses now. */
function groupSets(groups: Map<string, RegionState>): string[] {
  const memberCache = new Map<RegionState, Map<string, string[]>>();
  const out: string[] = [];
  for (const [groupId, region] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let members = memberCache.get(region);
    if (!members) memberCache.set(region, (members = groupMembers(region)));
    const items = ipv4Elements(members.get(groupId) ?? []);
    const elements = items === 'all' ? ['0.0.0.0/0'] : items;
    out.push(
      `  set ${groupSetOf(groupId)} {`,
      '    type ipv4_addr; flags interval;',
      ...(elements.length ? [`    elements = { ${elements.join(', ')} }`] : []),
      '  }',
    );
  }
  return out;
}

export const sgChainOf = (peer: string, egress: boolean) => `${egress ? 'out' : 'in'}_${peer}`;

/** The `inet ec2net_sg` table for one router namespace's interfaces. */
export function securityGroupTable(interfaces: readonly FilteredInterface[]): { name: string; body: string[] } {
  const groups = new Map<string, RegionState>();
  const chains: string[] = [];
  for (const fi of interfaces) {
    const peer = fi.picture.peer;
    // What leaves the interface: the sender's egress rules, then (on to) the receiver's ingress chain.
    chains.push(`  chain ${sgChainOf(peer, true)} {`, ...chainRules(fi, true, 'return', groups), '    counter drop', '  }');
    chains.push(`  chain ${sgChainOf(peer, false)} {`, ...chainRules(fi, false, 'accept', groups), '    counter drop', '  }');
  }
  const links = interfaces.map((fi) => fi.picture.peer);
  const body = [
    ...groupSets(groups),
    '  chain forward {',
    '    type filter hook forward priority filter; policy accept;',
    // Tracked connections pass as they are: replies, and flows a rule allowed when they began.
    '    ct state established,related accept',
    ...dispatch(
      'iifname',
      links.map((l) => [l, sgChainOf(l, true)]),
    ),
    ...dispatch(
      'oifname',
      links.map((l) => [l, sgChainOf(l, false)]),
    ),
    '  }',
    ...chains,
  ];
  return { name: SG_TABLE, body };
}
