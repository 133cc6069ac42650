/**
 * DescribeAccountAttributes, from the live quotas and the region's default VPC.
 *
 * Attributes and values (EC2 API reference, DescribeAccountAttributes, and its example "Describe
 * all attributes", which lists them in the order used here):
 * - `supported-platforms`: `VPC` alone — EC2-Classic is retired, accounts have only EC2-VPC.
 * - `default-vpc`: the default VPC's id, or `none`.
 * - `max-instances`: "no longer supported … does not reflect your actual vCPU limit"; ec2net has no
 *   instance-count limit, so it answers 20, the value the reference's example shows.
 * - `vpc-max-security-groups-per-interface`: the security-groups-per-interface quota (5).
 * - `max-elastic-ips`, `vpc-max-elastic-ips`: the Elastic IP quota (5), one pool since EC2-Classic ended.
 * The model's enum names only two of the six; AWS (and so the decoder, see OPEN_ENUMS) takes all six.
 */
import type { RegionState } from '../engine/cloud.js';
import { invalidParam } from '../engine/errors.js';
import { handlers } from './handler.js';

/** What max-instances reports (see above). */
const MAX_INSTANCES_ATTRIBUTE = 20;

const ATTRIBUTES: Readonly<Record<string, (region: RegionState) => string[]>> = {
  'vpc-max-security-groups-per-interface': (r) => [String(r.cloud.quotas.securityGroupsPerInterface)],
  'max-instances': () => [String(MAX_INSTANCES_ATTRIBUTE)],
  'supported-platforms': () => ['VPC'],
  'default-vpc': (r) => [r.defaultVpc()?.id ?? 'none'],
  'max-elastic-ips': (r) => [String(r.cloud.quotas.elasticIpsPerRegion)],
  'vpc-max-elastic-ips': (r) => [String(r.cloud.quotas.elasticIpsPerRegion)],
};

export const accountAttributeHandlers = handlers({
  DescribeAccountAttributes: (ctx, input) => {
    const asked = input.AttributeNames as readonly string[] | undefined;
    const names = asked && asked.length > 0 ? [...new Set(asked)] : Object.keys(ATTRIBUTES);
    for (const name of names) {
      if (!Object.prototype.hasOwnProperty.call(ATTRIBUTES, name)) throw invalidParam(name, 'attributeName', 'Unknown attribute.');
    }
    return {
      AccountAttributes: names.map((name) => ({
        AttributeName: name,
        AttributeValues: ATTRIBUTES[name]!(ctx.region).map((AttributeValue) => ({ AttributeValue })),
      })),
    };
  },
});
