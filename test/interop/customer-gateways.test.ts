/**
 * Customer gateways through the real clients.
 *
 * Sources, cited per test:
 * - [api]: EC2 API reference: CreateCustomerGateway (Type ipsec.1; BgpAsn "Default: 65000 … Valid
 *   values: 1 to 2,147,483,647"; BgpAsnExtended "2,147,483,648 to 4,294,967,295"; "You must specify
 *   either BgpAsn or BgpAsnExtended"; "To create more than one customer gateway with the same VPN
 *   type, IP address, and BGP ASN, specify a unique device name for each customer gateway. An identical
 *   request returns information about the existing customer gateway"), CustomerGateway (State
 *   pending | available | deleting | deleted), DescribeCustomerGateways (its filters);
 * - [codes]: the API reference's "Error codes" page (InvalidCustomerGatewayID.NotFound,
 *   InvalidCustomerGatewayId.Malformed, CustomerGatewayLimitExceeded);
 * - [ansible]: community.aws 5.5.0 ec2_customer_gateway: creates with the deprecated PublicIp, reads
 *   `Tags` of a found gateway unconditionally, finds it with the `state` and `ip-address` filters.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateCustomerGatewayCommand,
  DeleteCustomerGatewayCommand,
  DescribeCustomerGatewaysCommand,
  type CustomerGateway,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { expectCode, expectRefusal, invariants, until, useHarness } from './harness.js';

async function gateway(ec2: EC2Client, id: string): Promise<CustomerGateway> {
  return (await ec2.send(new DescribeCustomerGatewaysCommand({ CustomerGatewayIds: [id] }))).CustomerGateways![0]!;
}

const allGateways = (ec2: EC2Client) => async () => (await ec2.send(new DescribeCustomerGatewaysCommand({}))).CustomerGateways;

describe('customer gateways (interop)', () => {
  const h = useHarness();
  const ec2 = h.ec2();

  it('create (pending → available), identical request answers the same gateway, filters, delete (deleting → deleted, still listed)', async () => {
    const { CustomerGateway: created } = await ec2.send(
      new CreateCustomerGatewayCommand({
        Type: 'ipsec.1',
        IpAddress: '198.51.100.7',
        BgpAsn: 65010,
        TagSpecifications: [{ ResourceType: 'customer-gateway', Tags: [{ Key: 'Name', Value: 'office' }] }],
      }),
    );
    const cgw = created!.CustomerGatewayId!;
    assert.match(cgw, /^cgw-[0-9a-f]{17}$/);
    assert.deepEqual(
      [created!.Type, created!.State, created!.IpAddress, created!.BgpAsn, created!.Tags],
      ['ipsec.1', 'pending', '198.51.100.7', '65010', [{ Key: 'Name', Value: 'office' }]],
    );
    await until(
      () => gateway(ec2, cgw),
      (g) => g.State === 'available',
      'available',
    );
    // [api] an identical request returns the existing gateway; another device name makes a second one.
    const again = await ec2.send(new CreateCustomerGatewayCommand({ Type: 'ipsec.1', IpAddress: '198.51.100.7', BgpAsn: 65010 }));
    assert.equal(again.CustomerGateway!.CustomerGatewayId, cgw);
    const device = await ec2.send(new CreateCustomerGatewayCommand({ Type: 'ipsec.1', IpAddress: '198.51.100.7', BgpAsn: 65010, DeviceName: 'edge-2' }));
    const second = device.CustomerGateway!.CustomerGatewayId!;
    assert.notEqual(second, cgw);
    assert.equal(device.CustomerGateway!.DeviceName, 'edge-2');
    // [api] BgpAsn defaults to 65000; [ansible] the deprecated PublicIp names the address; Tags is an empty list.
    const boto = await h.boto3("result = ec2.create_customer_gateway(Type='ipsec.1', PublicIp='203.0.113.9')['CustomerGateway']");
    assert.deepEqual([boto.IpAddress, boto.BgpAsn, boto.Tags], ['203.0.113.9', '65000', []]);
    // [api] a 32-bit ASN goes in BgpAsnExtended.
    const ext = await ec2.send(new CreateCustomerGatewayCommand({ Type: 'ipsec.1', IpAddress: '203.0.113.10', BgpAsnExtended: 4200000001 }));
    assert.equal(ext.CustomerGateway!.BgpAsnExtended, '4200000001');
    // [api DescribeCustomerGateways] filters (CLI).
    for (const [name, value, want] of [
      ['ip-address', '198.51.100.7', [cgw, second].sort()],
      ['bgp-asn', '65010', [cgw, second].sort()],
      ['bgp-asn', '4200000001', [ext.CustomerGateway!.CustomerGatewayId!]],
      ['tag:Name', 'office', [cgw]],
      ['customer-gateway-id', cgw, [cgw]],
      ['type', 'ipsec.1', [cgw, second, boto.CustomerGatewayId, ext.CustomerGateway!.CustomerGatewayId!].sort()],
    ] as const) {
      const out = await h.cli(['describe-customer-gateways', '--filters', `Name=${name},Values=${value}`]);
      assert.deepEqual(out.CustomerGateways.map((g: CustomerGateway) => g.CustomerGatewayId).sort(), want, name);
    }
    // [api CustomerGateway] deleting → deleted, and listed a while.
    await ec2.send(new DeleteCustomerGatewayCommand({ CustomerGatewayId: cgw }));
    assert.equal((await gateway(ec2, cgw)).State, 'deleting');
    const gone = await until(
      () => gateway(ec2, cgw),
      (g) => g.State === 'deleted',
      'deleted',
    );
    assert.equal(gone.IpAddress, '198.51.100.7');
    // A deleted gateway no longer answers an identical create: a new one is made.
    const fresh = await ec2.send(new CreateCustomerGatewayCommand({ Type: 'ipsec.1', IpAddress: '198.51.100.7', BgpAsn: 65010 }));
    assert.notEqual(fresh.CustomerGateway!.CustomerGatewayId, cgw);
    const available = await h.cli(['describe-customer-gateways', '--filters', 'Name=state,Values=deleted']);
    assert.deepEqual(
      available.CustomerGateways.map((g: CustomerGateway) => g.CustomerGatewayId),
      [cgw],
    );
    await invariants(h);
  });

  it('refuses bad ASNs, addresses and types, and unknown or malformed ids, changing nothing', async () => {
    const create = (input: Partial<ConstructorParameters<typeof CreateCustomerGatewayCommand>[0]>) => () =>
      ec2.send(new CreateCustomerGatewayCommand({ Type: 'ipsec.1', IpAddress: '198.51.100.1', ...input }));
    // [api] BgpAsn 1 to 2,147,483,647; BgpAsnExtended above it; not both.
    await expectRefusal(h, allGateways(ec2), create({ BgpAsn: 0 }), 'InvalidParameterValue');
    await expectRefusal(h, allGateways(ec2), create({ BgpAsnExtended: 65000 }), 'InvalidParameterValue');
    await expectRefusal(h, allGateways(ec2), create({ BgpAsnExtended: 4294967296 }), 'InvalidParameterValue');
    await expectRefusal(h, allGateways(ec2), create({ BgpAsn: 65000, BgpAsnExtended: 4200000000 }), 'InvalidParameterCombination');
    // The outside address is a dotted IPv4, and one is required.
    await expectRefusal(h, allGateways(ec2), create({ IpAddress: 'not-an-ip' }), 'InvalidParameterValue');
    await expectRefusal(h, allGateways(ec2), create({ IpAddress: undefined }), 'MissingParameter');
    // [codes] unknown and malformed ids.
    await expectCode(ec2.send(new DescribeCustomerGatewaysCommand({ CustomerGatewayIds: ['cgw-0123456789abcdef0'] })), 'InvalidCustomerGatewayID.NotFound');
    await expectCode(ec2.send(new DeleteCustomerGatewayCommand({ CustomerGatewayId: 'cgw-0123456789abcdef0' })), 'InvalidCustomerGatewayID.NotFound');
    await expectCode(ec2.send(new DeleteCustomerGatewayCommand({ CustomerGatewayId: 'vgw-0123' })), 'InvalidCustomerGatewayId.Malformed');
    assert.deepEqual(await allGateways(ec2)(), []);
  });
});
