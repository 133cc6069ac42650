/**
 * How many instances of one launch the subnets have room for. Each instance's new interfaces take
 * single addresses and delegated IPv4 prefixes; a prefix is an aligned /28, so it needs one of the
 * subnet's wholly free blocks as well as its 16 addresses (aws-behaviour.md §3 "Prefix delegation").
 */
import { Ec2Error } from './errors.js';
import type { Subnet } from './model.js';

/** What one instance's new interfaces take from one subnet. */
export interface SubnetDemand {
  /** Single private IPv4 addresses (primaries and secondaries). */
  addresses: number;
  /** Delegated /28 prefixes. */
  prefixes: number;
}

export interface LaunchRoom {
  /** Instances that fit, at most the `max` asked for. */
  readonly count: number;
  /** The subnet that allows the fewest (the one to name when too few fit). */
  readonly tightest?: Subnet;
}

/**
 * An upper bound, exact unless addresses picked during the launch fall inside blocks counted free:
 * RunInstances stops at the instance whose interfaces no longer fit (see `notEnoughRoom`).
 */
export function launchRoom(demands: ReadonlyMap<Subnet, SubnetDemand>, max: number): LaunchRoom {
  let count = max;
  let tightest: Subnet | undefined;
  for (const [subnet, d] of demands) {
    const pool = subnet.pool;
    const perInstance = d.addresses + 16 * d.prefixes;
    let fits = perInstance === 0 ? max : Math.floor(pool.freeCount / perInstance);
    if (d.prefixes > 0) fits = Math.min(fits, Math.floor(pool.freePrefix28Count / d.prefixes));
    if (tightest === undefined || fits < count) {
      count = Math.min(count, fits);
      tightest = subnet;
    }
  }
  return { count, tightest };
}

/** RunInstances' own refusal when fewer than MinCount instances fit (aws-behaviour.md §3 "Subnet exhaustion"). */
export const notEnoughRoom = (subnetId: string) =>
  new Ec2Error(
    'InsufficientFreeAddressesInSubnet',
    `There are not enough free addresses in subnet '${subnetId}' to satisfy the requested number of instances.`,
  );
