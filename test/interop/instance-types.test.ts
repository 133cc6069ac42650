/**
 * Instance types, instance type offerings and the built-in images through the real clients.
 * Expected limits are AWS's DescribeInstanceTypes NetworkInfo (see spec/README.md).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DescribeImagesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand,
  paginateDescribeInstanceTypeOfferings,
  paginateDescribeInstanceTypes,
  type InstanceTypeInfo,
} from '@aws-sdk/client-ec2';
import { expectCode, rawQuery, useHarness } from './harness.js';

const CATALOGUE_SIZE = 1391;

describe('instance types (interop)', () => {
  const h = useHarness({ resetEachTest: false });

  it('reports the network limits AWS documents (SDK)', async () => {
    const { InstanceTypes } = await h.ec2().send(new DescribeInstanceTypesCommand({ InstanceTypes: ['t3.micro', 'm5.large', 'c5n.18xlarge', 'p4d.24xlarge'] }));
    const by = new Map((InstanceTypes ?? []).map((t) => [t.InstanceType, t] as [string, InstanceTypeInfo]));
    assert.equal(by.size, 4);
    const limits = (t: string) => {
      const n = by.get(t)!.NetworkInfo!;
      return [n.MaximumNetworkInterfaces, n.Ipv4AddressesPerInterface, n.MaximumNetworkCards];
    };
    assert.deepEqual(limits('t3.micro'), [2, 2, 1]);
    assert.deepEqual(limits('m5.large'), [3, 10, 1]);
    assert.deepEqual(limits('c5n.18xlarge'), [15, 50, 1]);
    assert.deepEqual(limits('p4d.24xlarge'), [60, 50, 4]);

    const p4d = by.get('p4d.24xlarge')!;
    assert.deepEqual(
      p4d.NetworkInfo!.NetworkCards!.map((c) => [c.NetworkCardIndex, c.MaximumNetworkInterfaces]),
      [
        [0, 15],
        [1, 15],
        [2, 15],
        [3, 15],
      ],
    );
    assert.equal(p4d.NetworkInfo!.DefaultNetworkCardIndex, 0);
    assert.equal(p4d.NetworkInfo!.EfaSupported, true);
    assert.equal(p4d.NetworkInfo!.EfaInfo?.MaximumEfaInterfaces, 4);
    assert.deepEqual(p4d.SupportedUsageClasses, ['capacity-block', 'on-demand', 'spot']);

    const t3 = by.get('t3.micro')!;
    assert.equal(t3.Hypervisor, 'nitro');
    assert.equal(t3.BareMetal, false);
    assert.equal(t3.CurrentGeneration, true);
    assert.equal(t3.FreeTierEligible, true);
    assert.equal(t3.VCpuInfo?.DefaultVCpus, 2);
    assert.equal(t3.MemoryInfo?.SizeInMiB, 1024);
    assert.deepEqual(t3.ProcessorInfo?.SupportedArchitectures, ['x86_64']);
    assert.deepEqual(t3.SupportedUsageClasses, ['on-demand', 'spot']);
    assert.deepEqual(t3.SupportedRootDeviceTypes, ['ebs']);
    assert.deepEqual(t3.SupportedVirtualizationTypes, ['hvm']);
    assert.equal(t3.NetworkInfo!.EnaSupport, 'required');
    assert.equal(t3.NetworkInfo!.Ipv6Supported, true);
    assert.equal(t3.NetworkInfo!.Ipv6AddressesPerInterface, 2);
    assert.equal(t3.NetworkInfo!.EfaSupported, false);
    assert.equal(t3.NetworkInfo!.EfaInfo, undefined);
    assert.equal(by.get('m5.large')!.CurrentGeneration, false, 'AWS now lists m5 as previous generation');
  });

  it('derives Xen-era attributes for old types (boto3)', async () => {
    const got = await h.boto3(`
r = ec2.describe_instance_types(InstanceTypes=['t2.micro', 'm1.small', 'm6g.large', 'c5.metal'])['InstanceTypes']
result = {t['InstanceType']: t for t in r}`);
    assert.equal(got['t2.micro'].Hypervisor, 'xen');
    assert.deepEqual(got['t2.micro'].ProcessorInfo.SupportedArchitectures, ['i386', 'x86_64']);
    assert.equal(got['t2.micro'].NetworkInfo.EnaSupport, 'unsupported');
    assert.equal(got['t2.micro'].FreeTierEligible, false);
    assert.equal(got['m1.small'].CurrentGeneration, false);
    assert.equal(got['m1.small'].NetworkInfo.Ipv6Supported, false);
    assert.deepEqual(got['m1.small'].SupportedVirtualizationTypes, ['hvm', 'paravirtual']);
    assert.deepEqual(got['m6g.large'].ProcessorInfo.SupportedArchitectures, ['arm64']);
    assert.equal(got['c5.metal'].BareMetal, true);
    assert.equal(got['c5.metal'].Hypervisor, undefined, 'AWS leaves Hypervisor out for bare metal');
  });

  it('filters: network-info.maximum-network-interfaces=15 includes c5n.18xlarge (CLI, auto-paginated)', async () => {
    const out = await h.cli(['describe-instance-types', '--filters', 'Name=network-info.maximum-network-interfaces,Values=15']);
    const names: string[] = out.InstanceTypes.map((t: any) => t.InstanceType);
    assert.ok(names.includes('c5n.18xlarge'));
    assert.ok(!names.includes('t3.micro'));
    assert.ok(names.length > 100, `expected more than one page of results, got ${names.length}`);
    for (const t of out.InstanceTypes) assert.equal(t.NetworkInfo.MaximumNetworkInterfaces, 15);
  });

  it('filters combine: AND across names, OR within values, wildcards on instance-type', async () => {
    const ec2 = h.ec2();
    const arm = await ec2.send(
      new DescribeInstanceTypesCommand({
        Filters: [
          { Name: 'instance-type', Values: ['t4g.*', 't3.*'] },
          { Name: 'processor-info.supported-architecture', Values: ['arm64'] },
        ],
      }),
    );
    const names = arm.InstanceTypes!.map((t) => t.InstanceType!).sort();
    assert.deepEqual(names, ['t4g.2xlarge', 't4g.large', 't4g.medium', 't4g.micro', 't4g.nano', 't4g.small', 't4g.xlarge']);

    const efa = await ec2.send(
      new DescribeInstanceTypesCommand({
        Filters: [
          { Name: 'network-info.efa-supported', Values: ['true'] },
          { Name: 'network-info.maximum-network-cards', Values: ['4'] },
          { Name: 'network-info.ipv4-addresses-per-interface', Values: ['50'] },
        ],
      }),
    );
    assert.ok(efa.InstanceTypes!.some((t) => t.InstanceType === 'p4d.24xlarge'));
    assert.ok(efa.InstanceTypes!.every((t) => t.NetworkInfo!.MaximumNetworkCards === 4));

    const free = await ec2.send(new DescribeInstanceTypesCommand({ Filters: [{ Name: 'free-tier-eligible', Values: ['true'] }] }));
    assert.deepEqual(free.InstanceTypes!.map((t) => t.InstanceType).sort(), [
      'c7i-flex.large',
      'm7i-flex.large',
      't3.micro',
      't3.small',
      't4g.micro',
      't4g.small',
    ]);

    const old = await ec2.send(
      new DescribeInstanceTypesCommand({
        Filters: [
          { Name: 'current-generation', Values: ['false'] },
          { Name: 'instance-type', Values: ['m1.*', 't3.*'] },
        ],
      }),
    );
    assert.ok(old.InstanceTypes!.length > 0 && old.InstanceTypes!.every((t) => t.InstanceType!.startsWith('m1.')));

    const xen = await ec2.send(
      new DescribeInstanceTypesCommand({
        Filters: [
          { Name: 'hypervisor', Values: ['xen'] },
          { Name: 'network-info.ena-support', Values: ['supported'] },
        ],
      }),
    );
    assert.ok(xen.InstanceTypes!.some((t) => t.InstanceType === 'i3.large'));
    assert.ok(xen.InstanceTypes!.every((t) => t.NetworkInfo!.EnaSupport === 'supported'));

    const sized = await ec2.send(
      new DescribeInstanceTypesCommand({
        Filters: [
          { Name: 'vcpu-info.default-vcpus', Values: ['2'] },
          { Name: 'memory-info.size-in-mib', Values: ['1024'] },
          { Name: 'bare-metal', Values: ['false'] },
          { Name: 'supported-virtualization-type', Values: ['hvm'] },
        ],
      }),
    );
    assert.ok(sized.InstanceTypes!.some((t) => t.InstanceType === 't3.micro'));
  });

  it('pages: 100 at a time by default, the SDK paginator walks every type once', async () => {
    const ec2 = h.ec2();
    const first = await ec2.send(new DescribeInstanceTypesCommand({}));
    assert.equal(first.InstanceTypes!.length, 100);
    assert.ok(first.NextToken);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeInstanceTypes({ client: ec2, pageSize: 100 }, {})) {
      pages++;
      for (const t of page.InstanceTypes ?? []) seen.push(t.InstanceType!);
    }
    assert.equal(pages, Math.ceil(CATALOGUE_SIZE / 100));
    assert.equal(seen.length, CATALOGUE_SIZE);
    assert.equal(new Set(seen).size, CATALOGUE_SIZE);
    await expectCode(ec2.send(new DescribeInstanceTypesCommand({ MaxResults: 3 })), 'InvalidParameterValue');
    await expectCode(ec2.send(new DescribeInstanceTypesCommand({ MaxResults: 101 })), 'InvalidParameterValue');
  });

  it('an unknown type is InvalidInstanceType with AWS wording', async () => {
    // g2.2xlarge is in the model's InstanceType enum but long retired, so not in the catalogue.
    const e = await expectCode(h.ec2().send(new DescribeInstanceTypesCommand({ InstanceTypes: ['t3.micro', 'g2.2xlarge'] })), 'InvalidInstanceType');
    assert.equal(e.message, 'The following supplied instance types do not exist: [g2.2xlarge]');
  });

  it('a filter on data ec2net does not have is refused, not silently empty', async () => {
    await expectCode(
      h.ec2().send(new DescribeInstanceTypesCommand({ Filters: [{ Name: 'ebs-info.nvme-support', Values: ['required'] }] })),
      'UnsupportedOperation',
    );
    await expectCode(h.ec2().send(new DescribeInstanceTypesCommand({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] })), 'InvalidParameterValue');
  });

  it('a type outside the model enum reaches the handler (AWS: InvalidInstanceType)', async () => {
    const res = await rawQuery(h.url, 'Action=DescribeInstanceTypes&Version=2016-11-15&InstanceType.1=foo.bar');
    assert.match(res.text, /<Code>InvalidInstanceType<\/Code>/);
  });
});

describe('instance type offerings (interop)', () => {
  const h = useHarness({ resetEachTest: false });

  it('by default lists every type in the caller region', async () => {
    const ec2 = h.ec2('eu-west-1');
    const all: string[] = [];
    for await (const page of paginateDescribeInstanceTypeOfferings({ client: ec2, pageSize: 1000 }, {})) {
      for (const o of page.InstanceTypeOfferings ?? []) {
        assert.equal(o.LocationType, 'region');
        assert.equal(o.Location, 'eu-west-1');
        all.push(o.InstanceType!);
      }
    }
    assert.equal(all.length, CATALOGUE_SIZE);
    const one = await ec2.send(new DescribeInstanceTypeOfferingsCommand({ Filters: [{ Name: 'instance-type', Values: ['t3.micro'] }] }));
    assert.deepEqual(one.InstanceTypeOfferings, [{ InstanceType: 't3.micro', LocationType: 'region', Location: 'eu-west-1' }]);
  });

  it('per zone and per zone id, with location and instance-type filters (CLI and boto3)', async () => {
    const out = await h.cli(
      ['describe-instance-type-offerings', '--location-type', 'availability-zone', '--filters', 'Name=instance-type,Values=t3.micro,m5.large'],
      'us-west-2',
    );
    const pairs = out.InstanceTypeOfferings.map((o: any) => `${o.Location} ${o.InstanceType}`).sort();
    const zones = ['us-west-2a', 'us-west-2b', 'us-west-2c', 'us-west-2d'];
    assert.deepEqual(
      pairs,
      zones.flatMap((z) => [`${z} m5.large`, `${z} t3.micro`]),
    );

    const byId = await h.boto3(
      `result = ec2.describe_instance_type_offerings(LocationType='availability-zone-id', Filters=[{'Name': 'location', 'Values': ['usw2-az1']}, {'Name': 'instance-type', 'Values': ['c5n.*']}])['InstanceTypeOfferings']`,
      'us-west-2',
    );
    assert.ok(byId.length > 0);
    for (const o of byId) {
      assert.equal(o.Location, 'usw2-az1');
      assert.equal(o.LocationType, 'availability-zone-id');
      assert.match(o.InstanceType, /^c5n\./);
    }
    const elsewhere = await h
      .ec2('us-west-2')
      .send(new DescribeInstanceTypeOfferingsCommand({ LocationType: 'availability-zone', Filters: [{ Name: 'location', Values: ['us-east-1a'] }] }));
    assert.deepEqual(elsewhere.InstanceTypeOfferings, []);
  });

  it('pages across zones with MaxResults and NextToken', async () => {
    const ec2 = h.ec2('us-east-1');
    let token: string | undefined;
    const seen = new Set<string>();
    let pages = 0;
    do {
      const r = await ec2.send(
        new DescribeInstanceTypeOfferingsCommand({
          LocationType: 'availability-zone',
          Filters: [{ Name: 'instance-type', Values: ['t3.*'] }],
          MaxResults: 5,
          NextToken: token,
        }),
      );
      pages++;
      for (const o of r.InstanceTypeOfferings!) seen.add(`${o.Location} ${o.InstanceType}`);
      token = r.NextToken;
    } while (token);
    assert.equal(seen.size, 6 * 7, 'six zones in us-east-1, seven t3 sizes');
    assert.equal(pages, Math.ceil(42 / 5));
    await expectCode(ec2.send(new DescribeInstanceTypeOfferingsCommand({ NextToken: 'bogus' })), 'InvalidPaginationToken');
  });
});

describe('images (interop)', () => {
  const h = useHarness({ resetEachTest: false });

  it('finds Amazon Linux 2023 by name with a wildcard, as the docs do (CLI)', async () => {
    const out = await h.cli(['describe-images', '--owners', 'amazon', '--filters', 'Name=name,Values=al2023-ami-2023*', 'Name=architecture,Values=x86_64']);
    assert.equal(out.Images.length, 1);
    const [img] = out.Images;
    assert.match(img.ImageId, /^ami-[0-9a-f]{17}$/);
    assert.equal(img.Name, 'al2023-ami-2023.6.20250218.2-kernel-6.1-x86_64');
    assert.equal(img.OwnerId, '137112412989');
    assert.equal(img.ImageOwnerAlias, 'amazon');
    assert.equal(img.State, 'available');
    assert.equal(img.Public, true);
    assert.equal(img.RootDeviceName, '/dev/xvda');
    assert.equal(img.RootDeviceType, 'ebs');
    assert.equal(img.VirtualizationType, 'hvm');
    assert.equal(img.EnaSupport, true);
    assert.equal(img.PlatformDetails, 'Linux/UNIX');
    assert.equal(img.UsageOperation, 'RunInstances');
    assert.equal(img.BlockDeviceMappings[0].DeviceName, '/dev/xvda');
    assert.match(img.BlockDeviceMappings[0].Ebs.SnapshotId, /^snap-[0-9a-f]{17}$/);

    // The broader pattern also catches the minimal images, for both architectures.
    const broad = await h.cli(['describe-images', '--owners', 'amazon', '--filters', 'Name=name,Values=al2023-ami-*']);
    assert.equal(broad.Images.length, 4);
  });

  it('image ids are per region and stable; owners by alias and account id (SDK, boto3)', async () => {
    const east = h.ec2('us-east-1');
    const a = await east.send(new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['debian-12-amd64-*'] }] }));
    const b = await east.send(new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['debian-12-amd64-*'] }] }));
    assert.equal(a.Images!.length, 1);
    assert.equal(a.Images![0]!.ImageId, b.Images![0]!.ImageId);
    assert.equal(a.Images![0]!.ImageOwnerAlias, undefined);
    const west = await h.ec2('eu-west-1').send(new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['debian-12-amd64-*'] }] }));
    assert.notEqual(west.Images![0]!.ImageId, a.Images![0]!.ImageId);

    const ubuntu = await h.boto3(
      `result = sorted(i['Name'] for i in ec2.describe_images(Owners=['099720109477'], Filters=[{'Name': 'name', 'Values': ['ubuntu/images/*ubuntu-noble-24.04-*-server-*']}])['Images'])`,
    );
    assert.deepEqual(ubuntu, [
      'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250305',
      'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20250305',
    ]);
    const windows = await h.boto3(`result = ec2.describe_images(Owners=['amazon'], Filters=[{'Name': 'platform', 'Values': ['windows']}])['Images']`);
    assert.equal(windows.length, 1);
    assert.equal(windows[0].Platform, 'windows');
    assert.equal(windows[0].UsageOperation, 'RunInstances:0002');
    assert.equal(windows[0].OwnerId, '801119661308');
    const mine = await east.send(new DescribeImagesCommand({ Owners: ['self'] }));
    assert.deepEqual(mine.Images, []);
    await expectCode(east.send(new DescribeImagesCommand({ Owners: ['somebody'] })), 'InvalidUserID.Malformed');
  });

  it('unknown and malformed ids get AWS codes and wording', async () => {
    const ec2 = h.ec2();
    const one = await expectCode(ec2.send(new DescribeImagesCommand({ ImageIds: ['ami-0123456789abcdef0'] })), 'InvalidAMIID.NotFound');
    assert.equal(one.message, "The image id '[ami-0123456789abcdef0]' does not exist");
    const two = await expectCode(ec2.send(new DescribeImagesCommand({ ImageIds: ['ami-12345678', 'ami-87654321'] })), 'InvalidAMIID.NotFound');
    assert.equal(two.message, "The image ids '[ami-12345678, ami-87654321]' do not exist");
    const bad = await expectCode(ec2.send(new DescribeImagesCommand({ ImageIds: ['ami-nothex'] })), 'InvalidAMIID.Malformed');
    assert.equal(bad.message, 'Invalid id: "ami-nothex" (expecting "ami-...")');
    // An id from another region does not exist here.
    const { Images } = await h.ec2('eu-west-1').send(new DescribeImagesCommand({ Owners: ['amazon'] }));
    await expectCode(ec2.send(new DescribeImagesCommand({ ImageIds: [Images![0]!.ImageId!] })), 'InvalidAMIID.NotFound');
  });

  it('deprecated images are hidden unless asked for or named', async () => {
    const ec2 = h.ec2();
    const pattern = [{ Name: 'name', Values: ['amzn-ami-hvm-*'] }];
    assert.deepEqual((await ec2.send(new DescribeImagesCommand({ Filters: pattern }))).Images, []);
    const withOld = await ec2.send(new DescribeImagesCommand({ Filters: pattern, IncludeDeprecated: true }));
    assert.equal(withOld.Images!.length, 2);
    const old = withOld.Images![0]!;
    assert.ok(old.DeprecationTime);
    const named = await ec2.send(new DescribeImagesCommand({ ImageIds: [old.ImageId!] }));
    assert.equal(named.Images![0]!.ImageId, old.ImageId);
  });

  it('paginates with MaxResults (boto3 paginator)', async () => {
    const got = await h.boto3(`
ids = []
pages = 0
for page in ec2.get_paginator('describe_images').paginate(IncludeDeprecated=True, PaginationConfig={'PageSize': 5}):
    pages += 1
    ids += [i['ImageId'] for i in page['Images']]
result = {'pages': pages, 'ids': ids}`);
    const all = await h.ec2().send(new DescribeImagesCommand({ IncludeDeprecated: true }));
    assert.equal(got.ids.length, all.Images!.length);
    assert.equal(new Set(got.ids).size, got.ids.length);
    assert.equal(got.pages, Math.ceil(all.Images!.length / 5));
    await expectCode(h.ec2().send(new DescribeImagesCommand({ MaxResults: 2 })), 'InvalidParameterValue');
  });
});
