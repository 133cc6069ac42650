/**
 * The launch template merge: the version's parameters fill what a RunInstances request leaves out,
 * the request's own values win (EC2 User Guide, "Launch an instance from a launch template"), tags
 * of both are kept with the request's value for a key in both, and the aws:ec2launchtemplate tags
 * name the template and the version used.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withLaunchTemplate } from '../../src/api/launch-template-merge.js';
import { Cloud } from '../../src/engine/cloud.js';
import { createLaunchTemplate, createVersion } from '../../src/engine/launch-template.js';

const world = () => new Cloud({ defaultAccountId: '123456789012', seed: 'ctr-merge' }).region('123456789012', 'us-east-1');

describe('withLaunchTemplate', () => {
  it('fills what the request leaves out; the request wins; $Default unless a version is named', () => {
    const region = world();
    const t = createLaunchTemplate(
      region,
      'merge',
      { ImageId: 'ami-1', InstanceType: 't3.micro', KeyName: 'k', RamDiskId: 'ari-1', NetworkInterfaces: [{ DeviceIndex: 0, Groups: ['sg-1'] }] },
      undefined,
      new Map(),
    );
    createVersion(region, t, { ImageId: 'ami-2' }, undefined, undefined);
    const r = withLaunchTemplate(region, { MinCount: 1, MaxCount: 1, InstanceType: 'm5.large', LaunchTemplate: { LaunchTemplateName: 'merge' } });
    assert.equal(r.input.ImageId, 'ami-1');
    assert.equal(r.input.InstanceType, 'm5.large');
    assert.equal(r.input.KeyName, 'k');
    assert.equal(r.input.RamdiskId, 'ari-1');
    assert.equal(r.input.LaunchTemplate, undefined);
    assert.deepEqual(r.input.NetworkInterfaces, [{ DeviceIndex: 0, Groups: ['sg-1'] }]);
    assert.deepEqual(
      [...r.systemTags],
      [
        ['aws:ec2launchtemplate:id', t.id],
        ['aws:ec2launchtemplate:version', '1'],
      ],
    );
    const latest = withLaunchTemplate(region, { MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateId: t.id, Version: '$Latest' } });
    assert.deepEqual([latest.input.ImageId, latest.input.InstanceType, latest.systemTags.get('aws:ec2launchtemplate:version')], ['ami-2', undefined, '2']);
  });

  it('the merged input is a copy: changing it leaves the template as it was', () => {
    const region = world();
    const t = createLaunchTemplate(region, 'copy', { NetworkInterfaces: [{ DeviceIndex: 0 }] }, undefined, new Map());
    const r = withLaunchTemplate(region, { MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateName: 'copy' } });
    r.input.NetworkInterfaces![0]!.DeviceIndex = 5;
    assert.deepEqual(t.versions.get(1)!.data.NetworkInterfaces, [{ DeviceIndex: 0 }]);
  });

  it('tags: both sets per resource type; a key in both takes the request value', () => {
    const region = world();
    createLaunchTemplate(
      region,
      'tags',
      {
        ImageId: 'ami-1',
        TagSpecifications: [
          {
            ResourceType: 'instance',
            Tags: [
              { Key: 'Name', Value: 'tpl' },
              { Key: 'team', Value: 'a' },
            ],
          },
          { ResourceType: 'volume', Tags: [{ Key: 'v', Value: '1' }] },
        ],
      },
      undefined,
      new Map(),
    );
    const r = withLaunchTemplate(region, {
      MinCount: 1,
      MaxCount: 1,
      LaunchTemplate: { LaunchTemplateName: 'tags' },
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'req' }] }],
    });
    assert.deepEqual(r.input.TagSpecifications, [
      { ResourceType: 'instance', Tags: [{ Key: 'team', Value: 'a' }] },
      { ResourceType: 'volume', Tags: [{ Key: 'v', Value: '1' }] },
      { ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'req' }] },
    ]);
  });

  it('unknown templates and versions are AWS errors', () => {
    const region = world();
    createLaunchTemplate(region, 'one', { ImageId: 'ami-1' }, undefined, new Map());
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as { code: string }).code;
      }
      return 'none';
    };
    const run = (spec: object) => () => withLaunchTemplate(region, { MinCount: 1, MaxCount: 1, LaunchTemplate: spec });
    assert.equal(codeOf(run({ LaunchTemplateName: 'two' })), 'InvalidLaunchTemplateName.NotFoundException');
    assert.equal(codeOf(run({ LaunchTemplateId: 'lt-0123456789abcdef0' })), 'InvalidLaunchTemplateId.NotFound');
    assert.equal(codeOf(run({ LaunchTemplateId: 'template' })), 'InvalidLaunchTemplateId.Malformed');
    assert.equal(codeOf(run({ LaunchTemplateName: 'one', Version: '2' })), 'InvalidLaunchTemplateId.VersionNotFound');
    assert.equal(codeOf(run({ LaunchTemplateName: 'one', Version: 'latest' })), 'InvalidLaunchTemplateId.VersionNotFound');
    assert.equal(codeOf(run({})), 'MissingParameter');
  });

  it('network interfaces: matched by device index, the request members over the template ones; an existing interface stands alone', () => {
    const region = world();
    createLaunchTemplate(
      region,
      'nics',
      {
        ImageId: 'ami-1',
        NetworkInterfaces: [
          { DeviceIndex: 0, AssociatePublicIpAddress: true, SecondaryPrivateIpAddressCount: 1, Groups: ['sg-1'] },
          { DeviceIndex: 1, SubnetId: 'subnet-1', Description: 'back' },
        ],
      },
      undefined,
      new Map(),
    );
    const r = withLaunchTemplate(region, {
      MinCount: 1,
      MaxCount: 1,
      LaunchTemplate: { LaunchTemplateName: 'nics' },
      NetworkInterfaces: [
        { DeviceIndex: 0, SubnetId: 'subnet-2', Groups: ['sg-2'] },
        { DeviceIndex: 2, NetworkInterfaceId: 'eni-1' },
      ],
    });
    assert.deepEqual(r.input.NetworkInterfaces, [
      { DeviceIndex: 0, AssociatePublicIpAddress: true, SecondaryPrivateIpAddressCount: 1, Groups: ['sg-2'], SubnetId: 'subnet-2' },
      { DeviceIndex: 1, SubnetId: 'subnet-1', Description: 'back' },
      { DeviceIndex: 2, NetworkInterfaceId: 'eni-1' },
    ]);
    const existing = withLaunchTemplate(region, {
      MinCount: 1,
      MaxCount: 1,
      LaunchTemplate: { LaunchTemplateName: 'nics' },
      NetworkInterfaces: [{ DeviceIndex: 1, NetworkInterfaceId: 'eni-9' }],
    });
    assert.deepEqual(existing.input.NetworkInterfaces![1], { DeviceIndex: 1, NetworkInterfaceId: 'eni-9' });
  });
});
