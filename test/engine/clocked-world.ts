/**
 * What the engine's lifecycle tests share: one account's us-east-1 world on a hand-moved clock,
 * and an assertion on Ec2Error's code and message.
 */
import assert from 'node:assert/strict';
import { Cloud, type LifecycleTimings, type RegionState } from '../../src/engine/cloud.js';
import type { Ec2Error } from '../../src/engine/errors.js';
import type { Subnet } from '../../src/engine/model.js';

export const ACCOUNT = '123456789012';
export const T0 = Date.UTC(2024, 0, 2, 3, 4, 5);
export const TIMINGS: LifecycleTimings = {
  pendingMs: 500,
  stoppingMs: 500,
  shuttingDownMs: 500,
  attachingMs: 200,
  detachingMs: 200,
  terminatedVisibleMs: 3_600_000,
};

export function throwsEc2(fn: () => unknown, code: string, message?: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    const err = e as Ec2Error;
    assert.equal(err.name, 'Ec2Error', String(e));
    assert.equal(err.code, code, err.message);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

/** A world on a hand-moved clock. */
export class ClockedWorld {
  t = T0;
  readonly cloud: Cloud;
  readonly region: RegionState;
  constructor(timings: Partial<LifecycleTimings> = TIMINGS, seed?: string) {
    this.cloud = new Cloud({ defaultAccountId: ACCOUNT, seed, now: () => new Date(this.t), lifecycle: timings });
    this.region = this.cloud.region(ACCOUNT, 'us-east-1');
  }
  /** Moves the clock and runs what became due, as the server does before each request. */
  advance(ms: number): void {
    this.t += ms;
    this.region.settle();
  }
  defaultSubnet(zone = 'us-east-1a'): Subnet {
    return [...this.region.subnets.values()].find((s) => s.defaultForAz && s.zone.zoneName === zone)!;
  }
}
