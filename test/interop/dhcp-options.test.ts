/**
 * DHCP options sets through the real clients: the account's default set, custom sets, association
 * with VPCs (and `default`, meaning none), deletion rules.
 *
 * Sources: Amazon VPC User Guide, "DHCP option sets in Amazon VPC" (the default set holds
 * `domain-name-servers=AmazonProvidedDNS` and `domain-name=ec2.internal` in us-east-1,
 * `<region>.compute.internal` elsewhere; a VPC uses one set or none; a set in use cannot be deleted);
 * EC2 API reference, CreateDhcpOptions / AssociateDhcpOptions ("specify default to associate no DHCP
 * options with the VPC") / DescribeDhcpOptions (filters); aws-behaviour.md §2 (the default VPC uses the default set).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AssociateDhcpOptionsCommand,
  CreateDhcpOptionsCommand,
  CreateVpcCommand,
  DeleteDhcpOptionsCommand,
  DescribeDhcpOptionsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import { expectCode, expectRefusal, invariants, useHarness } from './harness.js';

describe('DHCP options sets (interop)', () => {
  const h = useHarness();
  const ec2 = h.ec2();

  const allSets = () => async () => (await ec2.send(new DescribeDhcpOptionsCommand({}))).DhcpOptions;

  it("the default set: AmazonProvidedDNS and the region's internal domain, used by the default VPC and new VPCs (CLI)", async () => {
    for (const [region, domain] of [
      ['us-east-1', 'ec2.internal'],
      ['eu-west-1', 'eu-west-1.compute.internal'],
    ] as const) {
      const vpcs = await h.cli(['describe-vpcs'], region);
      const id = vpcs.Vpcs[0].DhcpOptionsId;
      const out = await h.cli(['describe-dhcp-options', '--dhcp-options-ids', id], region);
      assert.deepEqual(out.DhcpOptions, [
        {
          DhcpConfigurations: [
            { Key: 'domain-name', Values: [{ Value: domain }] },
            { Key: 'domain-name-servers', Values: [{ Value: 'AmazonProvidedDNS' }] },
          ],
          DhcpOptionsId: id,
          OwnerId: '123456789012',
          Tags: [],
        },
      ]);
      const created = await h.cli(['create-vpc', '--cidr-block', '10.0.0.0/16'], region);
      assert.equal(created.Vpc.DhcpOptionsId, id);
    }
    await invariants(h);
  });

  it('create, associate (and `default`), describe with filters, delete; a set in use cannot be deleted (SDK, boto3)', async () => {
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    const { DhcpOptions } = await ec2.send(
      new CreateDhcpOptionsCommand({
        DhcpConfigurations: [
          { Key: 'domain-name', Values: ['corp.example'] },
          { Key: 'domain-name-servers', Values: ['10.0.0.2', '10.0.0.3'] },
        ],
        TagSpecifications: [{ ResourceType: 'dhcp-options', Tags: [{ Key: 'Name', Value: 'corp' }] }],
      }),
    );
    const id = DhcpOptions!.DhcpOptionsId!;
    assert.match(id, /^dopt-[0-9a-f]{17}$/);
    assert.deepEqual(DhcpOptions!.DhcpConfigurations, [
      { Key: 'domain-name', Values: [{ Value: 'corp.example' }] },
      { Key: 'domain-name-servers', Values: [{ Value: '10.0.0.2' }, { Value: '10.0.0.3' }] },
    ]);
    await ec2.send(new AssociateDhcpOptionsCommand({ DhcpOptionsId: id, VpcId: vpcId }));
    const vpc = async () => (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs![0]!;
    assert.equal((await vpc()).DhcpOptionsId, id);
    const byVpcFilter = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'dhcp-options-id', Values: [id] }] }));
    assert.deepEqual(
      byVpcFilter.Vpcs!.map((v) => v.VpcId),
      [vpcId],
    );
    const filtered = await ec2.send(
      new DescribeDhcpOptionsCommand({
        Filters: [
          { Name: 'key', Values: ['domain-name'] },
          { Name: 'value', Values: ['corp.*'] },
        ],
      }),
    );
    assert.deepEqual(
      filtered.DhcpOptions!.map((d) => d.DhcpOptionsId),
      [id],
    );
    const tagged = await ec2.send(new DescribeDhcpOptionsCommand({ Filters: [{ Name: 'tag:Name', Values: ['corp'] }] }));
    assert.deepEqual(
      tagged.DhcpOptions!.map((d) => d.DhcpOptionsId),
      [id],
    );
    const inUse = await expectRefusal(h, allSets(), () => ec2.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: id })), 'DependencyViolation');
    assert.equal(inUse.message, `The dhcpOptions '${id}' has dependencies and cannot be deleted.`);
    // `default`: no set at all.
    await h.boto3(`ec2.associate_dhcp_options(DhcpOptionsId='default', VpcId='${vpcId}')`);
    assert.equal((await vpc()).DhcpOptionsId, 'default');
    await ec2.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: id }));
    await expectCode(ec2.send(new DescribeDhcpOptionsCommand({ DhcpOptionsIds: [id] })), 'InvalidDhcpOptionID.NotFound');
    await expectCode(ec2.send(new AssociateDhcpOptionsCommand({ DhcpOptionsId: id, VpcId: vpcId })), 'InvalidDhcpOptionID.NotFound');
    await expectCode(ec2.send(new DescribeDhcpOptionsCommand({ DhcpOptionsIds: ['dopt-nothex'] })), 'InvalidDhcpOptionsId.Malformed');
    // Bad configurations change nothing.
    await expectRefusal(
      h,
      allSets(),
      () => ec2.send(new CreateDhcpOptionsCommand({ DhcpConfigurations: [{ Key: 'bogus', Values: ['x'] }] })),
      'InvalidParameterValue',
    );
    await expectRefusal(
      h,
      allSets(),
      () => ec2.send(new CreateDhcpOptionsCommand({ DhcpConfigurations: [{ Key: 'netbios-node-type', Values: ['3'] }] })),
      'InvalidParameterValue',
    );
    await expectRefusal(
      h,
      allSets(),
      () =>
        ec2.send(
          new CreateDhcpOptionsCommand({ DhcpConfigurations: [{ Key: 'ntp-servers', Values: ['1.1.1.1', '1.1.1.2', '1.1.1.3', '1.1.1.4', '1.1.1.5'] }] }),
        ),
      'InvalidParameterValue',
    );
    await invariants(h);
  });
});
