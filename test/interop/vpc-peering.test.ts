/**
 * VPC peering connections through the real clients: two accounts (an access key of 12 digits
 * selects that account) and two regions (the SigV4 credential scope), one connection seen from both.
 *
 * Sources, cited per test:
 * - [life]: VPC Peering Guide, "VPC peering connection lifecycle" (states, who may act in each,
 *   how long an ended connection stays visible to each side);
 * - [acc]: "Accept or reject a VPC peering connection" ("You can't accept a VPC peering connection
 *   request that you sent to another AWS account"; accepted in the accepter's region);
 * - [del]: "Delete a VPC peering connection" (either owner; deleting a VPC);
 * - [lim]: "VPC peering limitations" (overlapping blocks; tags only in the account or region where
 *   they are made);
 * - [api]: EC2 API reference: CreateVpcPeeringConnection (overlap → `failed`), VpcPeeringConnection
 *   ("CIDR block information is only returned when describing an active VPC peering connection"),
 *   DescribeVpcPeeringConnections (filters), CreateRoute (VpcPeeringConnectionId), Route.State;
 * - [ans]: community.aws 5.5.0's ec2_vpc_peer integration target, written against AWS (which
 *   VpcInfo members appear in each state);
 * - [obs]: the failed-status message as AWS shows it (quoted in terraform reports: "Failed due to
 *   incorrect VPC-ID, Account ID, or overlapping CIDR range"); moto's account/region refusals.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  AcceptVpcPeeringConnectionCommand,
  CreateRouteCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteVpcCommand,
  DeleteVpcPeeringConnectionCommand,
  DescribeRouteTablesCommand,
  DescribeVpcPeeringConnectionsCommand,
  ModifyVpcAttributeCommand,
  ModifyVpcPeeringConnectionOptionsCommand,
  RejectVpcPeeringConnectionCommand,
  type EC2Client,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { expectCode, expectRefusal, fastCliWaiters, invariants, until, useHarness } from './harness.js';

const OWNER = '111111111111';
const PEER = '222222222222';

const vpc = async (ec2: EC2Client, cidr: string) => (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
const pcx = async (ec2: EC2Client, id: string): Promise<VpcPeeringConnection | undefined> =>
  (await ec2.send(new DescribeVpcPeeringConnectionsCommand({ Filters: [{ Name: 'vpc-peering-connection-id', Values: [id] }] }))).VpcPeeringConnections![0];
const inState = async (ec2: EC2Client, id: string, code: string): Promise<VpcPeeringConnection> =>
  (await until(
    () => pcx(ec2, id),
    (c) => c?.Status?.Code === code,
    `${id} ${code}`,
  ))!;
const mainTable = async (ec2: EC2Client, vpcId: string) =>
  (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).RouteTables![0]!.RouteTableId!;
const routeTo = async (ec2: EC2Client, rtb: string, dest: string) =>
  (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0]!.Routes!.find((r) => r.DestinationCidrBlock === dest);

describe('VPC peering connections (interop)', () => {
  before(() => fastCliWaiters());
  const h = useHarness();
  const mine = h.ec2('us-east-1', OWNER);
  const theirs = h.ec2('us-east-1', PEER);
  const west = h.ec2('us-west-2', OWNER);

  it('[life][acc][api][ans] across accounts: requested, seen by both, accepted by the accepter only; routes turn active (SDK, CLI waiter)', async () => {
    const x = await vpc(mine, '10.0.0.0/16');
    const y = await vpc(theirs, '10.1.0.0/16');
    const created = (
      await mine.send(
        new CreateVpcPeeringConnectionCommand({
          VpcId: x,
          PeerVpcId: y,
          PeerOwnerId: PEER,
          TagSpecifications: [{ ResourceType: 'vpc-peering-connection', Tags: [{ Key: 'Name', Value: 'x-to-y' }] }],
        }),
      )
    ).VpcPeeringConnection!;
    const id = created.VpcPeeringConnectionId!;
    assert.match(id, /^pcx-[0-9a-f]{17}$/);
    assert.deepEqual(created.Status, { Code: 'initiating-request', Message: `Initiating Request to ${PEER}` });
    assert.equal(created.RequesterVpcInfo!.CidrBlock, '10.0.0.0/16');
    assert.ok(created.ExpirationTime!.getTime() - Date.now() > 6.9 * 24 * 3600_000, '7 days to answer');
    // The CLI's waiter polls until the connection exists (as ec2_vpc_peer's `wait` does).
    await h.cli(
      ['wait', 'vpc-peering-connection-exists', '--vpc-peering-connection-ids', id, '--filters', 'Name=status-code,Values=pending-acceptance'],
      'us-east-1',
      OWNER,
    );
    const seen = (await pcx(theirs, id))!;
    assert.deepEqual(seen.Status, { Code: 'pending-acceptance', Message: `Pending Acceptance by ${PEER}` });
    // [ans] Until accepted, the accepter's blocks and options are not shown; the requester's are.
    assert.deepEqual(seen.AccepterVpcInfo, { OwnerId: PEER, VpcId: y, Region: 'us-east-1' });
    assert.deepEqual(seen.RequesterVpcInfo!.CidrBlockSet, [{ CidrBlock: '10.0.0.0/16' }]);
    assert.equal(seen.RequesterVpcInfo!.OwnerId, OWNER);
    // [lim] Tags are the requester's own: the accepter sees none, and tags its side separately.
    assert.deepEqual(seen.Tags, []);
    await theirs.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'Name', Value: 'from-x' }] }));
    assert.deepEqual((await pcx(mine, id))!.Tags, [{ Key: 'Name', Value: 'x-to-y' }]);
    // [api] A route to a connection not yet active is a blackhole.
    const rtb = await mainTable(mine, x);
    await mine.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '10.1.0.0/16', VpcPeeringConnectionId: id }));
    assert.equal((await routeTo(mine, rtb, '10.1.0.0/16'))!.State, 'blackhole');
    // [acc] The requester cannot accept its own request to another account.
    const refused = await expectRefusal(
      h,
      () => pcx(mine, id),
      () => mine.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })),
      'OperationNotPermitted',
    );
    assert.equal(refused.message, `User (${OWNER}) cannot accept peering ${id}`);
    // [life] Nor delete it while pending: the accepter answers it (accept or reject).
    await expectCode(theirs.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), 'InvalidStateTransition');
    const accepted = (await theirs.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }))).VpcPeeringConnection!;
    assert.equal(accepted.Status!.Code, 'provisioning');
    const active = await inState(mine, id, 'active');
    assert.deepEqual(active.AccepterVpcInfo!.CidrBlockSet, [{ CidrBlock: '10.1.0.0/16' }]);
    assert.equal(active.AccepterVpcInfo!.PeeringOptions!.AllowDnsResolutionFromRemoteVpc, false);
    assert.equal(active.ExpirationTime, undefined);
    assert.equal((await routeTo(mine, rtb, '10.1.0.0/16'))!.State, 'active');
    // The accepter routes back over the same connection.
    const back = await mainTable(theirs, y);
    await theirs.send(new CreateRouteCommand({ RouteTableId: back, DestinationCidrBlock: '10.0.0.0/16', VpcPeeringConnectionId: id }));
    assert.equal((await routeTo(theirs, back, '10.0.0.0/16'))!.State, 'active');
    await invariants(h);
    // [del] Either owner deletes an active connection; both routes turn blackhole.
    assert.equal((await theirs.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }))).Return, true);
    assert.deepEqual((await pcx(mine, id))!.Status, { Code: 'deleted', Message: `Deleted by ${PEER}` });
    assert.equal((await routeTo(mine, rtb, '10.1.0.0/16'))!.State, 'blackhole');
    assert.equal((await routeTo(theirs, back, '10.0.0.0/16'))!.State, 'blackhole');
    // [ans] An ended connection shows neither side's blocks.
    const ended = (await pcx(theirs, id))!;
    assert.equal(ended.RequesterVpcInfo!.CidrBlock, undefined);
    assert.equal(ended.AccepterVpcInfo!.CidrBlock, undefined);
    await expectCode(mine.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), 'InvalidStateTransition');
    await invariants(h);
  });

  it('[life][acc] across regions: accepted in the accepter region only; deleted through `deleting` (boto3)', async () => {
    const x = await vpc(mine, '10.0.0.0/16');
    const y = await vpc(west, '10.1.0.0/16');
    const id = (await mine.send(new CreateVpcPeeringConnectionCommand({ VpcId: x, PeerVpcId: y, PeerRegion: 'us-west-2' }))).VpcPeeringConnection!
      .VpcPeeringConnectionId!;
    await inState(west, id, 'pending-acceptance');
    const e = await expectCode(mine.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), 'OperationNotPermitted');
    assert.equal(e.message, `Incorrect region (us-east-1) specified for this request. VPC peering connection ${id} must be accepted in region us-west-2`);
    // boto3, in the accepter's region.
    const out = await h.boto3(
      `result = ec2.accept_vpc_peering_connection(VpcPeeringConnectionId='${id}')['VpcPeeringConnection']['AccepterVpcInfo']`,
      'us-west-2',
      OWNER,
    );
    assert.deepEqual([out.Region, out.VpcId, out.CidrBlock], ['us-west-2', y, '10.1.0.0/16']);
    await inState(mine, id, 'active');
    await mine.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    assert.equal((await pcx(west, id))!.Status!.Code, 'deleting');
    await inState(west, id, 'deleted');
    await invariants(h);
  });

  it('[api][lim][obs] overlapping blocks: created, then failed; never shown to the accepter', async () => {
    const x = await vpc(mine, '10.0.0.0/16');
    const y = await vpc(theirs, '10.0.0.0/20');
    const id = (await mine.send(new CreateVpcPeeringConnectionCommand({ VpcId: x, PeerVpcId: y, PeerOwnerId: PEER }))).VpcPeeringConnection!
      .VpcPeeringConnectionId!;
    const failed = await inState(mine, id, 'failed');
    assert.equal(failed.Status!.Message, 'Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range');
    assert.equal(await pcx(theirs, id), undefined);
    await expectCode(theirs.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] })), 'InvalidVpcPeeringConnectionID.NotFound');
    await expectCode(mine.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), 'InvalidStateTransition');
    // A route to it is refused: it does not stand.
    await expectCode(
      mine.send(new CreateRouteCommand({ RouteTableId: await mainTable(mine, x), DestinationCidrBlock: '10.8.0.0/16', VpcPeeringConnectionId: id })),
      'InvalidVpcPeeringConnectionID.NotFound',
    );
  });

  it('[acc][life] rejected by the accepter; the requester can neither accept nor delete it then', async () => {
    const x = await vpc(mine, '10.0.0.0/16');
    const y = await vpc(theirs, '10.1.0.0/16');
    const id = (await mine.send(new CreateVpcPeeringConnectionCommand({ VpcId: x, PeerVpcId: y, PeerOwnerId: PEER }))).VpcPeeringConnection!
      .VpcPeeringConnectionId!;
    await inState(theirs, id, 'pending-acceptance');
    await expectCode(mine.send(new RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), 'OperationNotPermitted');
    assert.equal((await theirs.send(new RejectVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }))).Return, true);
    assert.deepEqual((await pcx(mine, id))!.Status, { Code: 'rejected', Message: `Rejected by ${PEER}` });
    await expectCode(theirs.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), 'InvalidStateTransition');
    await expectCode(mine.send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id })), 'InvalidStateTransition');
    await invariants(h);
  });

  it('[api] routes: only from a table of one of its VPCs; errors for malformed and unknown ids', async () => {
    const x = await vpc(mine, '10.0.0.0/16');
    const y = await vpc(mine, '10.1.0.0/16');
    const z = await vpc(mine, '10.2.0.0/16');
    const id = (await mine.send(new CreateVpcPeeringConnectionCommand({ VpcId: x, PeerVpcId: y }))).VpcPeeringConnection!.VpcPeeringConnectionId!;
    await expectCode(
      mine.send(new CreateRouteCommand({ RouteTableId: await mainTable(mine, z), DestinationCidrBlock: '10.1.0.0/16', VpcPeeringConnectionId: id })),
      'InvalidParameterValue',
    );
    await expectCode(
      mine.send(new CreateRouteCommand({ RouteTableId: await mainTable(mine, x), DestinationCidrBlock: '10.1.0.0/16', VpcPeeringConnectionId: 'pcx-zz' })),
      'InvalidVpcPeeringConnectionId.Malformed',
    );
    await expectCode(theirs.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] })), 'InvalidVpcPeeringConnectionID.NotFound');
  });

  it('[api] DescribeVpcPeeringConnections: every documented filter, and pagination', async () => {
    const x = await vpc(mine, '10.0.0.0/16');
    const ids: string[] = [];
    for (const [i, cidr] of ['10.1.0.0/16', '10.2.0.0/16', '10.3.0.0/16'].entries()) {
      const y = await vpc(theirs, cidr);
      ids.push(
        (
          await mine.send(
            new CreateVpcPeeringConnectionCommand({
              VpcId: x,
              PeerVpcId: y,
              PeerOwnerId: PEER,
              TagSpecifications: [{ ResourceType: 'vpc-peering-connection', Tags: [{ Key: 'n', Value: String(i) }] }],
            }),
          )
        ).VpcPeeringConnection!.VpcPeeringConnectionId!,
      );
    }
    await inState(mine, ids[2]!, 'pending-acceptance');
    await theirs.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: ids[0]! }));
    await inState(mine, ids[0]!, 'active');
    const find = async (Name: string, Values: string[]) =>
      ((await mine.send(new DescribeVpcPeeringConnectionsCommand({ Filters: [{ Name, Values }] }))).VpcPeeringConnections ?? [])
        .map((c) => c.VpcPeeringConnectionId!)
        .sort();
    const all = [...ids].sort();
    const first = (await pcx(mine, ids[0]!))!;
    assert.deepEqual(await find('accepter-vpc-info.cidr-block', ['10.1.0.0/16']), [ids[0]]);
    assert.deepEqual(await find('accepter-vpc-info.owner-id', [PEER]), all);
    assert.deepEqual(await find('accepter-vpc-info.vpc-id', [first.AccepterVpcInfo!.VpcId!]), [ids[0]]);
    assert.deepEqual(await find('requester-vpc-info.cidr-block', ['10.0.*']), all);
    assert.deepEqual(await find('requester-vpc-info.owner-id', [OWNER]), all);
    assert.deepEqual(await find('requester-vpc-info.vpc-id', [x]), all);
    assert.deepEqual(await find('status-code', ['pending-acceptance']), [ids[1], ids[2]].sort());
    assert.deepEqual(await find('status-message', ['Active']), [ids[0]]);
    assert.deepEqual(await find('vpc-peering-connection-id', [ids[1]!]), [ids[1]]);
    assert.deepEqual(await find('tag:n', ['2']), [ids[2]]);
    assert.deepEqual(await find('tag-key', ['n']), all);
    const pending = (await pcx(mine, ids[1]!))!;
    assert.deepEqual(await find('expiration-time', [pending.ExpirationTime!.toISOString()]), [ids[1]]);
    await expectCode(mine.send(new DescribeVpcPeeringConnectionsCommand({ Filters: [{ Name: 'state', Values: ['active'] }] })), 'InvalidParameterValue');
    // Pagination: MaxResults 5–1000 pages through every connection once.
    const seen: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await mine.send(new DescribeVpcPeeringConnectionsCommand({ MaxResults: 5, NextToken }));
      seen.push(...page.VpcPeeringConnections!.map((c) => c.VpcPeeringConnectionId!));
      NextToken = page.NextToken;
    } while (NextToken);
    assert.deepEqual(seen.sort(), all);
  });

  it('[tf][del] the same request again returns the standing connection; DeleteVpc is refused while another account’s request awaits an answer', async () => {
    const x = await vpc(mine, '10.0.0.0/16');
    const y = await vpc(theirs, '10.1.0.0/16');
    const ask = () => mine.send(new CreateVpcPeeringConnectionCommand({ VpcId: x, PeerVpcId: y, PeerOwnerId: PEER }));
    const id = (await ask()).VpcPeeringConnection!.VpcPeeringConnectionId!;
    assert.equal((await ask()).VpcPeeringConnection!.VpcPeeringConnectionId, id);
    await inState(theirs, id, 'pending-acceptance');
    await expectCode(theirs.send(new DeleteVpcCommand({ VpcId: y })), 'DependencyViolation');
    // The requester's VPC may go: its request is deleted with it.
    await mine.send(new DeleteVpcCommand({ VpcId: x }));
    assert.deepEqual((await pcx(theirs, id))!.Status, { Code: 'deleted', Message: `Deleted by ${OWNER}` });
    await theirs.send(new DeleteVpcCommand({ VpcId: y }));
    await invariants(h);
  });

  it('ModifyVpcPeeringConnectionOptions: each owner its own end, DNS hostnames needed on both VPCs', async () => {
    const x = await vpc(mine, '10.0.0.0/16');
    const y = await vpc(theirs, '10.1.0.0/16');
    const id = (await mine.send(new CreateVpcPeeringConnectionCommand({ VpcId: x, PeerVpcId: y, PeerOwnerId: PEER }))).VpcPeeringConnection!
      .VpcPeeringConnectionId!;
    await inState(theirs, id, 'pending-acceptance');
    await theirs.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    await inState(mine, id, 'active');
    const dns = { AllowDnsResolutionFromRemoteVpc: true };
    await expectCode(
      mine.send(new ModifyVpcPeeringConnectionOptionsCommand({ VpcPeeringConnectionId: id, RequesterPeeringConnectionOptions: dns })),
      'InvalidVpcPeeringConnectionState.DnsHostnamesDisabled',
    );
    await mine.send(new ModifyVpcAttributeCommand({ VpcId: x, EnableDnsHostnames: { Value: true } }));
    await theirs.send(new ModifyVpcAttributeCommand({ VpcId: y, EnableDnsHostnames: { Value: true } }));
    await expectCode(
      mine.send(new ModifyVpcPeeringConnectionOptionsCommand({ VpcPeeringConnectionId: id, AccepterPeeringConnectionOptions: dns })),
      'OperationNotPermitted',
    );
    const out = await mine.send(new ModifyVpcPeeringConnectionOptionsCommand({ VpcPeeringConnectionId: id, RequesterPeeringConnectionOptions: dns }));
    assert.equal(out.RequesterPeeringConnectionOptions!.AllowDnsResolutionFromRemoteVpc, true);
    const c = (await pcx(theirs, id))!;
    assert.deepEqual(
      [c.RequesterVpcInfo!.PeeringOptions!.AllowDnsResolutionFromRemoteVpc, c.AccepterVpcInfo!.PeeringOptions!.AllowDnsResolutionFromRemoteVpc],
      [true, false],
    );
  });
});
