/**
 * ClassicLink operations answer as AWS does now that EC2-Classic is retired everywhere:
 * UnsupportedOperation "The functionality you requested is not available in this region."
 * (aws/aws-sdk-java#754, hashicorp/terraform-provider-aws#17460). amazon.aws 5.5.1 ec2_vpc_net reads
 * ClassicLink status after each VPC read and treats exactly this message as "disabled".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DescribeVpcClassicLinkCommand, EnableVpcClassicLinkCommand } from '@aws-sdk/client-ec2';
import { expectCode, useHarness } from './harness.js';

describe('ClassicLink', () => {
  const h = useHarness({ resetEachTest: false });

  it('is not available in any region', async () => {
    const ec2 = h.ec2();
    for (const call of [
      () => ec2.send(new DescribeVpcClassicLinkCommand({})),
      () => ec2.send(new EnableVpcClassicLinkCommand({ VpcId: 'vpc-0123456789abcdef0' })),
    ]) {
      const e = await expectCode(call(), 'UnsupportedOperation');
      assert.equal(e.message, 'The functionality you requested is not available in this region.');
      assert.equal(e.$metadata.httpStatusCode, 400);
    }
    // The module's own check, through boto3.
    const msg = await h.boto3(
      "try:\n  ec2.describe_vpc_classic_link_dns_support()\nexcept botocore.exceptions.ClientError as e:\n  result = e.response['Error']['Message']",
    );
    assert.equal(msg, 'The functionality you requested is not available in this region.');
  });
});
