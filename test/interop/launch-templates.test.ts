/**
 * Launch templates through the real clients: CreateLaunchTemplate, CreateLaunchTemplateVersion,
 * DescribeLaunchTemplates, DescribeLaunchTemplateVersions, ModifyLaunchTemplate,
 * DeleteLaunchTemplate, DeleteLaunchTemplateVersions, and RunInstances with LaunchTemplate
 * (including the network interfaces a template describes).
 *
 * Sources, cited per test:
 * - [api …]: the EC2 API reference page of the operation named;
 * - [ug]: EC2 User Guide, "Store instance launch parameters in Amazon EC2 launch templates" and
 *   "Launch an instance from a launch template" (request parameters override the template's;
 *   versions, $Latest and $Default; the default version cannot be deleted);
 * - [errors]: "Error codes for the Amazon EC2 API" (InvalidLaunchTemplateId.NotFound / .Malformed /
 *   .VersionNotFound, InvalidLaunchTemplateName.AlreadyExistsException / .MalformedException /
 *   .NotFoundException);
 * - [obs …]: AWS answers quoted in public threads or checked against AWS by other projects' suites.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateKeyPairCommand,
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteKeyPairCommand,
  DeleteLaunchTemplateCommand,
  DeleteLaunchTemplateVersionsCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  GetLaunchTemplateDataCommand,
  ModifyLaunchTemplateCommand,
  RunInstancesCommand,
  type RequestLaunchTemplateData,
} from '@aws-sdk/client-ec2';
import { expectCode, expectRefusal, getEni, getInstance, IMAGE, invariants, refusedUnchanged, useHarness } from './harness.js';

describe('launch templates', () => {
  const h = useHarness();
  const ec2 = h.ec2();

  const templates = async () => {
    const t = (await ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates ?? [];
    const v = await Promise.all(t.map((x) => ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: x.LaunchTemplateId }))));
    return { t, v: v.map((r) => r.LaunchTemplateVersions) };
  };
  const create = (name: string, data: RequestLaunchTemplateData = { ImageId: IMAGE, InstanceType: 't3.micro' }, extra = {}) =>
    ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: name, LaunchTemplateData: data, ...extra })).then((r) => r.LaunchTemplate!);

  it('CreateLaunchTemplate: lt- id, version 1 default and latest, CreatedBy the account root, tags [api CreateLaunchTemplate]', async () => {
    const t = await create(
      'web-1',
      { ImageId: IMAGE },
      { VersionDescription: 'first', TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'team', Value: 'net' }] }] },
    );
    assert.match(t.LaunchTemplateId!, /^lt-[0-9a-f]{17}$/);
    assert.equal(t.LaunchTemplateName, 'web-1');
    assert.equal(t.CreatedBy, 'arn:aws:iam::123456789012:root');
    assert.equal(t.DefaultVersionNumber, 1);
    assert.equal(t.LatestVersionNumber, 1);
    assert.ok(t.CreateTime instanceof Date);
    assert.deepEqual(t.Tags, [{ Key: 'team', Value: 'net' }]);
    const [v] = (await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'web-1' }))).LaunchTemplateVersions!;
    assert.deepEqual([v!.VersionNumber, v!.VersionDescription, v!.DefaultVersion, v!.LaunchTemplateData], [1, 'first', true, { ImageId: IMAGE }]);
  });

  it('CreateLaunchTemplate refuses a duplicate name, a malformed name and empty data, changing nothing [errors][obs packer#7817, LocalStack AWS-validated tests]', async () => {
    await create('dup');
    const e = await expectRefusal(h, templates, () => create('dup'), 'InvalidLaunchTemplateName.AlreadyExistsException');
    assert.equal(e.message, 'Launch template name already in use.');
    await expectRefusal(h, templates, () => create('has spaces'), 'InvalidLaunchTemplateName.MalformedException');
    await expectRefusal(h, templates, () => create('empty', {}), 'MissingParameter');
    await expectRefusal(
      h,
      templates,
      () => create('badtag', { TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'aws:x', Value: 'y' }] }] }),
      'InvalidParameterValue',
    );
  });

  it('CreateLaunchTemplate with a ClientToken is idempotent [api CreateLaunchTemplate ClientToken]', async () => {
    const a = await create('tok', undefined, { ClientToken: 'abc' });
    const b = await create('tok', undefined, { ClientToken: 'abc' });
    assert.equal(b.LaunchTemplateId, a.LaunchTemplateId);
    await expectCode(create('tok2', undefined, { ClientToken: 'abc' }), 'IdempotentParameterMismatch');
  });

  it('DescribeLaunchTemplates: ids, names, filters, NotFound errors, pagination [api DescribeLaunchTemplates][errors]', async () => {
    const a = await create('app-a', undefined, { TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'env', Value: 'prod' }] }] });
    const b = await create('app-b');
    await create('other');
    const names = async (input: object) => (await ec2.send(new DescribeLaunchTemplatesCommand(input))).LaunchTemplates!.map((t) => t.LaunchTemplateName).sort();
    assert.deepEqual(await names({ LaunchTemplateIds: [b.LaunchTemplateId] }), ['app-b']);
    assert.deepEqual(await names({ LaunchTemplateNames: ['app-a', 'other'] }), ['app-a', 'other']);
    assert.deepEqual(await names({ Filters: [{ Name: 'launch-template-name', Values: ['app-*'] }] }), ['app-a', 'app-b']);
    assert.deepEqual(await names({ Filters: [{ Name: 'tag:env', Values: ['prod'] }] }), ['app-a']);
    assert.deepEqual(await names({ Filters: [{ Name: 'tag-key', Values: ['env'] }] }), ['app-a']);
    await expectCode(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['nope'] })), 'InvalidLaunchTemplateName.NotFoundException');
    const e = await expectCode(
      ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ['lt-0123456789abcdef0'] })),
      'InvalidLaunchTemplateId.NotFound',
    );
    assert.equal(e.message, 'The specified launch template, with template ID lt-0123456789abcdef0, does not exist.');
    await expectCode(ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ['bogus'] })), 'InvalidLaunchTemplateId.Malformed');
    const pages = await h.boto3(`
p = ec2.get_paginator('describe_launch_templates')
result = [[t['LaunchTemplateName'] for t in page['LaunchTemplates']] for page in p.paginate(PaginationConfig={'PageSize': 2})]`);
    assert.deepEqual(
      pages.map((p: string[]) => p.length),
      [2, 1],
    );
    assert.deepEqual(pages.flat().sort(), ['app-a', 'app-b', 'other']);
    assert.ok(a.LaunchTemplateId);
  });

  it('empty LaunchTemplateData: refused for a template and for a version without a source; a version with a source copies it [obs awsdocs/aws-cloudformation-user-guide#453][community.aws ec2_launch_template target]', async () => {
    // Observed through CloudFormation: "No launch template data was provided. Launch template data is required to create a launch template."
    const e = await expectRefusal(h, templates, () => create('empty', {}), 'MissingParameter');
    assert.equal(e.message, 'No launch template data was provided. Launch template data is required to create a launch template.');
    const t = await create('src', { ImageId: IMAGE, InstanceType: 'c4.large' });
    const versions = async () => (await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'src' }))).LaunchTemplateVersions;
    await expectRefusal(
      h,
      versions,
      () => ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: t.LaunchTemplateId, LaunchTemplateData: {} })),
      'MissingParameter',
    );
    // community.aws ec2_launch_template (run against AWS by that collection's CI) makes a version from
    // the latest with only a description: botocore sends no LaunchTemplateData at all.
    const v2 = await h.boto3(
      `result = ec2.create_launch_template_version(LaunchTemplateId='${t.LaunchTemplateId}', SourceVersion='1', VersionDescription='Fix something.', LaunchTemplateData={})['LaunchTemplateVersion']`,
    );
    assert.deepEqual([v2.VersionNumber, v2.VersionDescription, v2.LaunchTemplateData], [2, 'Fix something.', { ImageId: IMAGE, InstanceType: 'c4.large' }]);
    await invariants(h);
  });

  it('versions: SourceVersion inherits and overrides; $Latest, $Default, Min/MaxVersion, filters; ModifyLaunchTemplate [api CreateLaunchTemplateVersion, DescribeLaunchTemplateVersions, ModifyLaunchTemplate][ug]', async () => {
    const t = await create('ver', { ImageId: IMAGE, InstanceType: 't3.micro', MetadataOptions: { HttpTokens: 'required' } });
    const v2 = await ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: t.LaunchTemplateId,
        SourceVersion: '1',
        VersionDescription: 'bigger',
        LaunchTemplateData: { InstanceType: 't3.large' },
      }),
    );
    assert.equal(v2.LaunchTemplateVersion!.VersionNumber, 2);
    assert.equal(v2.LaunchTemplateVersion!.DefaultVersion, false);
    assert.deepEqual(v2.LaunchTemplateVersion!.LaunchTemplateData, { ImageId: IMAGE, InstanceType: 't3.large', MetadataOptions: { HttpTokens: 'required' } });
    // Without SourceVersion a version holds only what it was given.
    const v3 = await h.cli(['create-launch-template-version', '--launch-template-name', 'ver', '--launch-template-data', '{"InstanceType":"m5.large"}']);
    assert.deepEqual(v3.LaunchTemplateVersion.LaunchTemplateData, { InstanceType: 'm5.large' });
    const pick = async (input: object) =>
      (await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'ver', ...input })))
        .LaunchTemplateVersions!.map((v) => v.VersionNumber)
        .sort();
    assert.deepEqual(await pick({ Versions: ['$Latest'] }), [3]);
    assert.deepEqual(await pick({ Versions: ['$Default', '2'] }), [1, 2]);
    assert.deepEqual(await pick({ MinVersion: '2' }), [2, 3]);
    assert.deepEqual(await pick({ MaxVersion: '2' }), [1, 2]);
    assert.deepEqual(await pick({ Filters: [{ Name: 'instance-type', Values: ['t3.*'] }] }), [1, 2]);
    assert.deepEqual(await pick({ Filters: [{ Name: 'is-default-version', Values: ['true'] }] }), [1]);
    assert.deepEqual(await pick({ Filters: [{ Name: 'http-tokens', Values: ['required'] }] }), [1, 2]);
    assert.deepEqual(await pick({ Filters: [{ Name: 'license-configuration-arn', Values: ['*'] }] }), []);
    await expectCode(
      ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'ver', Versions: ['9'] })),
      'InvalidLaunchTemplateId.VersionNotFound',
    );
    await expectCode(ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'nope' })), 'InvalidLaunchTemplateName.NotFoundException');

    // ModifyLaunchTemplate moves the default; a version that does not exist is refused (LocalStack's AWS-validated test).
    const m = await ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateName: 'ver', DefaultVersion: '2' }));
    assert.deepEqual([m.LaunchTemplate!.DefaultVersionNumber, m.LaunchTemplate!.LatestVersionNumber], [2, 3]);
    await expectRefusal(
      h,
      templates,
      () => ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: t.LaunchTemplateId, DefaultVersion: '666' })),
      'InvalidLaunchTemplateId.VersionNotFound',
    );
    // Across all templates, only $Latest / $Default may be asked for.
    const all = await h.boto3(`result = [v['VersionNumber'] for v in ec2.describe_launch_template_versions(Versions=['$Default'])['LaunchTemplateVersions']]`);
    assert.deepEqual(all, [2]);
  });

  it('DeleteLaunchTemplateVersions: per-version results, the default version stays, numbers are not reused; DeleteLaunchTemplate [api DeleteLaunchTemplateVersions, DeleteLaunchTemplate]', async () => {
    const t = await create('del');
    for (let i = 0; i < 3; i++)
      await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateName: 'del', LaunchTemplateData: { InstanceType: 't3.small' } }));
    const r = await ec2.send(new DeleteLaunchTemplateVersionsCommand({ LaunchTemplateName: 'del', Versions: ['1', '4', '9'] }));
    assert.deepEqual(
      r.SuccessfullyDeletedLaunchTemplateVersions!.map((s) => s.VersionNumber),
      [4],
    );
    assert.deepEqual(
      r.UnsuccessfullyDeletedLaunchTemplateVersions!.map((u) => [u.VersionNumber, u.ResponseError!.Code]),
      [
        [1, 'unexpectedError'],
        [9, 'launchTemplateVersionDoesNotExist'],
      ],
    );
    const [d] = (await ec2.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [t.LaunchTemplateId!] }))).LaunchTemplates!;
    assert.deepEqual([d!.DefaultVersionNumber, d!.LatestVersionNumber], [1, 3]);
    const v = await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateName: 'del', LaunchTemplateData: { InstanceType: 't3.small' } }));
    assert.equal(v.LaunchTemplateVersion!.VersionNumber, 5);
    const gone = await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: t.LaunchTemplateId }));
    assert.equal(gone.LaunchTemplate!.LaunchTemplateName, 'del');
    assert.deepEqual((await templates()).t, []);
    await expectCode(ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: 'del' })), 'InvalidLaunchTemplateName.NotFoundException');
    // The name is free again.
    await create('del');
  });

  it('RunInstances from a template: its network interfaces (subnet, groups, secondary addresses, public IP), $Default by default, request overrides, aws: tags [ug][api RunInstances]', async () => {
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.8.0.0/16' }));
    const vpcId = Vpc!.VpcId!;
    const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.8.1.0/24', AvailabilityZone: 'us-east-1b' }));
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'web', Description: 'web' }));
    await ec2.send(new CreateKeyPairCommand({ KeyName: 'tpl-key', KeyType: 'ed25519' }));
    const t = await create('net', {
      ImageId: IMAGE,
      InstanceType: 'm5.large',
      KeyName: 'tpl-key',
      NetworkInterfaces: [
        {
          DeviceIndex: 0,
          SubnetId: Subnet!.SubnetId,
          Groups: [GroupId!],
          PrivateIpAddress: '10.8.1.10',
          SecondaryPrivateIpAddressCount: 2,
          DeleteOnTermination: true,
          Description: 'front',
        },
        { DeviceIndex: 1, SubnetId: Subnet!.SubnetId, Groups: [GroupId!], DeleteOnTermination: false },
      ],
      TagSpecifications: [
        {
          ResourceType: 'instance',
          Tags: [
            { Key: 'Name', Value: 'from-template' },
            { Key: 'tier', Value: 'web' },
          ],
        },
      ],
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
    });
    await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateName: 'net', LaunchTemplateData: { ImageId: IMAGE, InstanceType: 'c5.xlarge' } }));

    const r = await ec2.send(
      new RunInstancesCommand({
        MinCount: 1,
        MaxCount: 1,
        LaunchTemplate: { LaunchTemplateName: 'net' },
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'override' }] }],
      }),
    );
    const i = await getInstance(ec2, r.Instances![0]!.InstanceId!);
    assert.equal(i.InstanceType, 'm5.large', '$Default (version 1) when no version is named');
    assert.equal(i.KeyName, 'tpl-key');
    assert.equal(i.SubnetId, Subnet!.SubnetId);
    assert.equal(i.MetadataOptions!.HttpTokens, 'required');
    assert.equal(i.MetadataOptions!.HttpPutResponseHopLimit, 2);
    const tags = Object.fromEntries(i.Tags!.map((x) => [x.Key, x.Value]));
    assert.deepEqual(tags, { Name: 'override', tier: 'web', 'aws:ec2launchtemplate:id': t.LaunchTemplateId, 'aws:ec2launchtemplate:version': '1' });
    const byIndex = [...i.NetworkInterfaces!].sort((a, b) => a.Attachment!.DeviceIndex! - b.Attachment!.DeviceIndex!);
    assert.equal(byIndex.length, 2);
    const eth0 = await getEni(ec2, byIndex[0]!.NetworkInterfaceId!);
    assert.equal(eth0.PrivateIpAddress, '10.8.1.10');
    assert.equal(eth0.PrivateIpAddresses!.length, 3);
    assert.equal(eth0.Description, 'front');
    assert.deepEqual(
      eth0.Groups!.map((g) => g.GroupId),
      [GroupId],
    );
    assert.equal(eth0.Attachment!.DeleteOnTermination, true);
    const eth1 = await getEni(ec2, byIndex[1]!.NetworkInterfaceId!);
    assert.equal(eth1.Attachment!.DeleteOnTermination, false);
    // Two interfaces at launch: no public IPv4 (the rule RunInstances applies to any launch).
    assert.equal(i.PublicIpAddress, undefined);

    // $Latest (no interfaces: the default subnet) through the CLI, the request's InstanceType over the template's.
    const out = await h.cli([
      'run-instances',
      '--launch-template',
      `LaunchTemplateId=${t.LaunchTemplateId},Version=$Latest`,
      '--count',
      '1',
      '--instance-type',
      't3.nano',
      '--query',
      'Instances[0].InstanceId',
    ]);
    const j = await getInstance(ec2, out);
    assert.equal(j.InstanceType, 't3.nano');
    assert.equal(j.Tags!.find((x) => x.Key === 'aws:ec2launchtemplate:version')!.Value, '2');
    await invariants(h);
  });

  it('RunInstances from a template is checked at launch: clashing parameters, a deleted key pair, a missing template or version change nothing [ug][errors]', async () => {
    await ec2.send(new CreateKeyPairCommand({ KeyName: 'short-lived' }));
    const t = await create('checked', { ImageId: IMAGE, KeyName: 'short-lived', NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: true }] });
    const run = (spec: object, extra: object = {}) => ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: spec, ...extra }));
    // A template with network interfaces and an instance-level subnet or groups in the request clash.
    const subnetId = (await h.boto3(`result = ec2.describe_subnets()['Subnets'][0]['SubnetId']`)) as string;
    const e = await refusedUnchanged(h, ec2, () => run({ LaunchTemplateId: t.LaunchTemplateId }, { SubnetId: subnetId }), 'InvalidParameterCombination');
    assert.match(e.message, /Network interfaces and an instance-level subnet ID may not be specified on the same request/);
    await refusedUnchanged(h, ec2, () => run({ LaunchTemplateName: 'checked', Version: '7' }), 'InvalidLaunchTemplateId.VersionNotFound');
    await refusedUnchanged(h, ec2, () => run({ LaunchTemplateName: 'missing' }), 'InvalidLaunchTemplateName.NotFoundException');
    await refusedUnchanged(h, ec2, () => run({ LaunchTemplateId: 'lt-0123456789abcdef0' }), 'InvalidLaunchTemplateId.NotFound');
    // The template keeps the key's name; the key pair is looked up when the template is used.
    await ec2.send(new DeleteKeyPairCommand({ KeyName: 'short-lived' }));
    await refusedUnchanged(h, ec2, () => run({ LaunchTemplateName: 'checked' }), 'InvalidKeyPair.NotFound');
    // A template without an image needs the request to give one.
    await create('no-image', { InstanceType: 't3.micro' });
    await refusedUnchanged(h, ec2, () => run({ LaunchTemplateName: 'no-image' }), 'MissingParameter');
    const ok = await run({ LaunchTemplateName: 'no-image' }, { ImageId: IMAGE });
    assert.equal(ok.Instances![0]!.InstanceType, 't3.micro');
  });

  it('GetLaunchTemplateData: the parameters of an instance as template data, usable to launch again [api GetLaunchTemplateData]', async () => {
    await ec2.send(new CreateKeyPairCommand({ KeyName: 'gd' }));
    const r = await ec2.send(
      new RunInstancesCommand({
        ImageId: IMAGE,
        InstanceType: 't3.small',
        KeyName: 'gd',
        MinCount: 1,
        MaxCount: 1,
        MetadataOptions: { HttpTokens: 'required' },
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'src' }] }],
      }),
    );
    const i = r.Instances![0]!;
    const { LaunchTemplateData: d } = await ec2.send(new GetLaunchTemplateDataCommand({ InstanceId: i.InstanceId }));
    assert.deepEqual([d!.ImageId, d!.InstanceType, d!.KeyName, d!.MetadataOptions!.HttpTokens], [IMAGE, 't3.small', 'gd', 'required']);
    assert.deepEqual(d!.TagSpecifications, [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'src' }] }]);
    const [eni] = d!.NetworkInterfaces!;
    assert.deepEqual(
      [eni!.DeviceIndex, eni!.NetworkInterfaceId, eni!.SubnetId, eni!.PrivateIpAddress],
      [0, i.NetworkInterfaces![0]!.NetworkInterfaceId, i.SubnetId, i.PrivateIpAddress],
    );
    await expectCode(ec2.send(new GetLaunchTemplateDataCommand({ InstanceId: 'i-0123456789abcdef0' })), 'InvalidInstanceID.NotFound');
    // A template made from it (without the interface's own id and address) launches a like instance.
    const { NetworkInterfaceId: _id, PrivateIpAddress: _ip, PrivateIpAddresses: _ips, ...nic } = eni!;
    await create('from-instance', { ...d, NetworkInterfaces: [nic] } as RequestLaunchTemplateData);
    const again = await ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateName: 'from-instance' } }));
    const j = await getInstance(ec2, again.Instances![0]!.InstanceId!);
    assert.deepEqual([j.InstanceType, j.KeyName, j.SubnetId, j.MetadataOptions!.HttpTokens], ['t3.small', 'gd', i.SubnetId, 'required']);
  });

  it('a template with only a secondary interface: the request gives eth0, the instance has both [api LaunchTemplateInstanceNetworkInterfaceSpecificationRequest.DeviceIndex]', async () => {
    const subnetId = (await h.boto3(
      `result = sorted(s['SubnetId'] for s in ec2.describe_subnets(Filters=[{'Name': 'availability-zone', 'Values': ['us-east-1a']}])['Subnets'])[0]`,
    )) as string;
    await create('eth1-only', {
      ImageId: IMAGE,
      InstanceType: 'm5.large',
      NetworkInterfaces: [{ DeviceIndex: 1, SubnetId: subnetId, SecondaryPrivateIpAddressCount: 1 }],
    });
    // Without eth0 the launch is refused as any launch without a primary interface is.
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateName: 'eth1-only' } })),
      'InvalidParameterValue',
    );
    const r = await ec2.send(
      new RunInstancesCommand({
        MinCount: 1,
        MaxCount: 1,
        LaunchTemplate: { LaunchTemplateName: 'eth1-only' },
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetId, Description: 'primary' }],
      }),
    );
    const i = await getInstance(ec2, r.Instances![0]!.InstanceId!);
    const nics = [...i.NetworkInterfaces!].sort((a, b) => a.Attachment!.DeviceIndex! - b.Attachment!.DeviceIndex!);
    assert.deepEqual(
      nics.map((n) => [n.Attachment!.DeviceIndex, n.Description, n.PrivateIpAddresses!.length]),
      [
        [0, 'primary', 1],
        [1, '', 2],
      ],
    );
    await invariants(h);
  });
});
