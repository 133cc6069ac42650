/**
 * The AWS-managed prefix lists of a region: one per gateway-endpoint service (S3, DynamoDB), named
 * `com.amazonaws.<region>.<service>` and owned by `AWS` (Amazon VPC User Guide, "AWS-managed prefix
 * lists"; DescribePrefixLists: "available AWS services in a prefix list format"). They are not state:
 * they follow from the region's name, so every account sees the same ids, as on AWS.
 *
 * Ids: the ones AWS shows where listed below; elsewhere a stable id derived from the region. The
 * CIDRs are illustrative (a plausible fixed set per region), not AWS's published ranges.
 */
import { createHash } from 'node:crypto';
import type { PrefixListEntry } from './endpoint-model.js';

export const GATEWAY_SERVICES = ['dynamodb', 's3'] as const;
export type GatewayService = (typeof GATEWAY_SERVICES)[number];

export interface AwsPrefixList {
  readonly id: string;
  readonly name: string;
  readonly service: GatewayService;
  readonly entries: readonly PrefixListEntry[];
}

/** Ids as DescribePrefixLists shows them in these regions (the same ids recur across regions: they are regional). */
const KNOWN_IDS: Record<string, Record<GatewayService, string>> = {
  'us-east-1': { s3: 'pl-63a5400a', dynamodb: 'pl-02cd2c6b' },
  'us-east-2': { s3: 'pl-7ba54012', dynamodb: 'pl-4ca54025' },
  'us-west-1': { s3: 'pl-6ba54002', dynamodb: 'pl-6ea54007' },
  'us-west-2': { s3: 'pl-68a54001', dynamodb: 'pl-00a54069' },
  'eu-west-1': { s3: 'pl-6da54004', dynamodb: 'pl-6fa54006' },
};

/** us-east-1's CIDRs; other regions get the same shape in their own second octets. */
const US_EAST_1: Record<GatewayService, string[]> = {
  s3: ['16.182.0.0/16', '18.34.0.0/19', '18.34.232.0/21', '3.5.0.0/19', '52.216.0.0/15', '54.231.0.0/16'],
  dynamodb: ['3.218.180.0/22', '3.218.184.0/22', '52.119.224.0/20', '52.94.0.0/22'],
};

const digest = (s: string) => createHash('sha256').update(s).digest();

function regionalCidrs(region: string, service: GatewayService): PrefixListEntry[] {
  if (region === 'us-east-1') return US_EAST_1[service].map((cidr) => ({ cidr }));
  const d = digest(`${region}/${service}`);
  // Two /16s and a /20 in 52.x and 54.x, fixed per region and service.
  return [`52.${d[0]! % 256}.0.0/16`, `54.${d[1]! % 256}.0.0/16`, `3.${d[2]! % 256}.${(d[3]! % 16) * 16}.0/20`].sort().map((cidr) => ({ cidr }));
}

const cache = new Map<string, readonly AwsPrefixList[]>();

/** The region's AWS-managed lists, ordered by id. */
export function awsPrefixLists(region: string): readonly AwsPrefixList[] {
  let lists = cache.get(region);
  if (!lists) {
    lists = GATEWAY_SERVICES.map((service) => ({
      id: KNOWN_IDS[region]?.[service] ?? `pl-${digest(`prefix-list/${region}/${service}`).toString('hex').slice(0, 8)}`,
      name: `com.amazonaws.${region}.${service}`,
      service,
      entries: regionalCidrs(region, service),
    })).sort((a, b) => (a.id < b.id ? -1 : 1));
    cache.set(region, lists);
  }
  return lists;
}

export const awsPrefixList = (region: string, id: string) => awsPrefixLists(region).find((l) => l.id === id);

export const awsPrefixListOfService = (region: string, serviceName: string) => awsPrefixLists(region).find((l) => l.name === serviceName);
