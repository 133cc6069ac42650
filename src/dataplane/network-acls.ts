/**
 * Network ACLs as an nftables table in a VPC's router namespace (Amazon VPC User Guide, "Control
 * subnet traffic with network access control lists", "Network ACL rules"):
 * - an ACL applies at its subnet's boundary: to traffic leaving the subnet (outbound rules) and
 *   entering it (inbound rules), never to traffic between two interfaces of one subnet;
 * - rules are evaluated in order of rule number, the first that matches decides (allow or deny),
 *   and the `*` rule (32767) denies what none matched;
 * - stateless: a reply is a packet like any other, so return traffic needs a rule of its own
 *   (conntrack is not consulted).
 * The table's base chain runs before the security groups' (a lower priority number): a packet
 * must pass both.
 */
import type { NetworkAclEntry } from '../engine/routing-model.js';
import type { RegionState } from '../engine/cloud.js';
import { dispatch, familyMatch, icmpv6Match, type FilteredInterface } from './nft-match.js';

export const NACL_TABLE = 'inet ec2net_nacl';

/** Protocol numbers of an ACL entry as nft matches (ACLs store numbers: 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6). */
function entryProtocol(e: NetworkAclEntry): string | undefined {
  switch (e.protocol) {
    case '-1':
      return '';
    case '6':
    case '17': {
      const name = e.protocol === '6' ? 'tcp' : 'udp';
      const from = e.portFrom ?? 0;
      const to = e.portTo ?? 65535;
      return `${name} dport ${from === to ? from : `${from}-${to}`}`;
    }
    case '1': {
      const type = e.icmpType ?? -1;
      const code = e.icmpCode ?? -1;
      if (type === -1) return 'meta l4proto icmp';
      return code === -1 ? `icmp type ${type}` : `icmp type ${type} icmp code ${code}`;
    }
    case '58':
      return icmpv6Match(e.icmpType ?? -1, e.icmpCode ?? -1);
    default:
      return /^[0-9]{1,3}$/.test(e.protocol) ? `meta l4proto ${e.protocol}` : undefined;
  }
}

/** The ACL a subnet is associated with (every subnet has exactly one). */
function aclEntriesBySubnet(region: RegionState): Map<string, NetworkAclEntry[]> {
  const out = new Map<string, NetworkAclEntry[]>();
  for (const a of region.networkAclAssociations.values()) {
    const acl = region.networkAcls.get(a.networkAclId);
    if (acl) out.set(a.subnetId, acl.entries);
  }
  return out;
}

/** One direction of an ACL as nft rules, in rule-number order; `allow` is the verdict that lets a packet on. */
function aclRules(entries: readonly NetworkAclEntry[], egress: boolean, allow: string): string[] {
  const lines: string[] = [];
  const ordered = entries.filter((e) => e.egress === egress).sort((a, b) => a.ruleNumber - b.ruleNumber);
  for (const e of ordered) {
    const cidr = e.cidrBlock ?? e.ipv6CidrBlock;
    if (cidr === undefined) continue;
    const proto = entryProtocol(e);
    // An entry is IPv4 (CidrBlock) or IPv6 (Ipv6CidrBlock): it matches its own family only.
    const peer = familyMatch(egress ? 'daddr' : 'saddr', [cidr]);
    if (proto === undefined || peer === undefined) continue;
    lines.push(`    ${[peer, proto].filter(Boolean).join(' ')} ${e.ruleAction === 'allow' ? allow : 'counter drop'} comment "rule ${e.ruleNumber}"`);
  }
  return lines;
}

const chainOf = (subnetId: string, egress: boolean) => `${egress ? 'out' : 'in'}_${subnetId.replace(/-/g, '_')}`;

/** The `inet ec2net_nacl` table for one router namespace's interfaces (one chain per subnet and direction). */
export function networkAclTable(interfaces: readonly FilteredInterface[]): { name: string; body: string[] } {
  const subnets = new Map<string, { region: RegionState; links: string[] }>();
  for (const fi of interfaces) {
    const s = subnets.get(fi.eni.subnetId) ?? { region: fi.region, links: [] };
    s.links.push(fi.picture.peer);
    subnets.set(fi.eni.subnetId, s);
  }
  const aclCache = new Map<RegionState, Map<string, NetworkAclEntry[]>>();
  const chains: string[] = [];
  for (const [subnetId, { region, links }] of subnets) {
    let acls = aclCache.get(region);
    if (!acls) aclCache.set(region, (acls = aclEntriesBySubnet(region)));
    const entries = acls.get(subnetId) ?? [];
    const same = `{ ${links.map((l) => `"${l}"`).join(', ')} }`;
    // Leaving the subnet: the outbound rules; on allow, on to the receiving subnet's inbound chain.
    chains.push(`  chain ${chainOf(subnetId, true)} {`, `    oifname ${same} return`, ...aclRules(entries, true, 'return'), '    counter drop', '  }');
    chains.push(`  chain ${chainOf(subnetId, false)} {`, `    iifname ${same} accept`, ...aclRules(entries, false, 'accept'), '    counter drop', '  }');
  }
  const byLink = interfaces.map((fi) => [fi.picture.peer, fi.eni.subnetId] as const);
  const body = [
    '  chain forward {',
    // Before the security groups (priority filter = 0), and with no conntrack shortcut: stateless.
    '    type filter hook forward priority filter - 10; policy accept;',
    ...dispatch(
      'iifname',
      byLink.map(([l, s]) => [l, chainOf(s, true)]),
    ),
    ...dispatch(
      'oifname',
      byLink.map(([l, s]) => [l, chainOf(s, false)]),
    ),
    '  }',
    ...chains,
  ];
  return { name: NACL_TABLE, body };
}
