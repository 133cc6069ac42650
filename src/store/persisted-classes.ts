/**
 * The classes a snapshot may hold (see cloud-image.ts), by a stable name: the name is what is
 * stored, so renaming a class here breaks old snapshots — add, never rename. Records are plain
 * data and need nothing here; a class that keeps state in the cloud (a pool, an index) is one line.
 */
import { RegionState } from '../engine/cloud.js';
import { Ipv4Cidr, Ipv6Cidr } from '../engine/cidr.js';
import { IdGenerator } from '../engine/ids.js';
import { Ipv4Pool, Ipv6Pool } from '../engine/ipam.js';
import { MultiIndex } from '../engine/multi-index.js';
import { PublicIpPools } from '../engine/public-ips.js';
import { VpcSubnets } from '../engine/subnet-index.js';
import { TimerQueue } from '../engine/timer-queue.js';

export const PERSISTED_CLASSES = {
  RegionState,
  Ipv4Cidr,
  Ipv6Cidr,
  Ipv4Pool,
  Ipv6Pool,
  MultiIndex,
  VpcSubnets,
  TimerQueue,
  IdGenerator,
  PublicIpPools,
} as const satisfies Record<string, abstract new (...args: never[]) => unknown>;
