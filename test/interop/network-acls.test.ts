/**
 * Network ACLs through the real clients: the default ACL of every VPC and its rules, custom ACLs,
 * entries with AWS's validation, and the one association every subnet always has.
 *
 * Sources, cited per test:
 * - [ug]: Amazon VPC User Guide, "Control subnet traffic with network access control lists"
 *   (default ACL: rule 100 allow all and `*` deny, both directions, IPv6 rules when the VPC has
 *   IPv6; custom ACL: denies everything until rules are added; rule numbers 1–32766; every subnet
 *   must be associated with a network ACL, the default one unless told otherwise);
 * - [api]: EC2 API reference, CreateNetworkAclEntry (port range for TCP/UDP, ICMP type/code),
 *   ReplaceNetworkAclAssociation, DescribeNetworkAcls (filters);
 * - [obs …]: AWS answers quoted in public threads (named in each test).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteNetworkAclCommand,
  DeleteNetworkAclEntryCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeNetworkAclsCommand,
  ReplaceNetworkAclAssociationCommand,
  ReplaceNetworkAclEntryCommand,
  paginateDescribeNetworkAcls,
  type EC2Client,
  type NetworkAcl,
} from '@aws-sdk/client-ec2';
import { expectCode, expectRefusal, invariants, useHarness } from './harness.js';

async function newVpc(ec2: EC2Client, cidr = '10.0.0.0/16', ipv6 = false): Promise<string> {
  return (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr, AmazonProvidedIpv6CidrBlock: ipv6 }))).Vpc!.VpcId!;
}

async function defaultAcl(ec2: EC2Client, vpcId: string): Promise<NetworkAcl> {
  const { NetworkAcls } = await ec2.send(
    new DescribeNetworkAclsCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'default', Values: ['true'] },
      ],
    }),
  );
  assert.equal(NetworkAcls!.length, 1);
  return NetworkAcls![0]!;
}

async function acl(ec2: EC2Client, id: string): Promise<NetworkAcl> {
  return (await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [id] }))).NetworkAcls![0]!;
}

const allAcls = (ec2: EC2Client) => async () => (await ec2.send(new DescribeNetworkAclsCommand({}))).NetworkAcls;

const brief = (a: NetworkAcl) =>
  a.Entries!.map((e) => `${e.Egress ? 'out' : 'in'} ${e.RuleNumber} ${e.Protocol} ${e.RuleAction} ${e.CidrBlock ?? e.Ipv6CidrBlock}`);

describe('network ACLs (interop)', () => {
  const h = useHarness();
  const ec2 = h.ec2();

  it('every VPC has a default ACL: rule 100 allows all, `*` denies, both directions, IPv6 twins with IPv6 (CLI)', async () => {
    // [ug "Default network ACL"]: the rules as the console and describe-network-acls show them (`*` is rule 32767, its IPv6 twin 32768).
    const vpcs = await h.cli(['describe-vpcs', '--filters', 'Name=is-default,Values=true']);
    const out = await h.cli(['describe-network-acls', '--filters', `Name=vpc-id,Values=${vpcs.Vpcs[0].VpcId}`]);
    assert.equal(out.NetworkAcls.length, 1);
    const d = out.NetworkAcls[0];
    assert.equal(d.IsDefault, true);
    assert.match(d.NetworkAclId, /^acl-[0-9a-f]{17}$/);
    assert.deepEqual(brief(d), ['in 100 -1 allow 0.0.0.0/0', 'in 32767 -1 deny 0.0.0.0/0', 'out 100 -1 allow 0.0.0.0/0', 'out 32767 -1 deny 0.0.0.0/0']);
    // Every default subnet is associated with it.
    const subnets = await h.cli(['describe-subnets', '--filters', `Name=vpc-id,Values=${vpcs.Vpcs[0].VpcId}`]);
    assert.deepEqual(d.Associations.map((a: any) => a.SubnetId).sort(), subnets.Subnets.map((s: any) => s.SubnetId).sort());
    assert.ok(d.Associations.every((a: any) => /^aclassoc-[0-9a-f]{17}$/.test(a.NetworkAclAssociationId) && a.NetworkAclId === d.NetworkAclId));
    const v6 = await defaultAcl(ec2, await newVpc(ec2, '10.0.0.0/16', true));
    assert.deepEqual(brief(v6), [
      'in 100 -1 allow 0.0.0.0/0',
      'in 101 -1 allow ::/0',
      'in 32767 -1 deny 0.0.0.0/0',
      'in 32768 -1 deny ::/0',
      'out 100 -1 allow 0.0.0.0/0',
      'out 101 -1 allow ::/0',
      'out 32767 -1 deny 0.0.0.0/0',
      'out 32768 -1 deny ::/0',
    ]);
    await invariants(h);
  });

  it("entries: create, replace, delete, and AWS's validation (SDK, boto3)", async () => {
    const vpcId = await newVpc(ec2);
    const { NetworkAcl } = await ec2.send(
      new CreateNetworkAclCommand({ VpcId: vpcId, TagSpecifications: [{ ResourceType: 'network-acl', Tags: [{ Key: 'Name', Value: 'web' }] }] }),
    );
    const id = NetworkAcl!.NetworkAclId!;
    // [ug "Custom network ACLs"]: "denies all inbound and outbound traffic until you add rules".
    assert.deepEqual(brief(NetworkAcl!), ['in 32767 -1 deny 0.0.0.0/0', 'out 32767 -1 deny 0.0.0.0/0']);
    assert.equal(NetworkAcl!.IsDefault, false);
    await ec2.send(
      new CreateNetworkAclEntryCommand({
        NetworkAclId: id,
        RuleNumber: 110,
        Protocol: '6',
        RuleAction: 'allow',
        Egress: false,
        CidrBlock: '0.0.0.0/0',
        PortRange: { From: 443, To: 443 },
      }),
    );
    await ec2.send(
      new CreateNetworkAclEntryCommand({
        NetworkAclId: id,
        RuleNumber: 100,
        Protocol: '1',
        RuleAction: 'allow',
        Egress: false,
        CidrBlock: '10.0.0.0/8',
        IcmpTypeCode: { Type: 8, Code: -1 },
      }),
    );
    await ec2.send(
      new CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 100, Protocol: '-1', RuleAction: 'deny', Egress: true, Ipv6CidrBlock: '::/0' }),
    );
    const a = await acl(ec2, id);
    assert.deepEqual(brief(a), [
      'in 100 1 allow 10.0.0.0/8',
      'in 110 6 allow 0.0.0.0/0',
      'in 32767 -1 deny 0.0.0.0/0',
      'out 100 -1 deny ::/0',
      'out 32767 -1 deny 0.0.0.0/0',
    ]);
    assert.deepEqual(a.Entries![1]!.PortRange, { From: 443, To: 443 });
    assert.deepEqual(a.Entries![0]!.IcmpTypeCode, { Type: 8, Code: -1 });
    // [obs ansible-collections/amazon.aws#2592]: "The network acl entry identified by 100 already exists."
    const dup = await expectRefusal(
      h,
      allAcls(ec2),
      () =>
        ec2.send(
          new CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' }),
        ),
      'NetworkAclEntryAlreadyExists',
    );
    assert.equal(dup.message, 'The network acl entry identified by 100 already exists.');
    // [ug]: rule numbers 1–32766; observed "Value (32767) for parameter ruleNumber is invalid. Rulenumber must be in range 1..32766".
    const range = await h.boto3(`
try:
    ec2.create_network_acl_entry(NetworkAclId='${id}', RuleNumber=32767, Protocol='-1', RuleAction='allow', Egress=False, CidrBlock='0.0.0.0/0')
except botocore.exceptions.ClientError as e:
    result = e.response['Error']`);
    assert.deepEqual(range, {
      Code: 'InvalidParameterValue',
      Message: 'Value (32767) for parameter ruleNumber is invalid. Rulenumber must be in range 1..32766',
    });
    // [api CreateNetworkAclEntry]: TCP/UDP need a port range, ICMP a type and code; exactly one of CidrBlock and Ipv6CidrBlock.
    await expectRefusal(
      h,
      allAcls(ec2),
      () =>
        ec2.send(
          new CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 120, Protocol: '17', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' }),
        ),
      'MissingParameter',
    );
    await expectRefusal(
      h,
      allAcls(ec2),
      () =>
        ec2.send(
          new CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 120, Protocol: '1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' }),
        ),
      'MissingParameter',
    );
    await expectRefusal(
      h,
      allAcls(ec2),
      () =>
        ec2.send(
          new CreateNetworkAclEntryCommand({
            NetworkAclId: id,
            RuleNumber: 120,
            Protocol: '6',
            RuleAction: 'allow',
            Egress: false,
            CidrBlock: '0.0.0.0/0',
            PortRange: { From: 90, To: 80 },
          }),
        ),
      'InvalidParameterValue',
    );
    await expectRefusal(
      h,
      allAcls(ec2),
      () => ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 120, Protocol: '-1', RuleAction: 'allow', Egress: false })),
      'InvalidParameterCombination',
    );
    await expectRefusal(
      h,
      allAcls(ec2),
      () =>
        ec2.send(
          new CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 120, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '10.0.0.0/33' }),
        ),
      'InvalidParameterValue',
    );
    await expectRefusal(
      h,
      allAcls(ec2),
      () =>
        ec2.send(
          new CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 120, Protocol: '300', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' }),
        ),
      'InvalidParameterValue',
    );
    // Replace keeps the slot; a missing slot is InvalidNetworkAclEntry.NotFound.
    await ec2.send(
      new ReplaceNetworkAclEntryCommand({
        NetworkAclId: id,
        RuleNumber: 110,
        Protocol: '6',
        RuleAction: 'deny',
        Egress: false,
        CidrBlock: '192.168.0.0/16',
        PortRange: { From: 22, To: 22 },
      }),
    );
    assert.deepEqual(brief(await acl(ec2, id))[1], 'in 110 6 deny 192.168.0.0/16');
    await expectRefusal(
      h,
      allAcls(ec2),
      () =>
        ec2.send(
          new ReplaceNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 111, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' }),
        ),
      'InvalidNetworkAclEntry.NotFound',
    );
    await ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 110, Egress: false }));
    await expectRefusal(
      h,
      allAcls(ec2),
      () => ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 110, Egress: false })),
      'InvalidNetworkAclEntry.NotFound',
    );
    // The `*` rule cannot be touched: its number is outside 1–32766.
    await expectRefusal(
      h,
      allAcls(ec2),
      () => ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 32767, Egress: false })),
      'InvalidParameterValue',
    );
    await expectCode(
      ec2.send(
        new CreateNetworkAclEntryCommand({
          NetworkAclId: 'acl-0123456789abcdef0',
          RuleNumber: 1,
          Protocol: '-1',
          RuleAction: 'allow',
          Egress: false,
          CidrBlock: '0.0.0.0/0',
        }),
      ),
      'InvalidNetworkAclID.NotFound',
    );
    await expectCode(ec2.send(new DeleteNetworkAclCommand({ NetworkAclId: 'acl-zz' })), 'InvalidNetworkAclId.Malformed');
    await invariants(h);
  });

  it('associations: each subnet has exactly one, moved with ReplaceNetworkAclAssociation; deletions and their refusals (SDK, CLI)', async () => {
    // [ug "Network ACL basics"]: "Each subnet in your VPC must be associated with a network ACL. If you don't
    // explicitly associate a subnet with a network ACL, the subnet is automatically associated with the default network ACL."
    const vpcId = await newVpc(ec2);
    const other = await newVpc(ec2, '10.9.0.0/16');
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24' }))).Subnet!.SubnetId!;
    const dflt = await defaultAcl(ec2, vpcId);
    assert.deepEqual(
      dflt.Associations!.map((a) => a.SubnetId),
      [subnet],
    );
    const custom = (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId }))).NetworkAcl!.NetworkAclId!;
    const foreign = (await ec2.send(new CreateNetworkAclCommand({ VpcId: other }))).NetworkAcl!.NetworkAclId!;
    const assocId = dflt.Associations![0]!.NetworkAclAssociationId!;
    await expectRefusal(
      h,
      allAcls(ec2),
      () => ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assocId, NetworkAclId: foreign })),
      'InvalidParameterValue',
    );
    const { NewAssociationId } = await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assocId, NetworkAclId: custom }));
    assert.notEqual(NewAssociationId, assocId);
    const bySubnet = await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnet] }] }));
    assert.deepEqual(
      bySubnet.NetworkAcls!.map((a) => a.NetworkAclId),
      [custom],
    );
    await expectCode(ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assocId, NetworkAclId: custom })), 'InvalidAssociationID.NotFound');
    // A used ACL, the default ACL, and a VPC with a custom ACL cannot be deleted.
    const used = await expectRefusal(h, allAcls(ec2), () => ec2.send(new DeleteNetworkAclCommand({ NetworkAclId: custom })), 'DependencyViolation');
    assert.equal(used.message, `The networkAcl '${custom}' has dependencies and cannot be deleted.`);
    const d = await expectRefusal(h, allAcls(ec2), () => ec2.send(new DeleteNetworkAclCommand({ NetworkAclId: dflt.NetworkAclId })), 'InvalidParameterValue');
    assert.equal(d.message, `cannot delete default network ACL ${dflt.NetworkAclId}`);
    await expectRefusal(h, allAcls(ec2), () => ec2.send(new DeleteVpcCommand({ VpcId: other })), 'DependencyViolation');
    // DeleteSubnet takes its association; then the custom ACL can go, and the VPC with its default ACL.
    await ec2.send(new DeleteSubnetCommand({ SubnetId: subnet }));
    await h.cli(['delete-network-acl', '--network-acl-id', custom]);
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
    assert.deepEqual((await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).NetworkAcls, []);
    await invariants(h);
  });

  it('DescribeNetworkAcls: entry filters, pagination, ClientToken (SDK)', async () => {
    const vpcId = await newVpc(ec2);
    for (let k = 0; k < 5; k++) await ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId }));
    const withRule = (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId }))).NetworkAcl!.NetworkAclId!;
    await ec2.send(
      new CreateNetworkAclEntryCommand({
        NetworkAclId: withRule,
        RuleNumber: 200,
        Protocol: '6',
        RuleAction: 'allow',
        Egress: true,
        CidrBlock: '10.1.0.0/16',
        PortRange: { From: 80, To: 81 },
      }),
    );
    const f = await ec2.send(
      new DescribeNetworkAclsCommand({
        Filters: [
          { Name: 'entry.port-range.from', Values: ['80'] },
          { Name: 'entry.egress', Values: ['true'] },
          { Name: 'entry.cidr', Values: ['10.1.*'] },
        ],
      }),
    );
    assert.deepEqual(
      f.NetworkAcls!.map((a) => a.NetworkAclId),
      [withRule],
    );
    const seen: string[] = [];
    for await (const page of paginateDescribeNetworkAcls({ client: ec2, pageSize: 5 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))
      seen.push(...page.NetworkAcls!.map((a) => a.NetworkAclId!));
    assert.equal(new Set(seen).size, 7);
    const a = await ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId, ClientToken: 'acl-token' }));
    const b = await ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId, ClientToken: 'acl-token' }));
    assert.equal(a.NetworkAcl!.NetworkAclId, b.NetworkAcl!.NetworkAclId);
    await invariants(h);
  });
});
