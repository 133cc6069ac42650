/**
 * The AWS services a region offers as VPC endpoint services (DescribeVpcEndpointServices): S3 and
 * DynamoDB as Gateway services (S3 also as an Interface service, as AWS lists it), and a set of
 * common Interface services. Owner `amazon`, no acceptance, policies supported, available in every
 * zone of the region; Interface services have a private DNS name (AWS PrivateLink guide, "AWS
 * services that integrate with AWS PrivateLink"). Not state: it follows from the region.
 */
import type { RegionInfo } from './regions.js';

export interface EndpointService {
  readonly name: string;
  readonly type: 'Gateway' | 'Interface';
  readonly service: string;
  /** Names of services outside `com.amazonaws` (SageMaker's notebooks) that AWS also lists. */
  readonly privateDns?: string;
  readonly baseDns?: string;
}

/** Interface services offered in every region here (a common subset of AWS's list). */
const INTERFACE_SERVICES = [
  'ec2',
  'ec2messages',
  'ecr.api',
  'ecr.dkr',
  'elasticloadbalancing',
  'kms',
  'logs',
  'monitoring',
  'secretsmanager',
  'sns',
  'sqs',
  'ssm',
  'ssmmessages',
  'sts',
  's3',
] as const;

/** The region's services, sorted by name then type (AWS's order). */
export function endpointServices(region: RegionInfo): EndpointService[] {
  const out: EndpointService[] = [
    { name: `com.amazonaws.${region.name}.dynamodb`, type: 'Gateway', service: 'dynamodb' },
    { name: `com.amazonaws.${region.name}.s3`, type: 'Gateway', service: 's3' },
    ...INTERFACE_SERVICES.map((s) => ({ name: `com.amazonaws.${region.name}.${s}`, type: 'Interface' as const, service: s })),
    // Listed by AWS under its own namespace, first in name order.
    {
      name: `aws.sagemaker.${region.name}.notebook`,
      type: 'Interface',
      service: 'notebook',
      privateDns: `*.notebook.${region.name}.sagemaker.aws`,
      baseDns: `notebook.${region.name}.vpce.sagemaker.aws`,
    },
  ];
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

export function findEndpointService(region: RegionInfo, name: string, type?: string): EndpointService | undefined {
  const matches = endpointServices(region).filter((s) => s.name === name);
  return type !== undefined ? matches.find((s) => s.type === type) : matches[0];
}

/** `<service>.<region>.amazonaws.com`, the name private DNS resolves to the endpoint (S3 has none by default here). */
export const privateDnsName = (region: RegionInfo, s: EndpointService) =>
  s.privateDns ?? (s.type === 'Interface' ? `${s.service}.${region.name}.amazonaws.com` : undefined);

/** `<service>.<region>.vpce.amazonaws.com`, the regional base of the endpoint-specific DNS names. */
export const baseEndpointDnsName = (region: RegionInfo, s: EndpointService) => s.baseDns ?? `${s.service}.${region.name}.vpce.amazonaws.com`;
