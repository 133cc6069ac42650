/**
 * The instance metadata service without HTTP: ImdsService.handle over an engine driven by the API
 * handlers, on a clock the test controls. Behaviour sources are in src/imds/server.ts and tree.ts
 * (aws-behaviour.md §7, EC2 User Guide "Retrieve instance metadata" and "How IMDSv2 works").
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { allHandlers } from '../../src/api/index.js';
import { answerValue } from '../../src/protocol/encode.js';
import type { OperationName, RequestContext } from '../../src/api/handler.js';
import { Cloud, type LifecycleTimings } from '../../src/engine/cloud.js';
import { IdGenerator } from '../../src/engine/ids.js';
import { ImdsService, type Reply } from '../../src/imds/server.js';
import { parseTtl, TokenStore } from '../../src/imds/tokens.js';
import { lookup, METADATA_VERSIONS, type MetadataDir, type MetadataNode } from '../../src/imds/tree.js';

const ACCOUNT = '123456789012';
const IMAGE = 'ami-0123456789abcdef0';

class World {
  clock = Date.parse('2025-01-01T00:00:00Z');
  readonly cloud: Cloud;
  readonly imds: ImdsService;

  constructor(lifecycle: Partial<LifecycleTimings> = { pendingMs: 0, attachingMs: 0, detachingMs: 0 }) {
    this.cloud = new Cloud({ defaultAccountId: ACCOUNT, now: () => new Date(this.clock), lifecycle });
    this.imds = new ImdsService({ getCloud: () => this.cloud });
  }

  call(op: OperationName, input: Record<string, unknown>, account = ACCOUNT, regionName = 'us-east-1'): any {
    const region = this.cloud.region(account, regionName);
    region.settle();
    const ctx: RequestContext = { cloud: this.cloud, region, accountId: account, accessKeyId: 'AKIAEXAMPLE', requestId: 'r', operation: op };
    return answerValue((allHandlers[op] as (c: RequestContext, i: unknown) => unknown)(ctx, input));
  }

  run(input: Record<string, unknown> = {}, account = ACCOUNT, regionName = 'us-east-1'): string {
    const out = this.call('RunInstances', { ImageId: IMAGE, MinCount: 1, MaxCount: 1, InstanceType: 'm5.large', ...input }, account, regionName);
    return out.Instances[0].InstanceId as string;
  }

  req(path: string, opts: { method?: string; headers?: Record<string, string> } = {}): Reply {
    return this.imds.handle({ method: opts.method ?? 'GET', url: path, headers: lower(opts.headers ?? {}) });
  }

  /** GET `/<id>/latest/meta-data/<key>`: the body on 200, else the status. */
  meta(id: string, key: string, headers?: Record<string, string>): string | number {
    const r = this.req(`/${id}/latest/meta-data/${key}`, { headers });
    return r.status === 200 ? r.body : r.status;
  }

  token(id: string, ttl = '60'): string {
    const r = this.req(`/${id}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': ttl } });
    assert.equal(r.status, 200, r.body);
    return r.body;
  }
}

const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

describe('imds: selecting the instance', () => {
  let w: World;
  let id: string;
  beforeEach(() => {
    w = new World();
    id = w.run();
  });

  it('serves by path prefix and by the X-ec2net-Instance-Id header', () => {
    assert.equal(w.meta(id, 'instance-id'), id);
    const r = w.req('/latest/meta-data/instance-id', { headers: { 'X-ec2net-Instance-Id': id } });
    assert.equal(r.status, 200);
    assert.equal(r.body, id);
    assert.equal(r.headers?.['content-type'], 'text/plain');
  });

  it('the path prefix wins over the header', () => {
    const other = w.run();
    const r = w.req(`/${id}/latest/meta-data/instance-id`, { headers: { 'X-ec2net-Instance-Id': other } });
    assert.equal(r.body, id);
  });

  it('unknown instance, or none named → 404', () => {
    assert.equal(w.meta('i-0000000000000000f', 'instance-id'), 404);
    assert.equal(w.req('/latest/meta-data/instance-id').status, 404);
    assert.match(w.req('/latest/meta-data/').body, /X-ec2net-Instance-Id/);
    assert.equal(w.req('/latest/api/token', { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '60' } }).status, 404);
  });

  it('finds instances of other accounts and regions', () => {
    const far = w.run({ InstanceType: 't3.micro' }, '210987654321', 'eu-west-1');
    assert.equal(w.meta(far, 'placement/region'), 'eu-west-1');
    assert.match(String(w.meta(far, 'placement/availability-zone')), /^eu-west-1[a-z]$/);
    assert.equal(w.meta(far, `network/interfaces/macs/${w.meta(far, 'mac')}/owner-id`), '210987654321');
    assert.equal(w.meta(far, 'local-hostname'), `ip-${String(w.meta(far, 'local-ipv4')).replaceAll('.', '-')}.eu-west-1.compute.internal`);
  });

  it('percent-encoded MACs and absolute-form targets resolve', () => {
    const mac = String(w.meta(id, 'mac'));
    assert.equal(w.req(`/${id}/latest/meta-data/network/interfaces/macs/${encodeURIComponent(mac)}/mac`).body, mac);
    assert.equal(w.req(`http://169.254.169.254/${id}/latest/meta-data/instance-id`).body, id);
    assert.equal(w.req(`/${id}/latest/meta-data/%E0%A4%A`).status, 404);
  });

  it('bound to the instance that asked (the data plane from inside), only EC2 paths are served', () => {
    const other = w.run();
    const bound = (path: string, headers: Record<string, string> = {}) => w.imds.handle({ method: 'GET', url: path, headers: lower(headers) }, id);
    assert.equal(bound('/latest/meta-data/instance-id').body, id);
    assert.equal(bound('http://169.254.169.254/latest/meta-data/instance-id').body, id);
    // Neither the header nor the path prefix names another instance from inside (on EC2 the prefix is no path at all).
    assert.equal(bound('/latest/meta-data/instance-id', { 'X-ec2net-Instance-Id': other }).body, id);
    assert.equal(bound(`/${other}/latest/meta-data/instance-id`).status, 404);
  });
});

describe('imds: tree and listings', () => {
  let w: World;
  let id: string;
  beforeEach(() => {
    w = new World();
    id = w.run();
  });

  it('/ lists the versions; unknown versions → 404; dated versions serve the same tree', () => {
    assert.equal(w.req(`/${id}/`).body, METADATA_VERSIONS.join('\n'));
    assert.equal(w.req(`/${id}`).body.split('\n').at(-1), 'latest');
    assert.equal(w.req(`/${id}/2021-03-23/meta-data/instance-id`).body, id);
    assert.equal(w.req(`/${id}/2009-04-04/meta-data/local-ipv4`).body, w.meta(id, 'local-ipv4'));
    assert.equal(w.req(`/${id}/1999-01-01/meta-data/instance-id`).status, 404);
    assert.equal(w.req(`/${id}/latest/`).body, 'dynamic/\nmeta-data/');
    assert.equal(w.req(`/${id}/latest/user-data`).status, 404);
  });

  it('meta-data/ lists the top-level keys, sorted, sub-trees with a trailing /', () => {
    const keys = String(w.meta(id, '')).split('\n');
    assert.deepEqual(keys, [...keys].sort());
    for (const k of [
      'ami-id',
      'ami-launch-index',
      'hostname',
      'instance-id',
      'instance-type',
      'local-hostname',
      'local-ipv4',
      'mac',
      'network/',
      'placement/',
      'public-hostname',
      'public-ipv4',
      'reservation-id',
      'security-groups',
      'services/',
    ]) {
      assert.ok(keys.includes(k), `missing ${k} in ${keys.join(',')}`);
    }
    assert.ok(!keys.includes('ipv6'), 'no IPv6 → no ipv6 key');
    assert.ok(!keys.includes('tags/'), 'instance tags in metadata are off by default');
  });

  it('a directory answers with or without its trailing slash; a missing key → 404', () => {
    assert.equal(w.meta(id, 'placement'), 'availability-zone\navailability-zone-id\nregion');
    assert.equal(w.meta(id, 'placement/'), 'availability-zone\navailability-zone-id\nregion');
    assert.equal(w.meta(id, 'no-such-key'), 404);
    assert.equal(w.meta(id, 'instance-id/deeper'), 404);
    assert.equal(w.meta(id, 'ipv6'), 404);
  });

  it('top-level values', () => {
    const d = w.call('DescribeInstances', { InstanceIds: [id] }).Reservations[0];
    const i = d.Instances[0];
    assert.equal(w.meta(id, 'ami-id'), IMAGE);
    assert.equal(w.meta(id, 'ami-launch-index'), '0');
    assert.equal(w.meta(id, 'instance-type'), 'm5.large');
    assert.equal(w.meta(id, 'reservation-id'), d.ReservationId);
    assert.equal(w.meta(id, 'local-ipv4'), i.PrivateIpAddress);
    assert.equal(w.meta(id, 'local-hostname'), i.PrivateDnsName);
    assert.equal(w.meta(id, 'hostname'), i.PrivateDnsName);
    assert.equal(w.meta(id, 'mac'), i.NetworkInterfaces[0].MacAddress);
    assert.equal(w.meta(id, 'public-ipv4'), i.PublicIpAddress);
    assert.equal(w.meta(id, 'public-hostname'), i.PublicDnsName);
    assert.equal(w.meta(id, 'security-groups'), 'default');
    assert.equal(w.meta(id, 'placement/availability-zone'), i.Placement.AvailabilityZone);
    assert.equal(w.meta(id, 'placement/availability-zone-id'), i.Placement.AvailabilityZoneId);
    assert.equal(w.meta(id, 'placement/region'), 'us-east-1');
    assert.equal(w.meta(id, 'services/domain'), 'amazonaws.com');
    assert.equal(w.meta(id, 'services/partition'), 'aws');
  });

  it('public-hostname only when the VPC has enableDnsHostnames', () => {
    const vpc = w.call('CreateVpc', { CidrBlock: '10.0.0.0/16' }).Vpc.VpcId;
    // The Elastic IP below needs an internet gateway in the VPC (aws-behaviour.md §4.13).
    const igw = w.call('CreateInternetGateway', {}).InternetGateway.InternetGatewayId;
    w.call('AttachInternetGateway', { InternetGatewayId: igw, VpcId: vpc });
    const subnet = w.call('CreateSubnet', { VpcId: vpc, CidrBlock: '10.0.1.0/24' }).Subnet.SubnetId;
    const inst = w.run({ SubnetId: subnet, NetworkInterfaces: undefined });
    assert.equal(w.meta(inst, 'public-ipv4'), 404, 'subnet does not map public IPs');
    const alloc = w.call('AllocateAddress', { Domain: 'vpc' });
    w.call('AssociateAddress', { AllocationId: alloc.AllocationId, InstanceId: inst });
    assert.equal(w.meta(inst, 'public-ipv4'), alloc.PublicIp);
    assert.equal(w.meta(inst, 'public-hostname'), 404, 'enableDnsHostnames is off in a new VPC');
    w.call('ModifyVpcAttribute', { VpcId: vpc, EnableDnsHostnames: { Value: true } });
    assert.equal(w.meta(inst, 'public-hostname'), `ec2-${alloc.PublicIp.replaceAll('.', '-')}.compute-1.amazonaws.com`);
  });

  it('per-interface keys', () => {
    const mac = String(w.meta(id, 'mac'));
    const eni = w.call('DescribeNetworkInterfaces', { Filters: [{ Name: 'attachment.instance-id', Values: [id] }] }).NetworkInterfaces[0];
    const base = `network/interfaces/macs/${mac}`;
    assert.equal(w.meta(id, 'network/interfaces/macs/'), `${mac}/`);
    const keys = String(w.meta(id, `${base}/`)).split('\n');
    assert.deepEqual(keys, [
      'device-number',
      'interface-id',
      'ipv4-associations/',
      'local-hostname',
      'local-ipv4s',
      'mac',
      'owner-id',
      'public-hostname',
      'public-ipv4s',
      'security-group-ids',
      'security-groups',
      'subnet-id',
      'subnet-ipv4-cidr-block',
      'vpc-id',
      'vpc-ipv4-cidr-block',
      'vpc-ipv4-cidr-blocks',
    ]);
    assert.equal(w.meta(id, `${base}/device-number`), '0');
    assert.equal(w.meta(id, `${base}/interface-id`), eni.NetworkInterfaceId);
    assert.equal(w.meta(id, `${base}/mac`), mac);
    assert.equal(w.meta(id, `${base}/owner-id`), ACCOUNT);
    assert.equal(w.meta(id, `${base}/local-ipv4s`), eni.PrivateIpAddress);
    assert.equal(w.meta(id, `${base}/public-ipv4s`), eni.Association.PublicIp);
    assert.equal(w.meta(id, `${base}/ipv4-associations/`), eni.Association.PublicIp);
    assert.equal(w.meta(id, `${base}/ipv4-associations/${eni.Association.PublicIp}`), eni.PrivateIpAddress);
    assert.equal(w.meta(id, `${base}/security-group-ids`), eni.Groups[0].GroupId);
    assert.equal(w.meta(id, `${base}/security-groups`), 'default');
    assert.equal(w.meta(id, `${base}/subnet-id`), eni.SubnetId);
    assert.match(String(w.meta(id, `${base}/subnet-ipv4-cidr-block`)), /^172\.31\.\d+\.0\/20$/);
    assert.equal(w.meta(id, `${base}/vpc-ipv4-cidr-block`), '172.31.0.0/16');
    assert.equal(w.meta(id, `${base}/vpc-ipv4-cidr-blocks`), '172.31.0.0/16');
    for (const absent of ['ipv6s', 'ipv4-prefix', 'ipv6-prefix', 'network-card', 'subnet-ipv6-cidr-blocks', 'vpc-ipv6-cidr-blocks']) {
      assert.equal(w.meta(id, `${base}/${absent}`), 404, absent);
    }
  });

  it('secondary addresses, IPv4 prefixes, IPv6 and extra VPC CIDRs', () => {
    const vpc = w.call('CreateVpc', { CidrBlock: '10.1.0.0/16', AmazonProvidedIpv6CidrBlock: true }).Vpc;
    w.call('AssociateVpcCidrBlock', { VpcId: vpc.VpcId, CidrBlock: '10.2.0.0/16' });
    const v6 = w.call('DescribeVpcs', { VpcIds: [vpc.VpcId] }).Vpcs[0].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock as string;
    const subnetV6 = v6.replace(/::\/56$/, '::/64');
    const subnet = w.call('CreateSubnet', { VpcId: vpc.VpcId, CidrBlock: '10.1.0.0/24', Ipv6CidrBlock: subnetV6 }).Subnet.SubnetId;
    const inst = w.run({ SubnetId: subnet, PrivateIpAddress: '10.1.0.10', Ipv6AddressCount: 1 });
    const eni = w.call('DescribeNetworkInterfaces', { Filters: [{ Name: 'attachment.instance-id', Values: [inst] }] }).NetworkInterfaces[0];
    w.call('AssignPrivateIpAddresses', { NetworkInterfaceId: eni.NetworkInterfaceId, PrivateIpAddresses: ['10.1.0.20', '10.1.0.15'] });
    w.call('AssignPrivateIpAddresses', { NetworkInterfaceId: eni.NetworkInterfaceId, Ipv4Prefixes: ['10.1.0.64/28'] });
    const base = `network/interfaces/macs/${eni.MacAddress}`;
    assert.equal(w.meta(inst, `${base}/local-ipv4s`), '10.1.0.10\n10.1.0.20\n10.1.0.15', 'primary first, then in assignment order');
    assert.equal(w.meta(inst, 'local-ipv4'), '10.1.0.10');
    assert.equal(w.meta(inst, `${base}/ipv4-prefix`), '10.1.0.64/28');
    const v6addr = eni.Ipv6Addresses[0].Ipv6Address;
    assert.equal(w.meta(inst, `${base}/ipv6s`), v6addr);
    assert.equal(w.meta(inst, 'ipv6'), v6addr);
    assert.equal(w.meta(inst, `${base}/subnet-ipv6-cidr-blocks`), subnetV6);
    assert.equal(w.meta(inst, `${base}/vpc-ipv6-cidr-blocks`), v6);
    assert.equal(w.meta(inst, `${base}/vpc-ipv4-cidr-block`), '10.1.0.0/16');
    assert.equal(w.meta(inst, `${base}/vpc-ipv4-cidr-blocks`), '10.1.0.0/16\n10.2.0.0/16');
    assert.equal(w.meta(inst, 'public-ipv4'), 404);
    assert.equal(w.meta(inst, `${base}/public-ipv4s`), 404);
    assert.equal(w.meta(inst, `${base}/ipv4-associations/`), 404);
  });

  it('ipv6-prefix lists the delegated /80s, one a line, as the VPC CNI reads them', () => {
    // [ref §IMDS per-interface keys: `ipv6-prefix` (current doc; S12: the VPC CNI's imds.go reads it)]
    const vpc = w.call('CreateVpc', { CidrBlock: '10.3.0.0/16', AmazonProvidedIpv6CidrBlock: true }).Vpc;
    const v6 = w.call('DescribeVpcs', { VpcIds: [vpc.VpcId] }).Vpcs[0].Ipv6CidrBlockAssociationSet[0].Ipv6CidrBlock as string;
    const subnetV6 = v6.replace(/::\/56$/, '::/64');
    const subnet = w.call('CreateSubnet', { VpcId: vpc.VpcId, CidrBlock: '10.3.0.0/24', Ipv6CidrBlock: subnetV6 }).Subnet.SubnetId;
    const inst = w.run({ SubnetId: subnet, InstanceType: 'm5.large' });
    const eni = w.call('DescribeNetworkInterfaces', { Filters: [{ Name: 'attachment.instance-id', Values: [inst] }] }).NetworkInterfaces[0];
    const base = `network/interfaces/macs/${eni.MacAddress}`;
    assert.equal(w.meta(inst, `${base}/ipv6-prefix`), 404, 'absent while none is delegated');
    const explicit = subnetV6.replace(/::\/64$/, ':7::/80');
    w.call('AssignIpv6Addresses', { NetworkInterfaceId: eni.NetworkInterfaceId, Ipv6Prefixes: [explicit] });
    const auto = w.call('AssignIpv6Addresses', { NetworkInterfaceId: eni.NetworkInterfaceId, Ipv6PrefixCount: 1 }).AssignedIpv6Prefixes[0] as string;
    assert.equal(w.meta(inst, `${base}/ipv6-prefix`), `${explicit}\n${auto}`);
    assert.equal(w.meta(inst, `${base}/ipv6s`), 404, 'a prefix is no individual address');
  });

  it('network-card appears on multi-card instance types only', () => {
    const big = w.run({ InstanceType: 'p4d.24xlarge' });
    const mac = w.meta(big, 'mac');
    assert.equal(w.meta(big, `network/interfaces/macs/${mac}/network-card`), '0');
  });

  it('tags/instance when InstanceMetadataTags is enabled', () => {
    const tagged = w.run({
      MetadataOptions: { InstanceMetadataTags: 'enabled' },
      TagSpecifications: [
        {
          ResourceType: 'instance',
          Tags: [
            { Key: 'Name', Value: 'web-1' },
            { Key: 'Env', Value: 'dev' },
          ],
        },
      ],
    });
    assert.equal(w.meta(tagged, 'tags/instance'), 'Env\nName');
    assert.equal(w.meta(tagged, 'tags/instance/Name'), 'web-1');
    w.call('ModifyInstanceMetadataOptions', { InstanceId: tagged, InstanceMetadataTags: 'disabled' });
    assert.equal(w.meta(tagged, 'tags/instance/Name'), 404);
  });

  it('dynamic/instance-identity/document', () => {
    assert.equal(w.req(`/${id}/latest/dynamic/`).body, 'instance-identity/');
    const r = w.req(`/${id}/latest/dynamic/instance-identity/document`);
    assert.equal(r.status, 200);
    const doc = JSON.parse(r.body);
    assert.equal(doc.accountId, ACCOUNT);
    assert.equal(doc.instanceId, id);
    assert.equal(doc.instanceType, 'm5.large');
    assert.equal(doc.imageId, IMAGE);
    assert.equal(doc.region, 'us-east-1');
    assert.equal(doc.availabilityZone, w.meta(id, 'placement/availability-zone'));
    assert.equal(doc.privateIp, w.meta(id, 'local-ipv4'));
    assert.equal(doc.version, '2017-09-30');
    assert.equal(doc.architecture, 'x86_64');
    assert.equal(doc.pendingTime, '2025-01-01T00:00:00Z');
  });
});

describe('imds: live state', () => {
  let w: World;
  beforeEach(() => {
    w = new World();
  });

  it('a hot-attached interface is listed at once; a detached one disappears', () => {
    const id = w.run();
    const subnet = w.call('DescribeInstances', { InstanceIds: [id] }).Reservations[0].Instances[0].SubnetId;
    const eni = w.call('CreateNetworkInterface', { SubnetId: subnet }).NetworkInterface;
    const att = w.call('AttachNetworkInterface', { NetworkInterfaceId: eni.NetworkInterfaceId, InstanceId: id, DeviceIndex: 1 });
    const macs = String(w.meta(id, 'network/interfaces/macs/')).split('\n');
    assert.equal(macs.length, 2);
    assert.ok(macs.includes(`${eni.MacAddress}/`));
    assert.equal(w.meta(id, `network/interfaces/macs/${eni.MacAddress}/device-number`), '1');
    assert.equal(w.meta(id, `network/interfaces/macs/${eni.MacAddress}/local-ipv4s`), eni.PrivateIpAddress);
    w.call('DetachNetworkInterface', { AttachmentId: att.AttachmentId });
    assert.equal(w.meta(id, 'network/interfaces/macs/').toString().split('\n').length, 1);
    assert.equal(w.meta(id, `network/interfaces/macs/${eni.MacAddress}/mac`), 404);
  });

  it('an interface in `attaching` is already listed (no staleness emulated)', () => {
    const slow = new World({ pendingMs: 0, attachingMs: 10_000 });
    const id = slow.run();
    const subnet = slow.call('DescribeInstances', { InstanceIds: [id] }).Reservations[0].Instances[0].SubnetId;
    const eni = slow.call('CreateNetworkInterface', { SubnetId: subnet }).NetworkInterface;
    slow.call('AttachNetworkInterface', { NetworkInterfaceId: eni.NetworkInterfaceId, InstanceId: id, DeviceIndex: 1 });
    assert.ok(String(slow.meta(id, 'network/interfaces/macs/')).includes(eni.MacAddress));
  });

  it('stopping: served, public IPv4 gone; stopped and terminated: 404; started again: a new public IPv4', () => {
    const slow = new World({ pendingMs: 1000, stoppingMs: 1000, shuttingDownMs: 1000 });
    const id = slow.run();
    assert.equal(slow.meta(id, 'instance-id'), id, 'pending is served');
    slow.clock += 1000;
    const before = slow.meta(id, 'public-ipv4');
    assert.match(String(before), /^\d+\.\d+\.\d+\.\d+$/);
    slow.call('StopInstances', { InstanceIds: [id] });
    assert.equal(slow.meta(id, 'instance-id'), id, 'stopping is served');
    assert.equal(slow.meta(id, 'public-ipv4'), 404);
    assert.ok(!String(slow.meta(id, '')).split('\n').includes('public-ipv4'));
    slow.clock += 1000;
    assert.equal(slow.meta(id, 'instance-id'), 404, 'stopped → 404');
    slow.call('StartInstances', { InstanceIds: [id] });
    assert.match(String(slow.meta(id, 'public-ipv4')), /^\d+\.\d+\.\d+\.\d+$/);
    slow.call('TerminateInstances', { InstanceIds: [id] });
    assert.equal(slow.meta(id, 'instance-id'), id, 'shutting-down is served');
    slow.clock += 1000;
    assert.equal(slow.meta(id, 'instance-id'), 404, 'terminated → 404');
  });
});

describe('imds: IMDSv2 tokens', () => {
  let w: World;
  let id: string;
  const ttl = (v: string) => ({ 'X-aws-ec2-metadata-token-ttl-seconds': v });
  beforeEach(() => {
    w = new World();
    id = w.run();
  });

  it('PUT /latest/api/token returns a token that GETs accept', () => {
    const r = w.req(`/${id}/latest/api/token`, { method: 'PUT', headers: ttl('21600') });
    assert.equal(r.status, 200);
    assert.equal(r.headers?.['content-type'], 'text/plain');
    assert.equal(r.headers?.['x-aws-ec2-metadata-token-ttl-seconds'], '21600');
    assert.equal(r.body.length, 56);
    assert.equal(w.meta(id, 'instance-id', { 'X-aws-ec2-metadata-token': r.body }), id);
    const viaHeader = w.req('/latest/api/token', { method: 'PUT', headers: { ...ttl('5'), 'X-ec2net-Instance-Id': id } });
    assert.equal(viaHeader.status, 200);
  });

  it('a missing or invalid TTL → 400', () => {
    for (const bad of [undefined, '', '0', '21601', '-1', 'abc', '1.5', '99999999']) {
      const r = w.req(`/${id}/latest/api/token`, { method: 'PUT', headers: bad === undefined ? {} : ttl(bad) });
      assert.equal(r.status, 400, `ttl ${bad}`);
    }
    assert.equal(w.req(`/${id}/latest/api/token`, { method: 'PUT', headers: ttl('1') }).status, 200);
  });

  it('X-Forwarded-For → 403; a versioned token path → 403; other methods on the token path → 405', () => {
    assert.equal(w.req(`/${id}/latest/api/token`, { method: 'PUT', headers: { ...ttl('60'), 'X-Forwarded-For': '10.0.0.1' } }).status, 403);
    assert.equal(w.req(`/${id}/2021-03-23/api/token`, { method: 'PUT', headers: ttl('60') }).status, 403);
    const get = w.req(`/${id}/latest/api/token`);
    assert.equal(get.status, 405);
    assert.equal(get.headers?.allow, 'PUT');
    assert.equal(w.req(`/${id}/latest/meta-data/instance-id`, { method: 'PUT', headers: ttl('60') }).status, 405);
    assert.equal(w.req(`/${id}/latest/meta-data/instance-id`, { method: 'POST' }).status, 405);
  });

  it('an invalid token → 401 even when tokens are optional', () => {
    assert.equal(w.meta(id, 'instance-id', { 'X-aws-ec2-metadata-token': 'not-a-token' }), 401);
  });

  it('tokens expire on the server clock', () => {
    const t = w.token(id, '2');
    w.clock += 1999;
    assert.equal(w.meta(id, 'instance-id', { 'X-aws-ec2-metadata-token': t }), id);
    w.clock += 1;
    assert.equal(w.meta(id, 'instance-id', { 'X-aws-ec2-metadata-token': t }), 401);
  });

  it('tokens are bound to their instance', () => {
    const other = w.run();
    const t = w.token(id);
    assert.equal(w.meta(other, 'instance-id', { 'X-aws-ec2-metadata-token': t }), 401);
  });

  it('HttpTokens=required: no token → 401, a token → 200', () => {
    const strict = w.run({ MetadataOptions: { HttpTokens: 'required' } });
    assert.equal(w.meta(strict, 'instance-id'), 401);
    assert.equal(w.req(`/${strict}/`).status, 401);
    assert.equal(w.meta(strict, 'instance-id', { 'X-aws-ec2-metadata-token': w.token(strict) }), strict);
    w.call('ModifyInstanceMetadataOptions', { InstanceId: strict, HttpTokens: 'optional' });
    assert.equal(w.meta(strict, 'instance-id'), strict);
  });

  it('HttpEndpoint=disabled → 403 for tokens and reads', () => {
    w.call('ModifyInstanceMetadataOptions', { InstanceId: id, HttpEndpoint: 'disabled' });
    assert.equal(w.meta(id, 'instance-id'), 403);
    assert.equal(w.req(`/${id}/latest/api/token`, { method: 'PUT', headers: ttl('60') }).status, 403);
    w.call('ModifyInstanceMetadataOptions', { InstanceId: id, HttpEndpoint: 'enabled' });
    assert.equal(w.meta(id, 'instance-id'), id);
  });

  it('a reset (a new cloud) forgets every token, even for a re-used instance id', () => {
    // Two clouds whose id generators produce the same sequence, so the instance id repeats.
    const seq = () => {
      let n = 0;
      return (k: number) => Buffer.alloc(k, ++n);
    };
    const make = () => new Cloud({ defaultAccountId: ACCOUNT, ids: new IdGenerator(seq()), lifecycle: { pendingMs: 0 } });
    let cloud = make();
    const service = new ImdsService({ getCloud: () => cloud });
    const launch = () => {
      const region = cloud.region(ACCOUNT, 'us-east-1');
      const ctx: RequestContext = { cloud, region, accountId: ACCOUNT, accessKeyId: 'AKIAEXAMPLE', requestId: 'r', operation: 'RunInstances' };
      return (allHandlers.RunInstances as (c: RequestContext, i: unknown) => any)(ctx, { ImageId: IMAGE, MinCount: 1, MaxCount: 1 }).Instances[0]
        .InstanceId as string;
    };
    const first = launch();
    const token = service.handle({ method: 'PUT', url: `/${first}/latest/api/token`, headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' } }).body;
    const get = () => service.handle({ method: 'GET', url: `/${first}/latest/meta-data/instance-id`, headers: { 'x-aws-ec2-metadata-token': token } }).status;
    assert.equal(get(), 200);
    cloud = make();
    assert.equal(launch(), first, 'the id repeats in the new cloud');
    assert.equal(get(), 401);
  });

  it('HEAD is answered like GET', () => {
    assert.equal(w.req(`/${id}/latest/meta-data/instance-id`, { method: 'HEAD' }).status, 200);
  });
});

describe('imds: token store and TTL parsing', () => {
  it('parseTtl accepts 1..21600 integers only', () => {
    assert.equal(parseTtl('1'), 1);
    assert.equal(parseTtl(' 21600 '), 21600);
    for (const bad of [undefined, '', '0', '21601', '1e3', '0x10', '+5', '1.0']) assert.equal(parseTtl(bad), undefined, String(bad));
  });

  it('is bounded: the oldest tokens are forgotten first', () => {
    let now = 0;
    const store = new TokenStore(() => now, 3);
    const [a, b, c] = [store.issue('i-1', 60), store.issue('i-1', 60), store.issue('i-1', 60)];
    const d = store.issue('i-1', 60);
    assert.equal(store.size, 3);
    assert.equal(store.valid(a, 'i-1'), false);
    for (const t of [b, c, d]) assert.equal(store.valid(t, 'i-1'), true);
    now = 61_000;
    store.issue('i-2', 60);
    assert.equal(store.size, 1, 'expired tokens are swept');
  });

  it('lookup distinguishes leaves, directories and misses', () => {
    const root: MetadataDir = new Map<string, MetadataNode>([
      [
        'a',
        new Map<string, MetadataNode>([
          ['b', 'x'],
          ['c', new Map()],
        ]),
      ],
    ]);
    assert.deepEqual(lookup(root, ['a']), { kind: 'dir', text: 'b\nc/' });
    assert.deepEqual(lookup(root, ['a', 'b']), { kind: 'leaf', text: 'x' });
    assert.equal(lookup(root, ['a', 'b', 'z']), undefined);
    assert.equal(lookup(root, ['constructor']), undefined);
  });
});
