/**
 * Security groups as an nftables table in a VPC's router namespace (Amazon VPC User Guide,
 * "Control traffic to your AWS resources using security groups", "Security group rules",
 * "Security group connection tracking"):
 * - each interface's groups apply to it alone: what leaves it (egress) and what reaches it
 *   (ingress) are checked in a chain of its own, the union of all its groups' rules;
 * - rules only allow; what no rule allows is dropped;
 * - stateful: a packet of a tracked connection (conntrack's established/related) passes whatever
 *   the rules say now, so a revoked rule stops new connections and leaves existing ones alone;
 * - a rule naming a group allows the private IPv4 and the IPv6 addresses of the interfaces that
 *   group is on;
 *   a prefix list stands for its entries (its current version).
 * A packet between two interfaces of the VPC passes the sender's egress chain (which returns on
 * allow) and then the receiver's ingress chain; traffic from outside the VPC meets only the latter.
 */
import { formatIpv4, formatIpv6 } from '../engine/cidr.js';
import type { RegionState } from '../engine/cloud.js';
import { prefixListCidrs } from '../engine/prefix-list.js';
import type { SecurityGroupRule } from '../engine/model.js';
import { address6Match, addressMatch, dispatch, ipv4Elements, ipv6Elements, protocolMatch, type FilteredInterface } from './nft-match.js';

export const SG_TABLE = 'inet ec2net_sg';

/**
 * Group id → the private IPv4 and the IPv6 addresses of the interfaces that carry it, for one region;
 * their delegated prefixes too (the interface's addresses: pods of the VPC CNI in prefix mode reach
 * each other across nodes through the nodes' self-referencing groups).
 */
function groupMembers(region: RegionState): Map<string, { v4: string[]; v6: string[] }> {
  const members = new Map<string, { v4: string[]; v6: string[] }>();
  for (const eni of region.networkInterfaces.values()) {
    for (const g of eni.groupIds) {
      const m = members.get(g) ?? { v4: [], v6: [] };
      for (const ip of eni.privateIps) m.v4.push(ip.text);
      for (const ip of eni.ipv6Addresses) m.v6.push(ip.text);
      for (const b of eni.ipv4Prefixes) m.v4.push(`${formatIpv4(b)}/28`);
      for (const b of eni.ipv6Prefixes) m.v6.push(`${formatIpv6(b)}/80`);
      members.set(g, m);
    }
  }
  return members;
}

/** The named set holding a referenced group's member addresses (one per table, however many rules use it). */
export const groupSetOf = (groupId: string) => `grp_${groupId.replace(/-/g, '_')}`;

/** The named set holding a referenced group's members' IPv6 addresses. */
export const group6SetOf = (groupId: string) => `grp6_${groupId.replace(/-/g, '_')}`;

/**
 * The peer matches of a rule: its IPv4 or IPv6 CIDR, or a prefix list's entries inline (one match
 * per family), a referenced group as its named sets (noted in `groups`), both families: "the
 * traffic from the network interfaces associated with the group" is IPv4 and IPv6 alike. None
 * when it can match nothing (another account's group has no members in this world).
 */
function peerMatches(rule: SecurityGroupRule, region: RegionState, side: 'saddr' | 'daddr', groups: Map<string, RegionState>): string[] {
  const present = (m: (string | undefined)[]) => m.filter((x): x is string => x !== undefined);
  if (rule.cidrIpv4) return present([addressMatch(side, [rule.cidrIpv4])]);
  if (rule.cidrIpv6) return present([address6Match(side, [rule.cidrIpv6])]);
  if (rule.prefixListId) {
    const cidrs = prefixListCidrs(region, rule.prefixListId) ?? [];
    return present([
      addressMatch(
        side,
        cidrs.filter((c) => !c.includes(':')),
      ),
      address6Match(
        side,
        cidrs.filter((c) => c.includes(':')),
      ),
    ]);
  }
  if (rule.referencedGroupId && (rule.referencedUserId === undefined || rule.referencedUserId === region.accountId)) {
    groups.set(rule.referencedGroupId, region);
    return [`ip ${side} @${groupSetOf(rule.referencedGroupId)}`, `ip6 ${side} @${group6SetOf(rule.referencedGroupId)}`];
  }
  return [];
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
      if (proto === undefined) continue;
      for (const peer of peerMatches(rule, fi.region, egress ? 'daddr' : 'saddr', groups)) {
        const line = `    ${[peer, proto].filter(Boolean).join(' ')} ${verdict}`;
        // Two groups with the same rule make one line.
        if (!seen.has(line)) lines.push(line);
        seen.add(line);
      }
    }
  }
  return lines;
}

/** The named sets of the referenced groups: their members' private IPv4 and IPv6 addresses now. */
function groupSets(groups: Map<string, RegionState>): string[] {
  const memberCache = new Map<RegionState, Map<string, { v4: string[]; v6: string[] }>>();
  const out: string[] = [];
  const set = (name: string, type: string, items: string[] | 'all', all: string) => {
    const elements = items === 'all' ? [all] : items;
    out.push(`  set ${name} {`, `    type ${type}; flags interval;`, ...(elements.length ? [`    elements = { ${elements.join(', ')} }`] : []), '  }');
  };
  for (const [groupId, region] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let members = memberCache.get(region);
    if (!members) memberCache.set(region, (members = groupMembers(region)));
    const m = members.get(groupId);
    set(groupSetOf(groupId), 'ipv4_addr', ipv4Elements(m?.v4 ?? []), '0.0.0.0/0');
    set(group6SetOf(groupId), 'ipv6_addr', ipv6Elements(m?.v6 ?? []), '::/0');
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
