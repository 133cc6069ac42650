/**
 * The data plane the control plane asks for, derived from the engine's state alone: which
 * namespaces, links, addresses and routes should exist. Pure: the reconciler diffs two pictures.
 */
import type { Cloud } from '../engine/cloud.js';
import { formatIpv4, formatIpv6 } from '../engine/cidr.js';

/** One attached interface: a veth pair between the instance's namespace and its VPC's router. */
export interface InterfacePicture {
  readonly eniId: string;
  readonly instanceNs: string;
  readonly routerNs: string;
  /** `eth<device index>` inside the instance. */
  readonly dev: string;
  /** The veth end in the router namespace. */
  readonly peer: string;
  readonly mac: string;
  /** The primary private IPv4 and the subnet's prefix length. */
  readonly primary: string;
  readonly prefix: number;
  /** The subnet's router (base + 1): the default route's gateway on eth0. */
  readonly gateway: string;
  /** Every private IPv4 the interface holds (primary first): the fabric delivers these to it. */
  readonly addresses: readonly string[];
  /** Every IPv6 address the interface holds, in the order assigned: the fabric delivers these to it too. */
  readonly ipv6: readonly string[];
  /**
   * Its delegated prefixes (IPv4 /28s, IPv6 /80s) as CIDR text: the fabric routes each whole block to
   * it (EC2 User Guide, "Assign prefixes"); the instance's OS configures the addresses it uses.
   */
  readonly prefixes?: readonly string[];
  /** The subnet's IPv6 CIDR (a /64) when it has one: reached through the router's link-local address. */
  readonly ipv6Subnet?: string;
  readonly sourceDestCheck: boolean;
  /** Whether the instance runs (interfaces up) or is stopped (down). */
  readonly up: boolean;
}

export interface Picture {
  /** Router namespace name → the router addresses (each used subnet's base + 1) it answers for. */
  readonly routers: ReadonlyMap<string, readonly string[]>;
  /** Instance namespace names (the instance ids). */
  readonly instances: ReadonlySet<string>;
  /** By interface id. */
  readonly interfaces: ReadonlyMap<string, InterfacePicture>;
}

/** Every name the data plane creates in the root's view starts with this (router namespaces). */
export const ROUTER_PREFIX = 'ec2net-vpc-';

export const routerNsOf = (vpcId: string) => `${ROUTER_PREFIX}${vpcId.replace(/^vpc-/, '')}`;

/** The router-side veth name: 15 characters at most (IFNAMSIZ), unique per interface. */
export const peerNameOf = (eniId: string) => `v${eniId.replace(/^eni-/, '').slice(-14)}`;

/** States in which an instance has its namespace; in the first two its interfaces are up. */
const UP_STATES = new Set(['pending', 'running']);
const PRESENT_STATES = new Set(['pending', 'running', 'stopping', 'stopped', 'shutting-down']);

export function pictureOf(cloud: Cloud): Picture {
  const routers = new Map<string, string[]>();
  const instances = new Set<string>();
  const interfaces = new Map<string, InterfacePicture>();
  for (const region of cloud.allRegions()) {
    for (const instance of region.instances.values()) {
      if (!PRESENT_STATES.has(instance.state)) continue;
      instances.add(instance.id);
      const up = UP_STATES.has(instance.state);
      for (const eniId of instance.interfaceIds) {
        const eni = region.networkInterfaces.get(eniId);
        const a = eni?.attachment;
        // An interface being detached has left the instance's OS; one attaching has arrived.
        if (!eni || !a || (a.status !== 'attached' && a.status !== 'attaching')) continue;
        const subnet = region.subnets.get(eni.subnetId);
        if (!subnet) continue;
        const routerNs = routerNsOf(eni.vpcId);
        const gateway = formatIpv4(subnet.cidr.base + 1);
        const gateways = routers.get(routerNs) ?? [];
        if (!gateways.includes(gateway)) gateways.push(gateway);
        routers.set(routerNs, gateways);
        interfaces.set(eni.id, {
          eniId: eni.id,
          instanceNs: instance.id,
          routerNs,
          dev: `eth${a.deviceIndex}`,
          peer: peerNameOf(eni.id),
          mac: eni.macAddress,
          primary: eni.privateIps[0]!.text,
          prefix: subnet.cidr.prefix,
          gateway,
          addresses: eni.privateIps.map((p) => p.text),
          ipv6: eni.ipv6Addresses.map((x) => x.text),
          prefixes: [...eni.ipv4Prefixes.map((b) => `${formatIpv4(b)}/28`), ...eni.ipv6Prefixes.map((b) => `${formatIpv6(b)}/80`)],
          ipv6Subnet: subnet.ipv6.find((x) => x.state === 'associated')?.cidr.toString(),
          sourceDestCheck: eni.sourceDestCheck,
          up,
        });
      }
    }
  }
  return { routers, instances, interfaces };
}
