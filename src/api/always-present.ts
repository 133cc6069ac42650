/**
 * Elements AWS sends even when they hold nothing, per output shape (the model's shape names): the
 * encoder writes them as an empty element (`<tagSet/>`) when a handler leaves them out, so no handler
 * has to remember. Everything else that is absent or empty is left out, as AWS leaves out most
 * elements. Each entry has its evidence: a capture of AWS's answer, or a client that indexes the
 * element directly and works against AWS.
 *
 * Deliberately not here: `tagSet` of subnets, VPCs, security groups, instances and addresses. An
 * untagged subnet comes back from AWS without `Tags` (a `describe-subnets` capture,
 * pastebin.com/X53ZBF3b, shows `Ipv6CidrBlockAssociationSet: []` and no `Tags`), and the clients
 * read those with `.get('Tags')` or `'tags' in …` (amazon.aws ec2_vpc_subnet, ec2_security_group).
 * Nor the `Tags` of `Snapshot` and `Volume`: only their create answers are shown with an empty set
 * (the CreateSnapshot and CreateVolume handlers add it), their Describe answers are not.
 */
export const ALWAYS_PRESENT: Readonly<Record<string, readonly string[]>> = {
  // amazon.aws 5.5.1 ec2_vpc_igw_info reads internet_gateway['Tags'] and ['Attachments'] for every
  // gateway; AWS answers an untagged, detached gateway with both empty (lyft/cartography's recorded
  // DescribeInternetGateways data: "Tags": []).
  InternetGateway: ['Attachments', 'Tags'],
  // describe-subnets captures (pastebin.com/X53ZBF3b; cloud-custodian's recorded DescribeSubnets)
  // show `Ipv6CidrBlockAssociationSet: []` on subnets without IPv6; so does the AWS CLI reference's
  // create-subnet example.
  Subnet: ['Ipv6CidrBlockAssociationSet'],
  // amazon.aws ec2_eni_info reads network_interface['TagSet'] for every interface.
  NetworkInterface: ['TagSet'],
  // amazon.aws ec2_security_group reads group['IpPermissions'] and group['IpPermissionsEgress'].
  SecurityGroup: ['IpPermissions', 'IpPermissionsEgress'],
  // amazon.aws ec2_instance reads instance['NetworkInterfaces'] when it compares interfaces.
  Instance: ['NetworkInterfaces'],
};
