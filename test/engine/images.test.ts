import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEc2Error } from '../../src/engine/errors.js';
import { checkImageId, findImage, imageExists, imagesNotFound, isDeprecated, isWellFormedImageId, regionImages } from '../../src/engine/images.js';

const byName = (region: string, prefix: string) => regionImages(region).filter((i) => i.name.startsWith(prefix));

describe('built-in images', () => {
  it('gives every image an ami- id of 17 hex digits, stable per region and different across regions', () => {
    const east = regionImages('us-east-1');
    const west = regionImages('eu-west-1');
    assert.ok(east.length >= 12);
    // Derived ids are long-format; an image whose AWS ids are known keeps AWS's (8 hex digits for old ones).
    for (const i of east) assert.match(i.id, i.name.startsWith('amzn-ami-hvm-2017') ? /^ami-[0-9a-f]{8}$/ : /^ami-0[0-9a-f]{16}$/);
    assert.equal(new Set(east.map((i) => i.id)).size, east.length);
    assert.deepEqual(
      regionImages('us-east-1').map((i) => i.id),
      east.map((i) => i.id),
    );
    const westIds = new Set(west.map((i) => i.id));
    assert.ok(east.every((i) => !westIds.has(i.id)));
    assert.deepEqual(
      east.map((i) => i.name),
      west.map((i) => i.name),
    );
    for (const i of east) assert.match(i.rootVolume.snapshotId, /^snap-[0-9a-f]{17}$/);
  });

  it('finds images by id in their own region only', () => {
    const [al2023] = byName('us-east-1', 'al2023-ami-2023');
    assert.ok(al2023);
    assert.equal(findImage('us-east-1', al2023.id), al2023);
    assert.equal(imageExists('us-east-1', al2023.id), true);
    assert.equal(findImage('us-west-2', al2023.id), undefined);
    assert.equal(imageExists('us-west-2', al2023.id), false);
    assert.equal(imageExists('us-east-1', 'ami-0123456789abcdef0'), false);
  });

  it('describes the well-known images as AWS does', () => {
    const images = regionImages('us-east-1');
    const al2023 = images.filter((i) => /^al2023-ami-2023/.test(i.name));
    assert.deepEqual(al2023.map((i) => i.architecture).sort(), ['arm64', 'x86_64']);
    for (const i of al2023) {
      assert.equal(i.ownerId, '137112412989');
      assert.equal(i.ownerAlias, 'amazon');
      assert.equal(i.rootDeviceName, '/dev/xvda');
      assert.equal(i.platformDetails, 'Linux/UNIX');
      assert.equal(i.usageOperation, 'RunInstances');
      assert.equal(i.imageLocation, `amazon/${i.name}`);
    }
    const ubuntu = images.filter((i) => i.name.startsWith('ubuntu/'));
    assert.equal(ubuntu.length, 4);
    for (const i of ubuntu) {
      assert.equal(i.ownerId, '099720109477');
      assert.equal(i.ownerAlias, undefined);
      assert.equal(i.rootDeviceName, '/dev/sda1');
      assert.equal(i.imageLocation, `099720109477/${i.name}`);
    }
    assert.ok(images.some((i) => i.name.startsWith('debian-12-amd64') && i.ownerId === '136693071363'));
    const [windows] = images.filter((i) => i.name.startsWith('Windows_Server-2022-English-Full-Base'));
    assert.ok(windows);
    assert.equal(windows.platform, 'windows');
    assert.equal(windows.platformDetails, 'Windows');
    assert.equal(windows.usageOperation, 'RunInstances:0002');
    assert.equal(windows.ownerId, '801119661308');
    assert.equal(windows.ownerAlias, 'amazon');
    for (const i of images) {
      assert.equal(i.state, 'available');
      assert.equal(i.public, true);
      assert.match(i.creationDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    }
  });

  it('has two deprecated images, judged against the given clock', () => {
    const deprecated = regionImages('us-east-1').filter((i) => i.deprecationTime !== undefined);
    assert.deepEqual(
      deprecated.map((i) => i.name),
      ['amzn-ami-hvm-2018.03.0.20231218.0-x86_64-gp2', 'amzn-ami-hvm-2017.09.0.20170930-x86_64-gp2'],
    );
    const [old] = deprecated;
    assert.equal(isDeprecated(old!, new Date('2025-01-01T00:00:00Z')), false);
    assert.equal(isDeprecated(old!, new Date('2026-01-01T00:00:00Z')), true);
    assert.equal(isDeprecated(deprecated[1]!, new Date('2020-01-01T00:00:00Z')), true);
    for (const i of regionImages('us-east-1')) if (!deprecated.includes(i)) assert.equal(isDeprecated(i, new Date('2100-01-01T00:00:00Z')), false);
  });

  it("keeps AWS's own ids for Amazon Linux AMI 2017.09.0 where they are known", () => {
    // amazon.aws 5.5.1's ec2_ami target names this image by the ids AWS gave it (its vars/main.yml).
    const old = (region: string) => regionImages(region).find((i) => i.name === 'amzn-ami-hvm-2017.09.0.20170930-x86_64-gp2')!;
    assert.equal(old('us-east-1').id, 'ami-8c1be5f6');
    assert.equal(old('eu-west-1').id, 'ami-acd005d5');
    assert.match(old('eu-north-1').id, /^ami-0[0-9a-f]{16}$/);
    assert.equal(findImage('us-east-1', 'ami-8c1be5f6')?.ownerId, '137112412989');
  });

  it('checks id shapes: well formed for RunInstances, malformed vs not found for DescribeImages', () => {
    assert.equal(isWellFormedImageId('ami-0123456789abcdef0'), true);
    assert.equal(isWellFormedImageId('ami-12345678'), true);
    for (const bad of ['ami-123', 'ami-0123456789ABCDEF0', 'ami-xxxxxxxx', 'i-0123456789abcdef0', 'ami-', 'ami-0123456789abcdef01']) {
      assert.equal(isWellFormedImageId(bad), false, bad);
    }
    assert.doesNotThrow(() => checkImageId('ami-123'));
    for (const bad of ['ami-xyz', 'image-1234', 'ami-0123456789abcdef01', 'AMI-12345678']) {
      assert.throws(
        () => checkImageId(bad),
        (e: unknown) => isEc2Error(e) && e.code === 'InvalidAMIID.Malformed' && e.message === `Invalid id: "${bad}" (expecting "ami-...")`,
      );
    }
  });

  it('words NotFound as AWS does, singular and plural', () => {
    const one = imagesNotFound(['ami-12345678']);
    assert.equal(one.code, 'InvalidAMIID.NotFound');
    assert.equal(one.message, "The image id '[ami-12345678]' does not exist");
    assert.equal(imagesNotFound(['ami-12345678', 'ami-87654321']).message, "The image ids '[ami-12345678, ami-87654321]' do not exist");
  });
});
