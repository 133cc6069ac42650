/**
 * Virtual private gateways through the real clients.
 *
 * Sources, cited per test:
 * - [api]: EC2 API reference: CreateVpnGateway (Type ipsec.1; AmazonSideAsn "in the 64512 to 65534
 *   range … or in the 4200000000 to 4294967294 range", default 64512; the example answers
 *   `available`), AttachVpnGateway, DetachVpnGateway, DeleteVpnGateway, DescribeVpnGateways (its
 *   filters), VpcAttachment (AttachmentStatus attaching | attached | detaching | detached), VpnState,
 *   EnableVgwRoutePropagation ("The virtual private gateway must be attached to the same VPC"),
 *   Route.State;
 * - [codes]: the API reference's "Error codes" page (VpnGatewayAttachmentLimitExceeded, InvalidVpcState,
 *   InvalidVpnGatewayAttachment.NotFound, IncorrectState, VpnGatewayLimitExceeded);
 * - [s2s]: Site-to-Site VPN User Guide, quotas ("Virtual private gateways per Region: 5");
 * - [ansible]: community.aws 5.5.0 ec2_vpc_vgw, which reads VpcAttachments[0] as the current attachment.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AttachVpnGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateVpcCommand,
  CreateVpnGatewayCommand,
  DeleteVpcCommand,
  DeleteVpnGatewayCommand,
  DescribeRouteTablesCommand,
  DescribeVpnGatewaysCommand,
  DetachVpnGatewayCommand,
  DisableVgwRoutePropagationCommand,
  EnableVgwRoutePropagationCommand,
  type EC2Client,
  type VpnGateway,
} from '@aws-sdk/client-ec2';
import { expectCode, expectRefusal, invariants, until, useHarness } from './harness.js';

async function newVpc(ec2: EC2Client, cidr = '10.0.0.0/16'): Promise<string> {
  return (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
}

async function gateway(ec2: EC2Client, id: string): Promise<VpnGateway> {
  return (await ec2.send(new DescribeVpnGatewaysCommand({ VpnGatewayIds: [id] }))).VpnGateways![0]!;
}

const allGateways = (ec2: EC2Client) => async () => (await ec2.send(new DescribeVpnGatewaysCommand({}))).VpnGateways;

describe('virtual private gateways (interop)', () => {
  const h = useHarness();
  const ec2 = h.ec2();

  it('create with an ASN and tags, attach (attaching → attached), move to another VPC, detach, delete (SDK, CLI)', async () => {
    const vpc1 = await newVpc(ec2);
    const vpc2 = await newVpc(ec2, '10.1.0.0/16');
    const { VpnGateway: created } = await ec2.send(
      new CreateVpnGatewayCommand({
        Type: 'ipsec.1',
        AmazonSideAsn: 65001,
        TagSpecifications: [{ ResourceType: 'vpn-gateway', Tags: [{ Key: 'Name', Value: 'corp-vpn' }] }],
      }),
    );
    const vgw = created!.VpnGatewayId!;
    assert.match(vgw, /^vgw-[0-9a-f]{17}$/);
    assert.deepEqual(
      [created!.Type, created!.State, created!.AmazonSideAsn, created!.VpcAttachments, created!.Tags],
      ['ipsec.1', 'available', 65001, [], [{ Key: 'Name', Value: 'corp-vpn' }]],
    );
    // [api AttachVpnGateway] answers the attachment, `attaching` first.
    const { VpcAttachment } = await ec2.send(new AttachVpnGatewayCommand({ VpnGatewayId: vgw, VpcId: vpc1 }));
    assert.deepEqual(VpcAttachment, { State: 'attaching', VpcId: vpc1 });
    await until(
      () => gateway(ec2, vgw),
      (g) => g.VpcAttachments![0]!.State === 'attached',
      'attached',
    );
    // [codes] VpnGatewayAttachmentLimitExceeded: one VPC per gateway; InvalidVpcState: one gateway per VPC.
    await expectRefusal(
      h,
      allGateways(ec2),
      () => ec2.send(new AttachVpnGatewayCommand({ VpnGatewayId: vgw, VpcId: vpc2 })),
      'VpnGatewayAttachmentLimitExceeded',
    );
    const second = (await ec2.send(new CreateVpnGatewayCommand({ Type: 'ipsec.1' }))).VpnGateway!.VpnGatewayId!;
    assert.equal((await gateway(ec2, second)).AmazonSideAsn, 64512);
    await expectRefusal(h, allGateways(ec2), () => ec2.send(new AttachVpnGatewayCommand({ VpnGatewayId: second, VpcId: vpc1 })), 'InvalidVpcState');
    // An attached gateway keeps its VPC and itself from deletion.
    await expectCode(ec2.send(new DeleteVpcCommand({ VpcId: vpc1 })), 'DependencyViolation');
    await expectRefusal(h, allGateways(ec2), () => ec2.send(new DeleteVpnGatewayCommand({ VpnGatewayId: vgw })), 'IncorrectState');
    // [codes] InvalidVpnGatewayAttachment.NotFound: detaching from a VPC it is not attached to.
    await expectRefusal(
      h,
      allGateways(ec2),
      () => ec2.send(new DetachVpnGatewayCommand({ VpnGatewayId: vgw, VpcId: vpc2 })),
      'InvalidVpnGatewayAttachment.NotFound',
    );
    await ec2.send(new DetachVpnGatewayCommand({ VpnGatewayId: vgw, VpcId: vpc1 }));
    assert.equal((await gateway(ec2, vgw)).VpcAttachments![0]!.State, 'detaching');
    await until(
      () => gateway(ec2, vgw),
      (g) => g.VpcAttachments![0]!.State === 'detached',
      'detached',
    );
    // Moved to the other VPC: [ansible] the current attachment comes first, the earlier one stays `detached`.
    await ec2.send(new AttachVpnGatewayCommand({ VpnGatewayId: vgw, VpcId: vpc2 }));
    const moved = await until(
      () => gateway(ec2, vgw),
      (g) => g.VpcAttachments![0]!.State === 'attached',
      'attached again',
    );
    assert.deepEqual(moved.VpcAttachments, [
      { State: 'attached', VpcId: vpc2 },
      { State: 'detached', VpcId: vpc1 },
    ]);
    // [api DescribeVpnGateways] filters (CLI).
    for (const [name, value, want] of [
      ['attachment.vpc-id', vpc2, [vgw]],
      ['attachment.state', 'attached', [vgw]],
      ['amazon-side-asn', '65001', [vgw]],
      ['tag:Name', 'corp-vpn', [vgw]],
      ['state', 'available', [second, vgw].sort()],
      ['type', 'ipsec.1', [second, vgw].sort()],
    ] as const) {
      const out = await h.cli(['describe-vpn-gateways', '--filters', `Name=${name},Values=${value}`]);
      assert.deepEqual(out.VpnGateways.map((g: VpnGateway) => g.VpnGatewayId).sort(), want, name);
    }
    await ec2.send(new DeleteVpcCommand({ VpcId: vpc1 }));
    await ec2.send(new DetachVpnGatewayCommand({ VpnGatewayId: vgw, VpcId: vpc2 }));
    await until(
      () => gateway(ec2, vgw),
      (g) => g.VpcAttachments![0]!.State === 'detached',
      'detached',
    );
    // [api VpnState] deleting → deleted, still described for a while.
    await ec2.send(new DeleteVpnGatewayCommand({ VpnGatewayId: vgw }));
    const gone = await until(
      () => gateway(ec2, vgw),
      (g) => g.State === 'deleted',
      'deleted',
    );
    assert.equal(gone.VpnGatewayId, vgw);
    await expectCode(ec2.send(new AttachVpnGatewayCommand({ VpnGatewayId: vgw, VpcId: vpc2 })), 'IncorrectState');
    await invariants(h);
  });

  it("refusals: the type, the ASN, unknown and malformed ids, the region's quota (SDK, boto3)", async () => {
    await expectCode(ec2.send(new CreateVpnGatewayCommand({ Type: 'ipsec.2' as 'ipsec.1' })), 'InvalidParameterValue');
    for (const asn of [1, 65535, 4199999999, 4294967295]) {
      await expectCode(ec2.send(new CreateVpnGatewayCommand({ Type: 'ipsec.1', AmazonSideAsn: asn })), 'InvalidParameterValue');
    }
    await expectCode(ec2.send(new DescribeVpnGatewaysCommand({ VpnGatewayIds: ['vgw-0123456789abcdef0'] })), 'InvalidVpnGatewayID.NotFound');
    await expectCode(ec2.send(new DeleteVpnGatewayCommand({ VpnGatewayId: 'vgw-xyz' })), 'InvalidVpnGatewayID.Malformed');
    // [s2s] five per Region, those not deleted counted.
    const made = await h.boto3(
      `result = [ec2.create_vpn_gateway(Type='ipsec.1', AmazonSideAsn=4200000000 + i)['VpnGateway']['VpnGatewayId'] for i in range(5)]`,
    );
    assert.equal(made.length, 5);
    await expectCode(ec2.send(new CreateVpnGatewayCommand({ Type: 'ipsec.1' })), 'VpnGatewayLimitExceeded');
    await ec2.send(new DeleteVpnGatewayCommand({ VpnGatewayId: made[0] }));
    await until(
      () => gateway(ec2, made[0]),
      (g) => g.State === 'deleted',
      'deleted',
    );
    await ec2.send(new CreateVpnGatewayCommand({ Type: 'ipsec.1' }));
  });

  it('routes to an attached gateway, active while attached; route propagation shown as PropagatingVgws (SDK)', async () => {
    const vpcId = await newVpc(ec2, '10.3.0.0/16');
    const vgw = (await ec2.send(new CreateVpnGatewayCommand({ Type: 'ipsec.1' }))).VpnGateway!.VpnGatewayId!;
    const rtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    const view = async () => (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0]!;
    const tables = async () => (await ec2.send(new DescribeRouteTablesCommand({}))).RouteTables;
    // Not attached: neither a route nor propagation.
    await expectRefusal(
      h,
      tables,
      () => ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '192.168.0.0/16', GatewayId: vgw })),
      'InvalidParameterValue',
    );
    await expectRefusal(h, tables, () => ec2.send(new EnableVgwRoutePropagationCommand({ RouteTableId: rtb, GatewayId: vgw })), 'Gateway.NotAttached');
    await ec2.send(new AttachVpnGatewayCommand({ VpnGatewayId: vgw, VpcId: vpcId }));
    await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '192.168.0.0/16', GatewayId: vgw }));
    await ec2.send(new EnableVgwRoutePropagationCommand({ RouteTableId: rtb, GatewayId: vgw }));
    const t = await until(view, (x) => x.Routes!.some((r) => r.GatewayId === vgw && r.State === 'active'), 'an active route to the gateway');
    assert.deepEqual(t.PropagatingVgws, [{ GatewayId: vgw }]);
    await ec2.send(new DisableVgwRoutePropagationCommand({ RouteTableId: rtb, GatewayId: vgw }));
    assert.deepEqual((await view()).PropagatingVgws, []);
    await ec2.send(new EnableVgwRoutePropagationCommand({ RouteTableId: rtb, GatewayId: vgw }));
    // [api Route.State] blackhole once "the specified gateway isn't attached to the VPC"; detaching ends the propagation.
    await ec2.send(new DetachVpnGatewayCommand({ VpnGatewayId: vgw, VpcId: vpcId }));
    const after = await view();
    assert.equal(after.Routes!.find((r) => r.GatewayId === vgw)!.State, 'blackhole');
    assert.deepEqual(after.PropagatingVgws, []);
    await invariants(h);
  });
});
