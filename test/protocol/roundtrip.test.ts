/**
 * Round trips through the real clients' own codecs, so our decoder and encoder agree with them
 * on every naming and flattening rule of the EC2 query protocol (aws-behaviour.md §0; model S1/S2):
 * (a) a request serialised by the AWS SDK for JavaScript v3 or by botocore decodes to the very input
 *     the caller gave (keyed by model member names, the SDK's names);
 * (b) our XML, parsed by the SDK and by botocore (`parsers.create_parser('ec2')`), gives back the
 *     object we encoded.
 * Nothing goes over the network: the SDK gets a stub request handler; botocore runs in python3.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import * as sdk from '@aws-sdk/client-ec2';
import { buildParamTree, Decoder } from '../../src/protocol/decode.js';
import { bodyText, Encoder } from '../../src/protocol/encode.js';
import { loadModel } from '../../src/protocol/model.js';

const model = loadModel();
const decoder = new Decoder(model);
const encoder = new Encoder(model);
const run = promisify(execFile);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// ---------------------------------------------------------------------------------------------
// A client whose transport is a stub: it records the serialised request and answers `reply`.

interface StubRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

class StubHandler {
  last?: StubRequest;
  reply = '';
  async handle(request: StubRequest) {
    this.last = request;
    const body = new TextEncoder().encode(this.reply);
    return { response: { statusCode: 200, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body } };
  }
  updateHttpClientConfig(): void {}
  httpHandlerConfigs() {
    return {};
  }
  destroy(): void {}
}

const stub = new StubHandler();
const client = new sdk.EC2Client({
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:9',
  credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' },
  maxAttempts: 1,
  requestHandler: stub as unknown as sdk.EC2ClientConfig['requestHandler'],
});
after(() => client.destroy());

/** What the server's decoder makes of a form body. */
function decodeBody(body: string, op: string): Record<string, unknown> {
  const params = new URLSearchParams(body);
  assert.equal(params.get('Action'), op);
  assert.equal(params.get('Version'), '2016-11-15');
  return decoder.decode(model.operations[op]!.input, buildParamTree(params));
}

/** Sends `command` through the SDK's serializer and returns the body it produced. */
async function sdkBody(op: string, command: { input: object }): Promise<string> {
  stub.reply = bodyText(encoder.response(op, model.operations[op]!.output, {}, 'req-1'));
  await client.send(command as never);
  const req = stub.last!;
  assert.equal(req.method, 'POST');
  assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
  return typeof req.body === 'string' ? req.body : new TextDecoder().decode(req.body as Uint8Array);
}

// ---------------------------------------------------------------------------------------------
// botocore, driven through python3: serialise inputs, parse outputs.

const BOTO_SERIALIZE = `
import sys, json, botocore.session
from botocore import serialize
from botocore.awsrequest import prepare_request_dict, create_request_object
model = botocore.session.get_session().get_service_model('ec2')
ser = serialize.create_serializer('ec2', include_validation=True)
out = []
for case in json.load(sys.stdin):
    req = ser.serialize_to_request(case['params'], model.operation_model(case['op']))
    prepare_request_dict(req, endpoint_url='https://ec2.us-east-1.amazonaws.com')
    body = create_request_object(req).prepare().body
    out.append(body.decode('utf-8') if isinstance(body, bytes) else body)
print(json.dumps(out))
`;

const BOTO_PARSE = `
import sys, json, datetime, base64, botocore.session
from botocore import parsers
model = botocore.session.get_session().get_service_model('ec2')
parser = parsers.create_parser('ec2')
def plain(o):
    if isinstance(o, datetime.datetime):
        o = o.astimezone(datetime.timezone.utc)
        return o.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (o.microsecond // 1000)
    if isinstance(o, bytes):
        return base64.b64encode(o).decode()
    raise TypeError(repr(o))
out = []
for case in json.load(sys.stdin):
    shape = model.operation_model(case['op']).output_shape
    parsed = parser.parse({'body': case['xml'].encode('utf-8'), 'headers': {}, 'status_code': 200}, shape)
    parsed.pop('ResponseMetadata', None)
    out.append(parsed)
print(json.dumps(out, default=plain))
`;

async function python(script: string, input: unknown): Promise<any> {
  const child = run('python3', ['-c', script], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  child.child.stdin!.end(JSON.stringify(input));
  const { stdout } = await child.catch((e: { stderr?: string; message: string }) => {
    throw new Error(e.stderr || e.message);
  });
  return JSON.parse(stdout);
}

// ---------------------------------------------------------------------------------------------
// (a) inputs

const TRICKY = 'web & db <eni> "1" \'2\' a=b+c%20 ü ✓ 😀';

/** Operation name → command input. Built with the SDK's own types, so each is a valid input. */
const INPUTS: { [op: string]: object } = {
  CreateNetworkInterface: {
    SubnetId: 'subnet-0123456789abcdef0',
    Description: TRICKY,
    PrivateIpAddresses: [
      { PrivateIpAddress: '10.0.1.10', Primary: true },
      { PrivateIpAddress: '10.0.1.11', Primary: false },
    ],
    Groups: ['sg-1', 'sg-2'],
    Ipv6Addresses: [{ Ipv6Address: '2600:1f00::10' }],
    InterfaceType: 'trunk',
    TagSpecifications: [
      {
        ResourceType: 'network-interface',
        Tags: [
          { Key: 'Name', Value: 'a=b&c' },
          { Key: 'empty', Value: '' },
        ],
      },
    ],
    DryRun: false,
  } satisfies sdk.CreateNetworkInterfaceCommandInput,
  DescribeVpcs: {
    Filters: [
      { Name: 'tag:Name', Values: ['web*', 'db?', '\\*literal'] },
      { Name: 'is-default', Values: ['false'] },
    ],
    VpcIds: ['vpc-1', 'vpc-2'],
    NextToken: 'abc+/=def',
    MaxResults: 5,
    DryRun: true,
  } satisfies sdk.DescribeVpcsCommandInput,
  AuthorizeSecurityGroupIngress: {
    GroupId: 'sg-1',
    IpPermissions: [
      {
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'ssh from anywhere' }, { CidrIp: '10.0.0.0/8' }],
        Ipv6Ranges: [{ CidrIpv6: '::/0' }],
        UserIdGroupPairs: [{ GroupId: 'sg-2', UserId: '123456789012' }],
        PrefixListIds: [{ PrefixListId: 'pl-1', Description: 'pl' }],
      },
      { IpProtocol: '-1' },
      { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '192.0.2.0/24' }] },
    ],
    TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'k', Value: 'v' }] }],
  } satisfies sdk.AuthorizeSecurityGroupIngressCommandInput,
  AuthorizeSecurityGroupEgress: {
    GroupId: 'sg-1',
    IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.0.0.2/32' }] }],
  } satisfies sdk.AuthorizeSecurityGroupEgressCommandInput,
  RunInstances: {
    ImageId: 'ami-12345678',
    InstanceType: 't3.micro',
    MinCount: 1,
    MaxCount: 2,
    NetworkInterfaces: [
      {
        DeviceIndex: 0,
        SubnetId: 'subnet-1',
        Groups: ['sg-1', 'sg-2'],
        AssociatePublicIpAddress: true,
        DeleteOnTermination: false,
        PrivateIpAddresses: [{ PrivateIpAddress: '10.0.0.5', Primary: true }],
        Ipv6AddressCount: 1,
        Description: TRICKY,
      },
      { DeviceIndex: 1, NetworkInterfaceId: 'eni-1', NetworkCardIndex: 0 },
    ],
    BlockDeviceMappings: [
      { DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8, VolumeType: 'gp3', DeleteOnTermination: true, Encrypted: false, Iops: 3000 } },
      { DeviceName: '/dev/sdb', NoDevice: '' },
    ],
    TagSpecifications: [
      { ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }] },
      { ResourceType: 'volume', Tags: [{ Key: 'Name', Value: 'web-root' }] },
    ],
    Placement: { AvailabilityZone: 'us-east-1a', Tenancy: 'default' },
    Monitoring: { Enabled: false },
    UserData: 'IyEvYmluL3NoCmVjaG8gaGk=',
    ClientToken: 'my-token',
  } satisfies sdk.RunInstancesCommandInput,
  ModifyNetworkInterfaceAttribute: {
    NetworkInterfaceId: 'eni-1',
    Description: { Value: TRICKY },
    SourceDestCheck: { Value: false },
    Groups: ['sg-1', 'sg-2', 'sg-3'],
    Attachment: { AttachmentId: 'eni-attach-1', DeleteOnTermination: true },
  } satisfies sdk.ModifyNetworkInterfaceAttributeCommandInput,
  DescribeInstances: {
    MaxResults: 10,
    NextToken: 'token',
    Filters: [{ Name: 'instance-state-name', Values: ['running', 'pending'] }],
  } satisfies sdk.DescribeInstancesCommandInput,
  CreateTags: {
    Resources: ['vpc-1', 'subnet-2'],
    Tags: [
      { Key: 'Name', Value: TRICKY },
      { Key: 'empty', Value: '' },
    ],
  } satisfies sdk.CreateTagsCommandInput,
  DeleteTags: { Resources: ['vpc-1'], Tags: [{ Key: 'Name' }, { Key: 'env', Value: 'prod' }] } satisfies sdk.DeleteTagsCommandInput,
  DescribeSpotPriceHistory: {
    StartTime: new Date('2024-01-02T03:04:05.678Z'),
    EndTime: new Date(0),
    InstanceTypes: ['t3.micro', 'c5.large'],
    ProductDescriptions: ['Linux/UNIX'],
    MaxResults: 100,
  } satisfies sdk.DescribeSpotPriceHistoryCommandInput,
  CreateSubnet: {
    VpcId: 'vpc-1',
    CidrBlock: '10.0.1.0/24',
    AvailabilityZone: 'us-east-1a',
    Ipv6CidrBlock: '2600:1f00::/64',
    TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'Name', Value: 'public' }] }],
  } satisfies sdk.CreateSubnetCommandInput,
  ModifySubnetAttribute: { SubnetId: 'subnet-1', MapPublicIpOnLaunch: { Value: false } } satisfies sdk.ModifySubnetAttributeCommandInput,
  AssignPrivateIpAddresses: {
    NetworkInterfaceId: 'eni-1',
    PrivateIpAddresses: ['10.0.0.5', '10.0.0.6'],
    AllowReassignment: true,
    Ipv4Prefixes: ['10.0.0.16/28'],
  } satisfies sdk.AssignPrivateIpAddressesCommandInput,
  CreateVpc: {
    CidrBlock: '10.0.0.0/16',
    AmazonProvidedIpv6CidrBlock: true,
    InstanceTenancy: 'dedicated',
    TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'main' }] }],
  } satisfies sdk.CreateVpcCommandInput,
  DescribeNetworkInterfaces: {
    NetworkInterfaceIds: Array.from({ length: 12 }, (_, i) => `eni-${String(i + 1).padStart(17, '0')}`),
    Filters: [{ Name: 'vpc-id', Values: ['vpc-1'] }],
  } satisfies sdk.DescribeNetworkInterfacesCommandInput,
  AssociateAddress: {
    AllocationId: 'eipalloc-1',
    NetworkInterfaceId: 'eni-1',
    PrivateIpAddress: '10.0.0.5',
    AllowReassociation: false,
  } satisfies sdk.AssociateAddressCommandInput,
  DescribeRegions: { AllRegions: true, RegionNames: ['us-east-1', 'eu-west-1'] } satisfies sdk.DescribeRegionsCommandInput,
  CreateLaunchTemplate: {
    LaunchTemplateName: 'lt-web',
    LaunchTemplateData: {
      NetworkInterfaces: [
        { DeviceIndex: 0, Groups: ['sg-1'], AssociatePublicIpAddress: true, PrivateIpAddresses: [{ PrivateIpAddress: '10.0.0.9', Primary: true }] },
      ],
      SecurityGroupIds: ['sg-1'],
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }] }],
    },
    ClientToken: 'ct',
  } satisfies sdk.CreateLaunchTemplateCommandInput,
};

/** Operations whose input has an idempotency token the SDK fills in when the caller does not. */
const AUTO_TOKEN = new Set(['CreateNetworkInterface']);

const commandOf = (op: string, input: object): { input: object } => {
  const Ctor = (sdk as unknown as Record<string, new (i: object) => { input: object }>)[`${op}Command`];
  assert.ok(Ctor, `the SDK has ${op}Command`);
  return new Ctor(input);
};

describe('round trip (a): SDK v3 serialiser → our decoder', () => {
  for (const [op, input] of Object.entries(INPUTS)) {
    it(`${op} decodes to the command input`, async () => {
      const body = await sdkBody(op, commandOf(op, input));
      const decoded = decodeBody(body, op);
      if (AUTO_TOKEN.has(op)) {
        assert.match(String(decoded.ClientToken), UUID, 'the SDK adds a UUID idempotency token');
        delete decoded.ClientToken;
      }
      assert.deepStrictEqual(decoded, input);
    });
  }

  it('lists of 10+ members keep their order (index 10 after 9, not after 1)', async () => {
    const ids = INPUTS.DescribeNetworkInterfaces as sdk.DescribeNetworkInterfacesCommandInput;
    const body = await sdkBody('DescribeNetworkInterfaces', commandOf('DescribeNetworkInterfaces', ids));
    assert.ok(body.includes('NetworkInterfaceId.12='));
    assert.deepEqual(decodeBody(body, 'DescribeNetworkInterfaces').NetworkInterfaceIds, ids.NetworkInterfaceIds);
  });

  it('a blob (ImportKeyPair PublicKeyMaterial) arrives as its base64 text', async () => {
    const material = new TextEncoder().encode('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI me@host');
    const body = await sdkBody('ImportKeyPair', commandOf('ImportKeyPair', { KeyName: 'k', PublicKeyMaterial: material }));
    const decoded = decodeBody(body, 'ImportKeyPair');
    assert.deepEqual(Buffer.from(String(decoded.PublicKeyMaterial), 'base64'), Buffer.from(material));
  });
});

describe('round trip (a): botocore serialiser → our decoder', () => {
  const ops = [
    'CreateNetworkInterface',
    'DescribeVpcs',
    'AuthorizeSecurityGroupIngress',
    'RunInstances',
    'ModifyNetworkInterfaceAttribute',
    'DescribeInstances',
    'CreateTags',
    'DescribeSpotPriceHistory',
    'AssignPrivateIpAddresses',
    'DescribeNetworkInterfaces',
    'CreateLaunchTemplate',
  ];
  let bodies: string[];
  const cases = ops.map((op) => ({ op, params: JSON.parse(JSON.stringify(INPUTS[op])) }));
  cases.push({ op: 'ImportKeyPair', params: { KeyName: 'k', PublicKeyMaterial: 'ssh-rsa AAAA me@host' } });

  it('botocore serialises every case', async () => {
    bodies = await python(BOTO_SERIALIZE, cases);
    assert.equal(bodies.length, cases.length);
  });

  cases.forEach((c, i) => {
    it(`${c.op} decodes to the botocore params`, () => {
      assert.ok(bodies, 'botocore ran');
      const decoded = decodeBody(bodies[i]!, c.op);
      const want: Record<string, unknown> = { ...(INPUTS[c.op] ?? c.params) };
      // botocore sends blobs as base64 of the bytes (a str is encoded as UTF-8 first).
      if (c.op === 'ImportKeyPair') want.PublicKeyMaterial = Buffer.from('ssh-rsa AAAA me@host').toString('base64');
      assert.deepStrictEqual(decoded, want);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// (b) outputs

const T1 = new Date('2024-01-02T03:04:05.678Z');
const T2 = new Date('2013-11-30T23:36:42.000Z');

/** An SDK output type without its metadata: what a handler returns. */
type Out<T> = Omit<T, '$metadata'>;

const OUTPUTS: { [op: string]: object } = {
  DescribeVpcs: {
    Vpcs: [
      {
        OwnerId: '123456789012',
        InstanceTenancy: 'default',
        Ipv6CidrBlockAssociationSet: [],
        CidrBlockAssociationSet: [{ AssociationId: 'vpc-cidr-assoc-1', CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } }],
        IsDefault: false,
        BlockPublicAccessStates: { InternetGatewayBlockMode: 'off' },
        Tags: [
          { Key: 'Name', Value: TRICKY },
          { Key: 'empty', Value: '' },
        ],
        VpcId: 'vpc-0123456789abcdef0',
        State: 'available',
        CidrBlock: '10.0.0.0/16',
        DhcpOptionsId: 'dopt-1',
      },
      { VpcId: 'vpc-2', IsDefault: true, CidrBlock: '172.31.0.0/16', State: 'pending' },
    ],
    NextToken: 'next+/=',
  } satisfies Out<sdk.DescribeVpcsCommandOutput>,
  CreateSubnet: {
    Subnet: {
      AvailabilityZoneId: 'use1-az6',
      OwnerId: '123456789012',
      AssignIpv6AddressOnCreation: false,
      Ipv6CidrBlockAssociationSet: [{ AssociationId: 'subnet-cidr-assoc-1', Ipv6CidrBlock: '2600:1f00::/64', Ipv6CidrBlockState: { State: 'associated' } }],
      SubnetArn: 'arn:aws:ec2:us-east-1:123456789012:subnet/subnet-1',
      EnableDns64: false,
      Ipv6Native: false,
      PrivateDnsNameOptionsOnLaunch: { HostnameType: 'ip-name', EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: true },
      SubnetId: 'subnet-1',
      State: 'available',
      VpcId: 'vpc-1',
      CidrBlock: '10.0.1.0/24',
      AvailableIpAddressCount: 251,
      AvailabilityZone: 'us-east-1a',
      DefaultForAz: false,
      MapPublicIpOnLaunch: true,
    },
  } satisfies Out<sdk.CreateSubnetCommandOutput>,
  DescribeNetworkInterfaces: {
    NetworkInterfaces: [
      {
        Association: { IpOwnerId: 'amazon', PublicDnsName: 'ec2-203-0-113-12.compute-1.amazonaws.com', PublicIp: '203.0.113.12' },
        Attachment: {
          AttachTime: T2,
          AttachmentId: 'eni-attach-1',
          DeleteOnTermination: true,
          DeviceIndex: 0,
          NetworkCardIndex: 0,
          InstanceId: 'i-1',
          InstanceOwnerId: '123456789012',
          Status: 'attached',
        },
        AvailabilityZone: 'us-east-1a',
        Description: TRICKY,
        Groups: [{ GroupId: 'sg-1', GroupName: 'default' }],
        InterfaceType: 'interface',
        Ipv6Addresses: [],
        MacAddress: '02:1a:80:41:52:9c',
        NetworkInterfaceId: 'eni-1',
        OwnerId: '123456789012',
        PrivateDnsName: 'ip-10-0-1-17.ec2.internal',
        PrivateIpAddress: '10.0.1.17',
        PrivateIpAddresses: [
          {
            Association: { IpOwnerId: 'amazon', PublicIp: '203.0.113.12' },
            Primary: true,
            PrivateDnsName: 'ip-10-0-1-17.ec2.internal',
            PrivateIpAddress: '10.0.1.17',
          },
          { Primary: false, PrivateIpAddress: '10.0.1.18' },
        ],
        Ipv4Prefixes: [{ Ipv4Prefix: '10.0.1.32/28' }],
        RequesterManaged: false,
        SourceDestCheck: false,
        Status: 'in-use',
        SubnetId: 'subnet-1',
        TagSet: [],
        VpcId: 'vpc-1',
      },
    ],
  } satisfies Out<sdk.DescribeNetworkInterfacesCommandOutput>,
  DescribeSecurityGroups: {
    SecurityGroups: [
      {
        GroupId: 'sg-1',
        IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
        Tags: [{ Key: 'a', Value: 'b' }],
        VpcId: 'vpc-1',
        OwnerId: '123456789012',
        GroupName: 'web',
        Description: TRICKY,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            UserIdGroupPairs: [{ GroupId: 'sg-2', UserId: '123456789012', Description: 'peer' }],
            IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'ssh' }],
            Ipv6Ranges: [{ CidrIpv6: '::/0' }],
            PrefixListIds: [],
          },
          { IpProtocol: 'icmp', FromPort: -1, ToPort: -1 },
        ],
      },
    ],
  } satisfies Out<sdk.DescribeSecurityGroupsCommandOutput>,
  DescribeAvailabilityZones: {
    AvailabilityZones: [
      {
        OptInStatus: 'opt-in-not-required',
        Messages: [],
        RegionName: 'us-east-1',
        ZoneName: 'us-east-1a',
        ZoneId: 'use1-az6',
        GroupName: 'us-east-1-zg-1',
        NetworkBorderGroup: 'us-east-1',
        ZoneType: 'availability-zone',
        State: 'available',
      },
    ],
  } satisfies Out<sdk.DescribeAvailabilityZonesCommandOutput>,
  DescribeSpotPriceHistory: {
    SpotPriceHistory: [
      { AvailabilityZone: 'us-east-1a', InstanceType: 't3.micro', ProductDescription: 'Linux/UNIX', SpotPrice: '0.003100', Timestamp: T1 },
      { AvailabilityZone: 'us-east-1b', InstanceType: 't3.micro', ProductDescription: 'Linux/UNIX', SpotPrice: '0.003200', Timestamp: T2 },
    ],
  } satisfies Out<sdk.DescribeSpotPriceHistoryCommandOutput>,
  DeleteSecurityGroup: { Return: false, GroupId: 'sg-1' } satisfies Out<sdk.DeleteSecurityGroupCommandOutput>,
  AttachNetworkInterface: { AttachmentId: 'eni-attach-1', NetworkCardIndex: 0 } satisfies Out<sdk.AttachNetworkInterfaceCommandOutput>,
  DescribeTags: { Tags: [] },
  DeleteVpc: {},
};

describe('round trip (b): our encoder → SDK v3 deserialiser', () => {
  for (const [op, output] of Object.entries(OUTPUTS)) {
    it(`${op}`, async () => {
      stub.reply = bodyText(encoder.response(op, model.operations[op]!.output, output, 'req-b'));
      // (The SDK takes $metadata.requestId from the x-amzn-requestid header; the interop tests check it.)
      const { $metadata: _, ...parsed } = (await client.send(commandOf(op, {}) as never)) as { $metadata: unknown };
      assert.deepStrictEqual(parsed, output);
    });
  }
});

describe('round trip (b): our encoder → botocore parser', () => {
  const entries = Object.entries(OUTPUTS);
  let parsed: unknown[];
  it('botocore parses every document', async () => {
    parsed = await python(
      BOTO_PARSE,
      entries.map(([op, output]) => ({ op, xml: encoder.response(op, model.operations[op]!.output, output, 'req-b') })),
    );
    assert.equal(parsed.length, entries.length);
  });
  entries.forEach(([op, output], i) => {
    it(`${op}`, () => {
      assert.ok(parsed, 'botocore ran');
      // JSON turns our Dates into ISO strings, as the python side does with datetimes.
      assert.deepStrictEqual(parsed[i], JSON.parse(JSON.stringify(output)));
    });
  });
});
