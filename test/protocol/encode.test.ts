/**
 * The model-driven XML encoder. Rules (aws-behaviour.md §0):
 * - success: root `<{Action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` whose first
 *   child is `<requestId>` (API reference examples, S4);
 * - element names are the output members' locationNames; lists are `<name><item>…</item></name>`
 *   (the list member's locationName, `item` throughout EC2);
 * - operations with no output members answer `<return>true</return>` ("Operations with no output
 *   members");
 * - errors: `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>` —
 *   `RequestID` in errors, `requestId` in successes ("Error envelope", S3);
 * - timestamps ISO 8601 UTC with milliseconds, e.g. `2013-11-30T23:36:42.000Z` (§1 "Other value formats").
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerValue, bodyText, Encoder, errorDocument, escapeXml, mapForAnswer } from '../../src/protocol/encode.js';
import { loadModel } from '../../src/protocol/model.js';

const model = loadModel();
const encoder = new Encoder(model);
const RID = '5689426a-4b6a-4b08-8bbf-9309700d1558';

const encode = (op: string, output: unknown) => bodyText(encoder.response(op, model.operations[op]!.output, output, RID));
/** The document without its XML declaration and root element. */
function body(op: string, output: unknown): string {
  const xml = encode(op, output);
  const open = `<${op}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>${RID}</requestId>`;
  assert.ok(xml.startsWith(`<?xml version="1.0" encoding="UTF-8"?>\n${open}`), xml);
  assert.ok(xml.endsWith(`</${op}Response>`), xml);
  return xml.slice(xml.indexOf(open) + open.length, -`</${op}Response>`.length);
}

describe('encoder: documents', () => {
  it('the root is <ActionResponse> in the 2016-11-15 namespace, requestId first', () => {
    assert.equal(encoder.namespace, 'http://ec2.amazonaws.com/doc/2016-11-15/');
    body('DescribeVpcs', { Vpcs: [] });
  });

  it('operations with no output members answer <return>true</return>', () => {
    for (const op of [
      'DeleteVpc',
      'DeleteSubnet',
      'ModifySubnetAttribute',
      'CreateTags',
      'DeleteTags',
      'DeleteNetworkInterface',
      'ModifyNetworkInterfaceAttribute',
    ]) {
      assert.equal(model.operations[op]!.output, undefined, `${op} has no output shape`);
      assert.equal(body(op, {}), '<return>true</return>');
      assert.equal(body(op, undefined), '<return>true</return>');
    }
  });

  it('an output shape with a Return member writes it like any other member', () => {
    assert.equal(body('DeleteSecurityGroup', { Return: true, GroupId: 'sg-1' }), '<return>true</return><groupId>sg-1</groupId>');
  });

  it('the error envelope: Response/Errors/Error/{Code,Message} and RequestID', () => {
    assert.equal(
      errorDocument('InvalidVpcID.NotFound', "The vpc ID 'vpc-1' does not exist", RID),
      `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>InvalidVpcID.NotFound</Code><Message>The vpc ID &apos;vpc-1&apos; does not exist</Message></Error></Errors><RequestID>${RID}</RequestID></Response>`,
    );
    assert.match(errorDocument('X', 'a <b> & c', RID), /<Message>a &lt;b&gt; &amp; c<\/Message>/);
  });
});

describe('encoder: values', () => {
  it('element names are locationNames; lists are <xSet><item>…</item></xSet>', () => {
    assert.equal(
      body('DescribeVpcs', { Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' }, { VpcId: 'vpc-2' }], NextToken: 't' }),
      '<nextToken>t</nextToken><vpcSet><item><vpcId>vpc-1</vpcId><cidrBlock>10.0.0.0/16</cidrBlock></item><item><vpcId>vpc-2</vpcId></item></vpcSet>',
    );
  });

  it('members are written in model order whatever the order of the object', () => {
    const a = body('CreateVpc', { Vpc: { VpcId: 'vpc-1', OwnerId: '123456789012', State: 'available' } });
    const b = body('CreateVpc', { Vpc: { State: 'available', OwnerId: '123456789012', VpcId: 'vpc-1' } });
    assert.equal(a, b);
  });

  it('booleans are exactly true/false, false and 0 are written, undefined and null are omitted', () => {
    assert.equal(
      body('CreateSubnet', {
        Subnet: { SubnetId: 's', DefaultForAz: false, MapPublicIpOnLaunch: true, AvailableIpAddressCount: 0, VpcId: undefined, State: null },
      }),
      '<subnet><subnetId>s</subnetId><availableIpAddressCount>0</availableIpAddressCount><defaultForAz>false</defaultForAz><mapPublicIpOnLaunch>true</mapPublicIpOnLaunch></subnet>',
    );
  });

  it('an empty list is an empty element, a missing list is absent', () => {
    assert.equal(body('DescribeVpcs', { Vpcs: [] }), '<vpcSet/>');
    assert.equal(body('DescribeVpcs', {}), '');
    assert.equal(
      body('DescribeVpcs', { Vpcs: [{ VpcId: 'v', Tags: [], CidrBlockAssociationSet: [] }] }),
      '<vpcSet><item><cidrBlockAssociationSet/><tagSet/><vpcId>v</vpcId></item></vpcSet>',
    );
  });

  it('nested structures and lists of lists (NetworkInterface association, attachment, privateIpAddressesSet)', () => {
    const xml = body('DescribeNetworkInterfaces', {
      NetworkInterfaces: [
        {
          NetworkInterfaceId: 'eni-1',
          Association: { PublicIp: '203.0.113.5', IpOwnerId: 'amazon' },
          Attachment: { AttachmentId: 'eni-attach-1', DeviceIndex: 0, DeleteOnTermination: true, AttachTime: new Date('2013-11-30T23:36:42Z') },
          PrivateIpAddresses: [{ PrivateIpAddress: '10.0.0.5', Primary: true, Association: { PublicIp: '203.0.113.5' } }],
          Groups: [{ GroupId: 'sg-1', GroupName: 'default' }],
        },
      ],
    });
    assert.match(xml, /<association><ipOwnerId>amazon<\/ipOwnerId><publicIp>203\.0\.113\.5<\/publicIp><\/association>/);
    assert.match(
      xml,
      /<attachment><attachTime>2013-11-30T23:36:42\.000Z<\/attachTime><attachmentId>eni-attach-1<\/attachmentId><deleteOnTermination>true<\/deleteOnTermination><deviceIndex>0<\/deviceIndex><\/attachment>/,
    );
    assert.match(
      xml,
      /<privateIpAddressesSet><item><association><publicIp>203\.0\.113\.5<\/publicIp><\/association><primary>true<\/primary><privateIpAddress>10\.0\.0\.5<\/privateIpAddress><\/item><\/privateIpAddressesSet>/,
    );
    assert.match(xml, /<groupSet><item><groupId>sg-1<\/groupId><groupName>default<\/groupName><\/item><\/groupSet>/);
  });

  it('timestamps are ISO 8601 UTC with milliseconds, from a Date, a string or epoch milliseconds', () => {
    const att = (t: unknown) => body('DescribeNetworkInterfaces', { NetworkInterfaces: [{ Attachment: { AttachTime: t } }] });
    const want = '<networkInterfaceSet><item><attachment><attachTime>2024-01-02T03:04:05.678Z</attachTime></attachment></item></networkInterfaceSet>';
    assert.equal(att(new Date('2024-01-02T03:04:05.678Z')), want);
    assert.equal(att('2024-01-02T05:04:05.678+02:00'), want);
    assert.equal(att(Date.UTC(2024, 0, 2, 3, 4, 5, 678)), want);
  });

  it('numbers: integers, negative integers, doubles', () => {
    assert.match(
      body('DescribeSecurityGroups', { SecurityGroups: [{ IpPermissions: [{ IpProtocol: 'icmp', FromPort: -1, ToPort: 65535 }] }] }),
      /<ipPermissions><item><ipProtocol>icmp<\/ipProtocol><fromPort>-1<\/fromPort><toPort>65535<\/toPort><\/item><\/ipPermissions>/,
    );
  });

  it('text is escaped, characters XML cannot carry are dropped, unicode is kept', () => {
    assert.equal(escapeXml(`a<b>&"c'`), 'a&lt;b&gt;&amp;&quot;c&apos;');
    assert.equal(escapeXml('tab\there\u0000\u0001\u001f\uFFFE'), 'tab\there');
    assert.equal(escapeXml('ü ✓ 😀'), 'ü ✓ 😀');
    assert.equal(
      body('DescribeTags', { Tags: [{ Key: '<k>', Value: 'a & b ]]> \u0007', ResourceId: 'vpc-1', ResourceType: 'vpc' }] }),
      '<tagSet><item><key>&lt;k&gt;</key><resourceId>vpc-1</resourceId><resourceType>vpc</resourceType><value>a &amp; b ]]&gt; </value></item></tagSet>',
    );
  });

  it('the request id is the one given', () => {
    assert.ok(bodyText(encoder.response('DeleteVpc', undefined, {}, 'abc')).includes('<requestId>abc</requestId><return>true</return>'));
  });

  it('members the output shape does not have are ignored', () => {
    assert.equal(body('DescribeVpcs', { Vpcs: [{ VpcId: 'v', Bogus: 'x', vpcId: 'lower' }], Extra: 1 }), '<vpcSet><item><vpcId>v</vpcId></item></vpcSet>');
  });

  it('lists whose member has no locationName use <member> (botocore default); recursive shapes work', () => {
    const tiny = new Encoder({
      metadata: { apiVersion: '2016-11-15', xmlNamespace: 'http://ec2.amazonaws.com/doc/2016-11-15' },
      operations: { Op: { output: 'Out' } },
      shapes: {
        Out: { type: 'structure', members: { Names: { shape: 'L', locationName: 'nameSet' }, Child: { shape: 'Out', locationName: 'child' } } },
        L: { type: 'list', member: { shape: 'S' } },
        S: { type: 'string' },
      },
    });
    assert.equal(
      tiny.response('Op', 'Out', { Names: ['a'], Child: { Child: { Names: ['b', 'c'] } } }, 'r'),
      '<?xml version="1.0" encoding="UTF-8"?>\n<OpResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>' +
        '<nameSet><member>a</member></nameSet><child><child><nameSet><member>b</member><member>c</member></nameSet></child></child></OpResponse>',
    );
  });
});

describe('encoder: large answers', () => {
  const eni = (i: number) => ({
    NetworkInterfaceId: `eni-${i}`,
    Description: i % 2 ? 'a & b' : 'plain',
    PrivateIpAddress: `10.0.${i >> 8}.${i & 255}`,
    Groups: [{ GroupId: 'sg-1', GroupName: 'default' }],
  });
  const items = Array.from({ length: 3000 }, (_, i) => eni(i));
  const op = 'DescribeNetworkInterfaces';

  it('a large answer comes as UTF-8 chunks whose concatenation is the document a string would be', () => {
    const big = encoder.response(op, model.operations[op]!.output, { NetworkInterfaces: items }, RID);
    assert.ok(Array.isArray(big) && big.length > 1, 'several chunks');
    const text = bodyText(big);
    assert.equal(text.match(/<networkInterfaceId>eni-/g)?.length, 3000);
    assert.ok(text.endsWith(`</${op}Response>`));
    // Each escaped value stays escaped, whichever chunk it lands in; multi-byte text survives the split.
    assert.equal(text.match(/<description>a &amp; b<\/description>/g)?.length, 1500);
    const unicode = bodyText(
      encoder.response(op, model.operations[op]!.output, { NetworkInterfaces: items.map((e) => ({ ...e, Description: 'ü✓😀'.repeat(20) })) }, RID),
    );
    assert.equal(unicode.match(/<description>(ü✓😀){20}<\/description>/g)?.length, 3000);
  });

  it('mapForAnswer defers the views to the encoder and writes exactly what the mapped array would', () => {
    const made: number[] = [];
    const lazy = encoder.response(op, model.operations[op]!.output, { NetworkInterfaces: mapForAnswer([0, 1, 2], (i) => (made.push(i), eni(i))) }, RID);
    assert.deepEqual(made, [0, 1, 2]);
    assert.equal(bodyText(lazy), encode(op, { NetworkInterfaces: [0, 1, 2].map(eni) }));
    assert.equal(body(op, { NetworkInterfaces: mapForAnswer([], eni) }), '<networkInterfaceSet/>');
  });

  it('answerValue turns a deferred list back into the plain data it stands for', () => {
    const at = new Date(0);
    assert.deepEqual(answerValue({ A: mapForAnswer([1, 2], (i) => ({ N: i, L: mapForAnswer([i], (j) => j * 10), At: at })), B: null }), {
      A: [
        { N: 1, L: [10], At: at },
        { N: 2, L: [20], At: at },
      ],
      B: null,
    });
  });

  it('a repeated value is escaped like the first time (the per-member memo keeps the escaped form)', () => {
    const xml = body('DescribeTags', { Tags: [1, 2, 3].map((i) => ({ Key: '<k>', Value: i === 2 ? 'x' : '<k>', ResourceId: `vpc-${i}` })) });
    assert.equal(xml.match(/<key>&lt;k&gt;<\/key>/g)?.length, 3);
    assert.equal(xml.match(/<value>&lt;k&gt;<\/value>/g)?.length, 2);
  });
});
