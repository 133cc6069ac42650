/**
 * The subnets of each VPC, kept sorted by base address so an overlap check looks at two
 * neighbours instead of every subnet, plus per-zone counts for picking a zone.
 */
import type { Ipv4Cidr } from './cidr.js';
import type { Subnet } from './model.js';

export class VpcSubnets {
  /** Sorted by cidr.base; subnets of one VPC never overlap, so neighbours decide any conflict. */
  private readonly sorted: Subnet[] = [];
  readonly zoneCounts = new Map<string, number>();

  get size(): number {
    return this.sorted.length;
  }

  all(): readonly Subnet[] {
    return this.sorted;
  }

  /** Index of the first subnet whose base is > `base`. */
  private upper(base: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]!.cidr.base <= base) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** A subnet that overlaps `cidr`, if any. */
  overlapping(cidr: Ipv4Cidr): Subnet | undefined {
    const i = this.upper(cidr.base);
    const before = this.sorted[i - 1];
    if (before?.cidr.overlaps(cidr)) return before;
    const after = this.sorted[i];
    if (after?.cidr.overlaps(cidr)) return after;
    return undefined;
  }

  add(s: Subnet): void {
    this.sorted.splice(this.upper(s.cidr.base), 0, s);
    this.zoneCounts.set(s.zone.zoneName, (this.zoneCounts.get(s.zone.zoneName) ?? 0) + 1);
  }

  delete(s: Subnet): void {
    const i = this.sorted.indexOf(s, Math.max(0, this.upper(s.cidr.base) - 1));
    if (i >= 0) this.sorted.splice(i, 1);
    this.zoneCounts.set(s.zone.zoneName, (this.zoneCounts.get(s.zone.zoneName) ?? 1) - 1);
  }
}
