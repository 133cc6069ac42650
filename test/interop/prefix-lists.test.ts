/**
 * Prefix lists through the real clients.
 *
 * Sources, cited per test:
 * - [api]: EC2 API reference, DescribePrefixLists ("available AWS services in a prefix list format"),
 *   DescribeManagedPrefixLists, GetManagedPrefixListEntries, GetManagedPrefixListAssociations,
 *   CreateManagedPrefixList (MaxEntries and AddressFamily required; "The name cannot start with
 *   com.amazonaws"), ModifyManagedPrefixList (CurrentVersion), CreateRoute (DestinationPrefixListId);
 * - [ug]: Amazon VPC User Guide, "Managed prefix lists" (AWS-managed lists owned by AWS; quotas:
 *   1,000 entries per list; a referenced list cannot be deleted);
 * - [obs …]: AWS answers quoted in public threads (named in each test).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DeleteManagedPrefixListCommand,
  DeleteRouteCommand,
  DescribeManagedPrefixListsCommand,
  DescribePrefixListsCommand,
  DescribeRouteTablesCommand,
  GetManagedPrefixListAssociationsCommand,
  GetManagedPrefixListEntriesCommand,
  ModifyManagedPrefixListCommand,
  RestoreManagedPrefixListVersionCommand,
  RevokeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  AttachInternetGatewayCommand,
} from '@aws-sdk/client-ec2';
import { expectCode, expectRefusal, invariants, useHarness } from './harness.js';

describe('prefix lists', () => {
  const h = useHarness();
  const ec2 = h.ec2();

  it('AWS-managed lists: com.amazonaws.<region>.s3 and .dynamodb, owned by AWS, the same ids in every account (CLI, boto3) [api][ug]', async () => {
    const out = await h.cli(['describe-prefix-lists']);
    assert.deepEqual(
      out.PrefixLists.map((p: { PrefixListName: string; PrefixListId: string }) => [p.PrefixListName, p.PrefixListId]),
      [
        ['com.amazonaws.us-east-1.dynamodb', 'pl-02cd2c6b'],
        ['com.amazonaws.us-east-1.s3', 'pl-63a5400a'],
      ],
    );
    assert.ok(out.PrefixLists.every((p: { Cidrs: string[] }) => p.Cidrs.length > 0));
    const other = await h.boto3(
      "result = ec2.describe_managed_prefix_lists(Filters=[{'Name': 'prefix-list-name', 'Values': ['com.amazonaws.eu-west-1.s3']}])['PrefixLists']",
      'eu-west-1',
      '111122223333',
    );
    assert.equal(other.length, 1);
    assert.equal(other[0].OwnerId, 'AWS');
    assert.equal(other[0].PrefixListId, 'pl-6da54004');
    assert.equal(other[0].PrefixListArn, 'arn:aws:ec2:eu-west-1:aws:prefix-list/pl-6da54004');
    const entries = await ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: 'pl-63a5400a' }));
    assert.deepEqual(
      entries.Entries!.map((e) => e.Cidr),
      out.PrefixLists[1].Cidrs,
    );
    // AWS-managed lists cannot be changed or deleted.
    await expectCode(ec2.send(new DeleteManagedPrefixListCommand({ PrefixListId: 'pl-63a5400a' })), 'InvalidPrefixListModification');
    await expectCode(ec2.send(new DescribePrefixListsCommand({ PrefixListIds: ['pl-0123456789abcdef0'] })), 'InvalidPrefixListID.NotFound');
  });

  it('customer lists: versions, MaxEntries, entries and max entries not together, stale versions refused, restore (SDK) [api][obs]', async () => {
    const created = await ec2.send(
      new CreateManagedPrefixListCommand({
        PrefixListName: 'corp',
        AddressFamily: 'IPv4',
        MaxEntries: 2,
        Entries: [{ Cidr: '10.1.0.0/16', Description: 'office' }],
        TagSpecifications: [{ ResourceType: 'prefix-list', Tags: [{ Key: 'team', Value: 'net' }] }],
      }),
    );
    const pl = created.PrefixList!;
    assert.equal(pl.State, 'create-complete');
    assert.equal(pl.Version, 1);
    assert.equal(pl.MaxEntries, 2);
    assert.equal(pl.OwnerId, '123456789012');
    const all = async () => (await ec2.send(new DescribeManagedPrefixListsCommand({}))).PrefixLists;
    // [api] "The name cannot start with com.amazonaws"; MaxEntries is bounded by the quota [ug].
    await expectRefusal(
      h,
      all,
      () => ec2.send(new CreateManagedPrefixListCommand({ PrefixListName: 'com.amazonaws.x', AddressFamily: 'IPv4', MaxEntries: 1 })),
      'InvalidParameterValue',
    );
    await expectRefusal(
      h,
      all,
      () => ec2.send(new CreateManagedPrefixListCommand({ PrefixListName: 'x', AddressFamily: 'IPv4', MaxEntries: 1001 })),
      'InvalidParameterValue',
    );
    await expectRefusal(
      h,
      all,
      () => ec2.send(new CreateManagedPrefixListCommand({ PrefixListName: 'x', AddressFamily: 'IPv6', MaxEntries: 1, Entries: [{ Cidr: '10.0.0.0/8' }] })),
      'InvalidParameterValue',
    );
    const id = pl.PrefixListId!;
    const modified = await ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: id, CurrentVersion: 1, AddEntries: [{ Cidr: '10.2.0.0/16' }] }));
    assert.equal(modified.PrefixList!.Version, 2);
    // Past MaxEntries, a stale version [obs pulumi/pulumi-aws#1784], entries with MaxEntries
    // [obs hashicorp/terraform-provider-aws#26034]: refused, nothing changes.
    await expectRefusal(
      h,
      all,
      () => ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: id, CurrentVersion: 2, AddEntries: [{ Cidr: '10.3.0.0/16' }] })),
      'InvalidParameterValue',
    );
    const stale = await expectRefusal(
      h,
      all,
      () => ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: id, CurrentVersion: 1, RemoveEntries: [{ Cidr: '10.2.0.0/16' }] })),
      'InvalidParameterValue',
    );
    assert.equal(stale.message, 'The specified value for version is not valid. The value must be greater than (1).');
    const both = await expectRefusal(
      h,
      all,
      () => ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: id, CurrentVersion: 2, MaxEntries: 5, AddEntries: [{ Cidr: '10.3.0.0/16' }] })),
      'InvalidParameterCombination',
    );
    assert.equal(both.message, 'You cannot modify the entries and the maximum entries for the prefix list in the same request.');
    await ec2.send(new ModifyManagedPrefixListCommand({ PrefixListId: id, MaxEntries: 5 }));
    const v1 = await ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId: id, TargetVersion: 1 }));
    assert.deepEqual(
      v1.Entries!.map((e) => [e.Cidr, e.Description]),
      [['10.1.0.0/16', 'office']],
    );
    const restored = await ec2.send(new RestoreManagedPrefixListVersionCommand({ PrefixListId: id, PreviousVersion: 1, CurrentVersion: 2 }));
    assert.equal(restored.PrefixList!.Version, 3);
    const now = await h.cli(['get-managed-prefix-list-entries', '--prefix-list-id', id]);
    assert.deepEqual(
      now.Entries.map((e: { Cidr: string }) => e.Cidr),
      ['10.1.0.0/16'],
    );
    const tagged = await ec2.send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'tag:team', Values: ['net'] }] }));
    assert.deepEqual(
      tagged.PrefixLists!.map((p) => p.PrefixListId),
      [id],
    );
    await invariants(h);
  });

  it('a list is a route destination and a security group peer; referenced, it cannot be deleted (SDK, CLI) [api][ug]', async () => {
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
    const rtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    const id = (
      await ec2.send(
        new CreateManagedPrefixListCommand({ PrefixListName: 'partners', AddressFamily: 'IPv4', MaxEntries: 3, Entries: [{ Cidr: '198.51.100.0/24' }] }),
      )
    ).PrefixList!.PrefixListId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationPrefixListId: id, GatewayId: igw }));
    const routes = (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0]!.Routes!;
    assert.deepEqual(
      routes.filter((r) => r.DestinationPrefixListId === id).map((r) => [r.GatewayId, r.State, r.Origin]),
      [[igw, 'active', 'CreateRoute']],
    );
    // An unknown list: "The prefix list ID 'pl-…' does not exist".
    const unknown = await expectCode(
      ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationPrefixListId: 'pl-0123456789abcdef0', GatewayId: igw })),
      'InvalidPrefixListID.NotFound',
    );
    assert.equal(unknown.message, "The prefix list ID 'pl-0123456789abcdef0' does not exist");
    const sg = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'web', Description: 'web' }))).GroupId!;
    const perm = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: id }] };
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: [perm] }));
    const assoc = await ec2.send(new GetManagedPrefixListAssociationsCommand({ PrefixListId: id }));
    assert.deepEqual(assoc.PrefixListAssociations!.map((a) => a.ResourceId).sort(), [rtb, sg].sort());
    const lists = async () => (await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [id] }))).PrefixLists;
    await expectRefusal(h, lists, () => ec2.send(new DeleteManagedPrefixListCommand({ PrefixListId: id })), 'InvalidPrefixListModification');
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: [perm] }));
    await h.cli(['delete-route', '--route-table-id', rtb, '--destination-prefix-list-id', id]);
    const deleted = await ec2.send(new DeleteManagedPrefixListCommand({ PrefixListId: id }));
    assert.equal(deleted.PrefixList!.State, 'delete-complete');
    await expectCode(ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: [id] })), 'InvalidPrefixListID.NotFound');
    await expectCode(ec2.send(new DeleteRouteCommand({ RouteTableId: rtb, DestinationPrefixListId: id })), 'InvalidRoute.NotFound');
    await invariants(h);
  });
});
