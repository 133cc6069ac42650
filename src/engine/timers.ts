/**
 * Timed transitions (pending → running, attaching → attached …) are plain data — a time, a
 * kind and a resource id — so they can be saved; each kind's effect is registered here once.
 */
import type { RegionState } from './cloud.js';

export interface Timer {
  readonly at: number;
  readonly kind: string;
  readonly id: string;
}

export const TIMER_HANDLERS = new Map<string, (region: RegionState, id: string) => void>();
