/**
 * The names ec2net answers for through its proxy: AWS's endpoint names of the services it serves
 * (AWS General Reference, "Amazon EC2 endpoints": ec2.<region>.amazonaws.com; "AWS STS endpoints":
 * sts.amazonaws.com and sts.<region>.amazonaws.com; "IAM endpoints": iam.amazonaws.com).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AWS_ENDPOINT_NAMES, isAwsEndpointName, isLoopbackName, splitAuthority } from '../../../src/server/tls/endpoint-names.js';
import { REGIONS } from '../../../src/engine/regions.js';

describe('AWS endpoint names', () => {
  it('EC2 and STS of every Region ec2net serves, STS global and IAM; any case, a trailing dot', () => {
    for (const r of REGIONS) {
      assert.ok(isAwsEndpointName(`ec2.${r.name}.amazonaws.com`));
      assert.ok(isAwsEndpointName(`sts.${r.name}.amazonaws.com`));
    }
    assert.equal(AWS_ENDPOINT_NAMES.size, REGIONS.length * 2 + 2);
    assert.ok(isAwsEndpointName('sts.amazonaws.com'));
    assert.ok(isAwsEndpointName('iam.amazonaws.com'));
    assert.ok(isAwsEndpointName('EC2.US-EAST-1.AMAZONAWS.COM'));
    assert.ok(isAwsEndpointName('ec2.us-east-1.amazonaws.com.'));
  });

  it('nothing else: other services, unknown regions, look-alikes', () => {
    for (const name of [
      's3.amazonaws.com',
      'ec2.us-gov-west-1.amazonaws.com',
      'ec2.xx-east-9.amazonaws.com',
      'ec2.us-east-1.amazonaws.com.evil.example',
      'xec2.us-east-1.amazonaws.com',
      'example.com',
      '',
    ])
      assert.equal(isAwsEndpointName(name), false, name);
  });

  it('loopback names and authorities', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', 'LOCALHOST']) assert.ok(isLoopbackName(h), h);
    for (const h of ['10.0.0.1', 'example.com', '128.0.0.1', '::2']) assert.equal(isLoopbackName(h), false, h);
    assert.deepEqual(splitAuthority('ec2.us-east-1.amazonaws.com:443'), { host: 'ec2.us-east-1.amazonaws.com', port: 443 });
    assert.deepEqual(splitAuthority('[::1]:4566'), { host: '::1', port: 4566 });
    assert.deepEqual(splitAuthority('Example.COM'), { host: 'example.com' });
  });
});
