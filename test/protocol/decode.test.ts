/**
 * The model-driven Query decoder. Rules:
 * - wire names and list/structure flattening: EC2 query protocol as botocore's `EC2Serializer`
 *   implements it (queryName, else capitalised locationName; lists as `Name.N`, structures as
 *   `Name.Member`), reference aws-behaviour.md §0 "Query parameter names";
 * - value constraints (enum, integer min/max, string length) come from the model's shapes, e.g.
 *   `DescribeVpcsMaxResults` {min 5, max 1000};
 * - error codes: MissingParameter, UnknownParameter, InvalidParameterValue from "Error codes for the
 *   Amazon EC2 API" (aws-behaviour.md §8, S3); MissingParameter's wording is
 *   "The request must contain the parameter X".
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isEc2Error } from '../../src/engine/errors.js';
import { buildParamTree, Decoder, MAX_PARAMS } from '../../src/protocol/decode.js';
import { loadModel } from '../../src/protocol/model.js';

const model = loadModel();
const decoder = new Decoder(model);

function decode(op: string, query: string | Iterable<[string, string]>): Record<string, unknown> {
  const params = typeof query === 'string' ? new URLSearchParams(query) : query;
  return decoder.decode(model.operations[op]!.input, buildParamTree(params));
}

/** Asserts an Ec2Error with `code` whose message contains every `parts`. */
function rejects(fn: () => unknown, code: string, ...parts: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isEc2Error(e), `expected an Ec2Error, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.status, 400);
    for (const p of parts) assert.ok(e.message.includes(p), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(p)}`);
    return true;
  });
}

const polluted = () => (({}) as Record<string, unknown>).polluted;

describe('decoder: names and shapes', () => {
  it('lists are Name.N and decode to arrays under the model member name', () => {
    assert.deepEqual(decode('DescribeVpcs', 'VpcId.1=vpc-a&VpcId.2=vpc-b'), { VpcIds: ['vpc-a', 'vpc-b'] });
  });

  it('lists of structures are Name.N.Member, with nested lists Name.N.Member.M', () => {
    const got = decode('DescribeVpcs', 'Filter.1.Name=tag:Name&Filter.1.Value.1=web&Filter.1.Value.2=db&Filter.2.Name=is-default&Filter.2.Value.1=false');
    assert.deepEqual(got, {
      Filters: [
        { Name: 'tag:Name', Values: ['web', 'db'] },
        { Name: 'is-default', Values: ['false'] },
      ],
    });
  });

  it('nested structures are Name.Member; lowercase locationNames are capitalised on the wire', () => {
    const got = decode(
      'ModifyNetworkInterfaceAttribute',
      'NetworkInterfaceId=eni-1&SourceDestCheck.Value=false&Description.Value=web&Attachment.AttachmentId=eni-attach-1&Attachment.DeleteOnTermination=true&SecurityGroupId.1=sg-1',
    );
    assert.deepEqual(got, {
      NetworkInterfaceId: 'eni-1',
      SourceDestCheck: { Value: false },
      Description: { Value: 'web' },
      Attachment: { AttachmentId: 'eni-attach-1', DeleteOnTermination: true },
      Groups: ['sg-1'],
    });
  });

  it('three levels deep: RunInstances NetworkInterface.N.PrivateIpAddresses.M.* and TagSpecification.N.Tag.M.*', () => {
    const got = decode(
      'RunInstances',
      [
        'MinCount=1',
        'MaxCount=1',
        'NetworkInterface.1.DeviceIndex=0',
        'NetworkInterface.1.SubnetId=subnet-1',
        'NetworkInterface.1.SecurityGroupId.1=sg-1',
        'NetworkInterface.1.SecurityGroupId.2=sg-2',
        'NetworkInterface.1.PrivateIpAddresses.1.PrivateIpAddress=10.0.0.5',
        'NetworkInterface.1.PrivateIpAddresses.1.Primary=true',
        'TagSpecification.1.ResourceType=instance',
        'TagSpecification.1.Tag.1.Key=Name',
        'TagSpecification.1.Tag.1.Value=',
      ].join('&'),
    );
    assert.deepEqual(got, {
      MinCount: 1,
      MaxCount: 1,
      NetworkInterfaces: [
        { DeviceIndex: 0, SubnetId: 'subnet-1', Groups: ['sg-1', 'sg-2'], PrivateIpAddresses: [{ PrivateIpAddress: '10.0.0.5', Primary: true }] },
      ],
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: '' }] }],
    });
  });

  it('protocol and signing parameters (Action, Version, X-Amz-*) are not operation input', () => {
    const got = decode(
      'DescribeVpcs',
      'Action=DescribeVpcs&Version=2016-11-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a%2F20250101%2Fus-east-1%2Fec2%2Faws4_request&X-Amz-Date=20250101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00',
    );
    assert.deepEqual(got, {});
  });

  it('values are taken verbatim after form decoding (unicode, &, =, +, empty)', () => {
    const got = decode('CreateTags', [
      ['ResourceId.1', 'vpc-1'],
      ['Tag.1.Key', 'a=b&c'],
      ['Tag.1.Value', ' ü ✓ 😀 <x> '],
      ['Tag.2.Key', 'empty'],
      ['Tag.2.Value', ''],
    ]);
    assert.deepEqual(got, {
      Resources: ['vpc-1'],
      Tags: [
        { Key: 'a=b&c', Value: ' ü ✓ 😀 <x> ' },
        { Key: 'empty', Value: '' },
      ],
    });
  });

  it('an empty list may be sent as a bare `Name=`', () => {
    assert.deepEqual(decode('DescribeVpcs', 'VpcId='), { VpcIds: [] });
  });
});

describe('decoder: scalar values', () => {
  it('booleans are exactly `true` or `false`', () => {
    assert.deepEqual(decode('DescribeVpcs', 'DryRun=true'), { DryRun: true });
    assert.deepEqual(decode('DescribeVpcs', 'DryRun=false'), { DryRun: false });
    for (const bad of ['True', 'FALSE', '1', '0', 'yes', '', ' true']) {
      rejects(() => decode('DescribeVpcs', [['DryRun', bad]]), 'InvalidParameterValue', `Value (${bad}) for parameter DryRun is invalid`);
    }
  });

  it('integers: decimal digits only, within 32 bits', () => {
    assert.deepEqual(decode('DescribeInstances', 'MaxResults=10'), { MaxResults: 10 });
    assert.deepEqual(decode('RunInstances', 'MinCount=0&MaxCount=2147483647'), { MinCount: 0, MaxCount: 2147483647 });
    assert.deepEqual(decode('AuthorizeSecurityGroupIngress', 'FromPort=-1&ToPort=-1'), { FromPort: -1, ToPort: -1 });
    for (const bad of ['abc', '1.5', '1e3', '', '+5', ' 5', '0x10', '2147483648', '-2147483649', '99999999999999999999']) {
      rejects(() => decode('DescribeInstances', [['MaxResults', bad]]), 'InvalidParameterValue', 'parameter MaxResults');
    }
  });

  it('integer bounds from the model: DescribeVpcs MaxResults is 5–1000', () => {
    assert.deepEqual(decode('DescribeVpcs', 'MaxResults=5'), { MaxResults: 5 });
    assert.deepEqual(decode('DescribeVpcs', 'MaxResults=1000'), { MaxResults: 1000 });
    rejects(() => decode('DescribeVpcs', 'MaxResults=4'), 'InvalidParameterValue', 'Value (4) for parameter MaxResults is invalid', '5');
    rejects(() => decode('DescribeVpcs', 'MaxResults=1001'), 'InvalidParameterValue', 'Value (1001) for parameter MaxResults is invalid', '1000');
    rejects(() => decode('DescribeSubnets', 'MaxResults=0'), 'InvalidParameterValue', 'MaxResults');
  });

  it('enums from the model are enforced', () => {
    assert.deepEqual(decode('CreateVpc', 'CidrBlock=10.0.0.0/16&InstanceTenancy=dedicated'), { CidrBlock: '10.0.0.0/16', InstanceTenancy: 'dedicated' });
    rejects(
      () => decode('CreateVpc', 'CidrBlock=10.0.0.0/16&InstanceTenancy=Dedicated'),
      'InvalidParameterValue',
      'Value (Dedicated) for parameter InstanceTenancy is invalid',
    );
  });

  it('InstanceType is an open enum: values newer than the pinned model reach the handler', () => {
    assert.deepEqual(decode('DescribeInstanceTypes', 'InstanceType.1=foo.bar&InstanceType.2=t3.micro'), { InstanceTypes: ['foo.bar', 't3.micro'] });
    assert.deepEqual(decode('RunInstances', 'MinCount=1&MaxCount=1&InstanceType=zz9.galactic'), { MinCount: 1, MaxCount: 1, InstanceType: 'zz9.galactic' });
  });

  it('string length bounds from the model (LaunchTemplateName is 3–128 characters)', () => {
    const ok = (name: string) => decode('DeleteLaunchTemplate', [['LaunchTemplateName', name]]);
    assert.deepEqual(ok('abc'), { LaunchTemplateName: 'abc' });
    assert.deepEqual(ok('x'.repeat(128)), { LaunchTemplateName: 'x'.repeat(128) });
    rejects(() => ok('x'.repeat(129)), 'InvalidParameterValue', 'parameter LaunchTemplateName');
    rejects(() => ok('ab'), 'InvalidParameterValue', 'parameter LaunchTemplateName');
  });

  it('timestamps: ISO 8601 (as the SDKs send them) or epoch seconds', () => {
    const at = (v: string) => (decode('DescribeSpotPriceHistory', [['StartTime', v]]).StartTime as Date).toISOString();
    assert.equal(at('2024-01-02T03:04:05Z'), '2024-01-02T03:04:05.000Z');
    assert.equal(at('2024-01-02T03:04:05.678Z'), '2024-01-02T03:04:05.678Z');
    assert.equal(at('2024-01-02T03:04:05.678000Z'), '2024-01-02T03:04:05.678Z', 'botocore sends microseconds');
    assert.equal(at('2024-01-02T05:04:05+02:00'), '2024-01-02T03:04:05.000Z');
    assert.equal(at('2024-01-02T05:04:05+0200'), '2024-01-02T03:04:05.000Z');
    assert.equal(at('2024-01-02T03:04:05'), '2024-01-02T03:04:05.000Z', 'no zone means UTC, not server local time');
    assert.equal(at('2024-01-02'), '2024-01-02T00:00:00.000Z');
    assert.equal(at('1704164645'), '2024-01-02T03:04:05.000Z');
    assert.equal(at('0'), '1970-01-01T00:00:00.000Z');
    for (const bad of ['yesterday', '', '2024-13-45T99:00:00Z', 'March 7', '1 2 3', 'Tue, 02 Jan 2024 03:04:05 GMT']) {
      rejects(() => at(bad), 'InvalidParameterValue', 'parameter StartTime');
    }
  });
});

describe('decoder: required and unknown parameters', () => {
  it('a missing required parameter is MissingParameter naming its wire name', () => {
    rejects(() => decode('CreateSubnet', 'CidrBlock=10.0.0.0/24'), 'MissingParameter', 'The request must contain the parameter VpcId');
    rejects(() => decode('DeleteVpc', ''), 'MissingParameter', 'The request must contain the parameter VpcId');
    rejects(() => decode('RunInstances', 'MinCount=1'), 'MissingParameter', 'MaxCount');
  });

  it('a missing required member of a nested structure is named by its full path', () => {
    rejects(
      () => decode('ModifyInstanceCreditSpecification', 'InstanceCreditSpecification.1.CpuCredits=standard'),
      'MissingParameter',
      'The request must contain the parameter InstanceCreditSpecification.1.InstanceId',
    );
  });

  it('an unknown parameter is UnknownParameter naming it, at any depth', () => {
    rejects(() => decode('DescribeVpcs', 'Bogus=1'), 'UnknownParameter', 'The parameter Bogus is not recognized');
    rejects(() => decode('DescribeVpcs', 'Filter.1.Nmae=x'), 'UnknownParameter', 'Filter.1.Nmae');
    rejects(() => decode('DescribeVpcs', 'Filter.1.Name.Sub=x'), 'UnknownParameter', 'Filter.1.Name.Sub');
    rejects(() => decode('CreateVpc', 'CidrBlock.1=10.0.0.0/16'), 'UnknownParameter', 'CidrBlock.1');
    rejects(() => decode('DescribeVpcs', 'VpcId.1.Extra=x'), 'UnknownParameter', 'VpcId.1.Extra');
    rejects(() => decode('DescribeVpcs', 'Filter..Name=x'), 'UnknownParameter');
    rejects(() => decode('DescribeVpcs', '.Filter=x'), 'UnknownParameter');
  });

  it('member names (as opposed to wire names) are not accepted: `Filters.1.Name` is unknown', () => {
    rejects(() => decode('DescribeVpcs', 'Filters.1.Name=x'), 'UnknownParameter', 'Filters');
    rejects(() => decode('ModifyNetworkInterfaceAttribute', 'NetworkInterfaceId=eni-1&Groups.1=sg-1'), 'UnknownParameter', 'Groups');
  });

  it('a parameter AssignPrivateIpAddresses does not have (DryRun) is unknown', () => {
    rejects(() => decode('AssignPrivateIpAddresses', 'NetworkInterfaceId=eni-1&DryRun=true'), 'UnknownParameter', 'DryRun');
  });

  it('a value where a structure or a list is expected is refused', () => {
    rejects(() => decode('ModifyNetworkInterfaceAttribute', 'NetworkInterfaceId=eni-1&Attachment=x'), 'InvalidParameterValue', 'Attachment');
    rejects(() => decode('DescribeVpcs', 'VpcId=vpc-1'), 'InvalidParameterValue', 'VpcId');
  });
});

describe('decoder: hostile input', () => {
  const hostile = [
    '__proto__.polluted=yes',
    '__proto__=x',
    'constructor.prototype.polluted=yes',
    'prototype.polluted=yes',
    'Filter.__proto__.polluted=yes',
    'Filter.1.__proto__.polluted=yes',
    'Filter.constructor.prototype.polluted=yes',
    'Filter.1.Value.__proto__=yes',
    'VpcId.__proto__=yes',
    'VpcId.prototype=yes',
    'VpcId.constructor=yes',
    'SourceDestCheck.__proto__.polluted=yes',
    'Attachment.constructor.prototype.polluted=yes',
    'toString=x',
    'hasOwnProperty=x',
  ];
  for (const q of hostile) {
    it(`${q} is refused without prototype pollution`, () => {
      const nested = q.startsWith('SourceDestCheck') || q.startsWith('Attachment');
      if (nested) rejects(() => decode('ModifyNetworkInterfaceAttribute', `NetworkInterfaceId=eni-1&${q}`), 'UnknownParameter');
      else rejects(() => decode('DescribeVpcs', q), 'UnknownParameter');
      assert.equal(polluted(), undefined);
      assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
    });
  }

  it('a parameter tree never has inherited keys', () => {
    const tree = buildParamTree(new URLSearchParams('__proto__.polluted=1&constructor.prototype.polluted=1'));
    assert.equal(polluted(), undefined);
    assert.ok(tree.children instanceof Map);
  });

  it('list indexes: ordered numerically, gaps closed, duplicates are last-wins', () => {
    assert.deepEqual(decode('DescribeVpcs', 'VpcId.3=c&VpcId.1=a'), { VpcIds: ['a', 'c'] });
    assert.deepEqual(decode('DescribeVpcs', 'VpcId.10=j&VpcId.9=i&VpcId.2=b'), { VpcIds: ['b', 'i', 'j'] });
    assert.deepEqual(decode('DescribeVpcs', 'VpcId.1=a&VpcId.1=b'), { VpcIds: ['b'] });
    const many = Array.from({ length: 12 }, (_, i) => [`VpcId.${12 - i}`, `vpc-${12 - i}`] as [string, string]);
    assert.deepEqual(
      decode('DescribeVpcs', many).VpcIds,
      Array.from({ length: 12 }, (_, i) => `vpc-${i + 1}`),
    );
  });

  it('list indexes must be positive decimal integers', () => {
    for (const idx of ['0', '01', '-1', '1.0', 'a', '', ' 1', '1e2', '0x1']) {
      rejects(() => decode('DescribeVpcs', [[`VpcId.${idx}`, 'vpc-1']]), 'UnknownParameter', 'VpcId.');
    }
  });

  it('a huge list index is refused at once, without allocating', () => {
    const t0 = performance.now();
    rejects(() => decode('DescribeVpcs', 'Filter.4294967295.Name=x'), 'UnknownParameter', 'Filter.4294967295');
    rejects(() => decode('DescribeVpcs', 'Filter.1.Value.99999999999999999999=x'), 'UnknownParameter');
    rejects(() => decode('DescribeVpcs', 'VpcId.10001=x'), 'UnknownParameter');
    assert.ok(performance.now() - t0 < 100);
    assert.deepEqual(decode('DescribeVpcs', 'VpcId.10000=x'), { VpcIds: ['x'] });
  });

  it(`at most ${MAX_PARAMS} parameters per request (protocol parameters not counted)`, () => {
    const params = (n: number): [string, string][] => [
      ['Action', 'DescribeVpcs'],
      ['Version', '2016-11-15'],
      ...Array.from({ length: n }, (_, i) => [`VpcId.${i + 1}`, `vpc-${i}`] as [string, string]),
    ];
    assert.equal((decode('DescribeVpcs', params(MAX_PARAMS)).VpcIds as unknown[]).length, MAX_PARAMS);
    const extra = params(MAX_PARAMS);
    extra.push(['DryRun', 'false']);
    rejects(() => decode('DescribeVpcs', extra), 'InvalidParameterValue', String(MAX_PARAMS));
  });

  it('the parameter cap stops an endless parameter stream early', () => {
    let produced = 0;
    function* endless(): Generator<[string, string]> {
      for (;;) yield [`Filter.1.Value.${++produced}`, 'x'];
    }
    rejects(() => buildParamTree(endless()), 'InvalidParameterValue');
    assert.equal(produced, MAX_PARAMS + 1);
  });

  it('an operation without an input shape refuses any parameter', () => {
    assert.deepEqual(decoder.decode(undefined, buildParamTree(new URLSearchParams('Action=X'))), {});
    rejects(() => decoder.decode(undefined, buildParamTree(new URLSearchParams('Foo=1'))), 'UnknownParameter', 'Foo');
  });
});
