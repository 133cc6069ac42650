/**
 * ClassicLink: EC2-Classic is retired in every region (EC2 User Guide, "EC2-Classic networking is
 * retiring": the last instances were migrated by 2023-08-15), so AWS answers its operations as a
 * region without EC2-Classic always has: UnsupportedOperation (400) "The functionality you requested
 * is not available in this region." (observed: aws/aws-sdk-java#754 for DescribeVpcClassicLink;
 * hashicorp/terraform-provider-aws#17460 for EnableVpcClassicLink and its DNS variant). amazon.aws
 * 5.5.1 ec2_vpc_net calls DescribeVpcClassicLink after every VPC read and expects exactly this
 * message (it then reports classic_link_enabled: false).
 */
import { Ec2Error } from '../engine/errors.js';
import { handlers } from './handler.js';

const notInThisRegion = (): never => {
  throw new Ec2Error('UnsupportedOperation', 'The functionality you requested is not available in this region.');
};

export const classicLinkHandlers = handlers({
  DescribeVpcClassicLink: notInThisRegion,
  DescribeVpcClassicLinkDnsSupport: notInThisRegion,
  EnableVpcClassicLink: notInThisRegion,
  DisableVpcClassicLink: notInThisRegion,
  EnableVpcClassicLinkDnsSupport: notInThisRegion,
  DisableVpcClassicLinkDnsSupport: notInThisRegion,
});
