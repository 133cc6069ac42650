/**
 * Amazon's public IPv4 pool per region, shared by every account so that no public address is
 * ever held twice: Elastic IPs and auto-assigned public IPs both come from here.
 */
import { formatIpv4, parseIpv4, parseIpv4Cidr, type Ipv4Cidr } from './cidr.js';
import { Ec2Error } from './errors.js';
import { REGIONS } from './regions.js';

export class PublicIpPools {
  private readonly pools = new Map<string, { cidr: Ipv4Cidr; inUse: Set<number> }>();

  constructor(
    private readonly configured: Readonly<Record<string, string>>,
    private readonly random: () => number,
  ) {}

  /**
   * After a restore under other flags: a region whose configured pool changed draws from the new
   * one; addresses already held stay held.
   */
  afterRestore(): void {
    for (const [region, p] of this.pools) {
      const cidr = parseIpv4Cidr(this.configuredText(region));
      if (!cidr || (cidr.base === p.cidr.base && cidr.prefix === p.cidr.prefix)) continue;
      // Held addresses stay in the set, so switching back never hands one out twice.
      this.pools.set(region, { cidr, inUse: p.inUse });
    }
  }

  /** The pool of a region: configured, else 3.<k>.0.0/16 where k is the region's index in our region list. */
  private pool(region: string) {
    let p = this.pools.get(region);
    if (!p) {
      const text = this.configuredText(region);
      const cidr = parseIpv4Cidr(text);
      if (!cidr) throw new Error(`bad public pool ${text} for ${region}`);
      p = { cidr, inUse: new Set() };
      this.pools.set(region, p);
    }
    return p;
  }

  private configuredText(region: string): string {
    return (
      this.configured[region] ??
      `3.${
        Math.max(
          0,
          REGIONS.findIndex((r) => r.name === region),
        ) + 1
      }.0.0/16`
    );
  }

  /** Whether `text` is in the public pool of any region (configured, or the default 3.<k>.0.0/16). */
  covers(text: string): boolean {
    const ip = parseIpv4(text);
    if (ip === undefined) return false;
    const regions = new Set([...REGIONS.map((r) => r.name), ...Object.keys(this.configured)]);
    return [...regions].some((r) => parseIpv4Cidr(this.configuredText(r))?.contains(ip) ?? false);
  }

  /** Takes a random free address (as AWS does), skipping the pool's network and broadcast addresses. */
  allocate(region: string): string {
    const p = this.pool(region);
    const usable = p.cidr.size - 2;
    if (p.inUse.size >= usable) {
      throw new Ec2Error('InsufficientAddressCapacity', `There are no free public IPv4 addresses left in the pool of ${region}.`);
    }
    let ip = p.cidr.base + 1 + Math.floor(this.random() * usable);
    while (p.inUse.has(ip)) ip = ip + 1 > p.cidr.base + usable ? p.cidr.base + 1 : ip + 1;
    p.inUse.add(ip);
    return formatIpv4(ip);
  }

  /** Takes a specific address (AllocateAddress with Address=…); false if it is not in the pool or is taken. */
  claim(region: string, text: string): boolean {
    const p = this.pool(region);
    const ip = parseIpv4(text);
    if (ip === undefined || !p.cidr.contains(ip) || p.inUse.has(ip)) return false;
    p.inUse.add(ip);
    return true;
  }

  release(region: string, text: string): void {
    const ip = parseIpv4(text);
    if (ip !== undefined) this.pool(region).inUse.delete(ip);
  }
}
