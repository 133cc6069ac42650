/**
 * DescribeAccountAttributes through the SDK, the AWS CLI and boto3.
 *
 * Rules: EC2 API reference, DescribeAccountAttributes (the six attributes; `default-vpc` is the
 * default VPC's id or `none`; its example lists them in this order); values AWS answers for a
 * VPC-only account: supported-platforms VPC, vpc-max-security-groups-per-interface 5, max-elastic-ips 5
 * (awsdocs/aws-doc-sdk-examples#895). The amazon.aws `aws_account_attribute` lookup asks for
 * `supported-platforms` and `default-vpc` (/work/shared/reference/aws-behaviour.md §9).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DescribeAccountAttributesCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { expectCode, useHarness } from './harness.js';

describe('DescribeAccountAttributes', () => {
  const h = useHarness({ quotas: { elasticIpsPerRegion: 7, securityGroupsPerInterface: 8 }, resetEachTest: false });

  it('answers all six attributes from the live quotas and the default VPC', async () => {
    const ec2 = h.ec2('eu-west-1');
    const out = await ec2.send(new DescribeAccountAttributesCommand({}));
    const defaultVpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs![0]!.VpcId!;
    assert.deepEqual(
      out.AccountAttributes!.map((a) => [a.AttributeName, a.AttributeValues!.map((v) => v.AttributeValue)]),
      [
        ['vpc-max-security-groups-per-interface', ['8']],
        ['max-instances', ['20']],
        ['supported-platforms', ['VPC']],
        ['default-vpc', [defaultVpc]],
        ['max-elastic-ips', ['7']],
        ['vpc-max-elastic-ips', ['7']],
      ],
    );
  });

  it('answers the attributes asked for, by the CLI and boto3 as the aws_account_attribute lookup asks', async () => {
    const cli = await h.cli(['describe-account-attributes', '--attribute-names', 'default-vpc', 'max-instances']);
    assert.deepEqual(
      cli.AccountAttributes.map((a: any) => a.AttributeName),
      ['default-vpc', 'max-instances'],
    );
    assert.match(cli.AccountAttributes[0].AttributeValues[0].AttributeValue, /^vpc-[0-9a-f]{17}$/);
    const boto = await h.boto3("result = ec2.describe_account_attributes(AttributeNames=['supported-platforms'])['AccountAttributes']");
    assert.deepEqual(boto, [{ AttributeName: 'supported-platforms', AttributeValues: [{ AttributeValue: 'VPC' }] }]);
    await expectCode(h.ec2().send(new DescribeAccountAttributesCommand({ AttributeNames: ['max-widgets' as 'default-vpc'] })), 'InvalidParameterValue');
  });
});
