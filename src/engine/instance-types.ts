/**
 * The instance-type catalogue: per-type network limits from spec/instance-types.json
 * (1,391 types; sources in spec/README.md: AWS DescribeInstanceTypes dumps, cross-checked with
 * the VPC CNI's generated limits table and the EC2 User Guide).
 */
import { readFileSync } from 'node:fs';

export interface InstanceTypeInfo {
  readonly instanceType: string;
  readonly maxNetworkInterfaces: number;
  readonly ipv4AddressesPerInterface: number;
  readonly ipv6AddressesPerInterface: number | null;
  readonly ipv6Supported: boolean;
  readonly networkCards: number;
  readonly defaultNetworkCardIndex: number;
  readonly networkCardDetails: readonly { readonly networkCardIndex: number; readonly maximumNetworkInterfaces: number }[];
  readonly hypervisor: 'nitro' | 'xen' | null;
  readonly bareMetal: boolean;
  readonly defaultVCpus: number | null;
  readonly memoryMiB: number | null;
  readonly efaSupported: boolean;
  readonly maximumEfaInterfaces: number;
}

let catalogue: Map<string, InstanceTypeInfo> | undefined;

export function instanceTypes(): Map<string, InstanceTypeInfo> {
  if (!catalogue) {
    const rows = JSON.parse(readFileSync(new URL('../../../spec/instance-types.json', import.meta.url), 'utf8')) as InstanceTypeInfo[];
    catalogue = new Map(rows.map((r) => [r.instanceType, r]));
  }
  return catalogue;
}

export function findInstanceType(name: string): InstanceTypeInfo | undefined {
  return instanceTypes().get(name);
}

let largestIpv4: number | undefined;

/**
 * The per-interface IPv4 limit of an interface that is not attached: no instance type applies yet,
 * so the largest per-interface limit of any type bounds it (the type's own limit applies once attached).
 */
export function largestIpv4PerInterface(): number {
  largestIpv4 ??= Math.max(...[...instanceTypes().values()].map((t) => t.ipv4AddressesPerInterface));
  return largestIpv4;
}
