/**
 * The workloads: a name, a setup run once per server (creates what the requests need, through the
 * same Query API) and the body of request i. Adding one is an entry in WORKLOADS, e.g.
 *
 *   { name: 'DescribeSubnets by id', expect: '<subnetId>', setup: async (api) => {
 *       const vpc = await api.vpc('10.0.0.0/16'); const s = await api.subnet(vpc, '10.0.0.0/24');
 *       return fixed(form('DescribeSubnets', { 'SubnetId.1': s })); } },
 *
 * Request indexes are unique within a server's run (warm-up included), so creates can derive
 * distinct CIDRs or names from i.
 */
import { form, xmlField } from './http.js';

export interface Api {
  /** Sends one request; resolves with the XML of a 200, rejects with the error document otherwise. */
  call(action: string, params?: Record<string, string | number>): Promise<string>;
  /** CreateVpc; resolves with the VpcId. */
  vpc(cidr: string): Promise<string>;
  /** CreateSubnet; resolves with the SubnetId. */
  subnet(vpcId: string, cidr: string): Promise<string>;
}

export interface Workload {
  readonly name: string;
  /** Text every successful answer contains. */
  readonly expect: string;
  /** Prepares the server for `total` requests; returns the body of request i (0 ≤ i < total). */
  setup(api: Api, total: number): Promise<(i: number) => string>;
}

const fixed = (body: string) => () => body;

/** /28 subnets per /16 VPC. */
const PER_VPC = 4096;

export const WORKLOADS: readonly Workload[] = [
  {
    name: 'DescribeVpcs by id',
    expect: '<vpcId>',
    setup: async (api) => fixed(form('DescribeVpcs', { 'VpcId.1': await api.vpc('10.0.0.0/16') })),
  },
  {
    name: 'CreateSubnet /28',
    expect: '<subnetId>',
    setup: async (api, total) => {
      // 4096 distinct /28s per /16: a fresh VPC for each 4096 requests.
      const vpcs: string[] = [];
      for (let n = 0; n < Math.ceil(total / PER_VPC); n++) vpcs.push(await api.vpc('10.0.0.0/16'));
      return (i) => {
        const k = i % PER_VPC;
        return form('CreateSubnet', { VpcId: vpcs[Math.floor(i / PER_VPC)]!, CidrBlock: `10.0.${k >> 4}.${(k & 15) * 16}/28` });
      };
    },
  },
];

export function apiFor(call: Api['call']): Api {
  const id = (xml: string, tag: string) => {
    const v = xmlField(xml, tag);
    if (v === undefined) throw new Error(`no <${tag}> in answer: ${xml.slice(0, 300)}`);
    return v;
  };
  return {
    call,
    vpc: async (cidr) => id(await call('CreateVpc', { CidrBlock: cidr }), 'vpcId'),
    subnet: async (vpcId, cidr) => id(await call('CreateSubnet', { VpcId: vpcId, CidrBlock: cidr }), 'subnetId'),
  };
}
