/**
 * ClassicLink was retired with EC2-Classic (2023): where it does not exist, AWS answers its
 * Describe calls with UnsupportedOperation "The functionality you requested is not available in
 * this region." — the answer clients expect (Terraform's aws_vpc and Ansible's ec2_vpc_net read it
 * as "ClassicLink off").
 */
import { Ec2Error } from '../engine/errors.js';
import { handlers } from './handler.js';

const retired = () => new Ec2Error('UnsupportedOperation', 'The functionality you requested is not available in this region.');

export const classicLinkHandlers = handlers({
  DescribeVpcClassicLink: () => {
    throw retired();
  },
  DescribeVpcClassicLinkDnsSupport: () => {
    throw retired();
  },
});
