/**
 * Security groups through the real clients (SDK v3, AWS CLI, boto3). Expected shapes and messages:
 * EC2 API reference (model doc strings) and AWS transcripts cited in src/engine/security-group.ts.
 * Every error case checks that state is unchanged afterwards.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DeleteNetworkInterfaceCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  ModifySecurityGroupRulesCommand,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
  type EC2Client,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { expectCode, rawQuery, useHarness } from './harness.js';

const ACCOUNT = '123456789012';
const ssh: IpPermission = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

describe('security groups (interop)', () => {
  const h = useHarness();
  let ec2: EC2Client;
  let vpcId: string;

  beforeEach(async () => {
    ec2 = h.ec2();
    vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  });

  /** A group in the test's VPC, or with `inDefaultVpc` one created without VpcId (so in the default VPC). */
  const createGroup = async (name: string, inDefaultVpc = false) =>
    (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: `${name} tier`, VpcId: inDefaultVpc ? undefined : vpcId }))).GroupId!;
  const group = async (id: string) => (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups![0]!;
  const allGroups = async () => (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups!;
  const defaultVpcId = async () => (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs![0]!.VpcId!;

  it('the default group of every VPC looks as on AWS: default / "default VPC security group", in from itself, out to all', async () => {
    const { SecurityGroups } = await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'group-name', Values: ['default'] },
        ],
      }),
    );
    assert.equal(SecurityGroups!.length, 1);
    const g = SecurityGroups![0]!;
    assert.deepEqual(g, {
      GroupId: g.GroupId,
      GroupName: 'default',
      Description: 'default VPC security group',
      OwnerId: ACCOUNT,
      VpcId: vpcId,
      SecurityGroupArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/${g.GroupId}`,
      IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ UserId: ACCOUNT, GroupId: g.GroupId }], IpRanges: [], Ipv6Ranges: [], PrefixListIds: [] }],
      IpPermissionsEgress: [{ IpProtocol: '-1', UserIdGroupPairs: [], IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [] }],
    });
    await expectCode(ec2.send(new DeleteSecurityGroupCommand({ GroupId: g.GroupId })), 'CannotDelete');
    assert.equal((await group(g.GroupId!)).GroupName, 'default');
  });

  it('CLI create + authorize (--protocol tcp/all, --source-group), boto3 sees rules grouped by protocol and ports', async () => {
    const created = await h.cli([
      'create-security-group',
      '--group-name',
      'web',
      '--description',
      'web tier',
      '--vpc-id',
      vpcId,
      '--tag-specifications',
      'ResourceType=security-group,Tags=[{Key=env,Value=dev}]',
    ]);
    const id = created.GroupId as string;
    assert.match(id, /^sg-[0-9a-f]{17}$/);
    assert.deepEqual(created.Tags, [{ Key: 'env', Value: 'dev' }]);
    assert.equal(created.SecurityGroupArn, `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/${id}`);

    const auth = await h.cli(['authorize-security-group-ingress', '--group-id', id, '--protocol', 'tcp', '--port', '22', '--cidr', '10.0.0.0/8']);
    assert.equal(auth.Return, true);
    assert.match(auth.SecurityGroupRules[0].SecurityGroupRuleId, /^sgr-[0-9a-f]{17}$/);
    await h.cli(['authorize-security-group-ingress', '--group-id', id, '--protocol', 'tcp', '--port', '22', '--cidr', '192.168.0.0/16']);
    await h.cli(['authorize-security-group-ingress', '--group-id', id, '--protocol', 'all', '--source-group', id]);

    const perms = await h.boto3(`result = ec2.describe_security_groups(GroupIds=['${id}'])['SecurityGroups'][0]['IpPermissions']`);
    assert.deepEqual(perms, [
      {
        IpProtocol: 'tcp',
        FromPort: 22,
        ToPort: 22,
        UserIdGroupPairs: [],
        IpRanges: [{ CidrIp: '10.0.0.0/8' }, { CidrIp: '192.168.0.0/16' }],
        Ipv6Ranges: [],
        PrefixListIds: [],
      },
      { IpProtocol: '-1', UserIdGroupPairs: [{ UserId: ACCOUNT, GroupId: id }], IpRanges: [], Ipv6Ranges: [], PrefixListIds: [] },
    ]);
  });

  it('CreateSecurityGroup errors: Duplicate (AWS message), Reserved, sg- prefix, bad characters, unknown VPC; nothing created', async () => {
    await createGroup('web');
    const count = (await allGroups()).length;
    const dup = await expectCode(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'x', VpcId: vpcId })), 'InvalidGroup.Duplicate');
    assert.equal(dup.message, `The security group 'web' already exists for VPC '${vpcId}'`);
    await expectCode(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'default', Description: 'x', VpcId: vpcId })), 'InvalidGroup.Reserved');
    const sg = await expectCode(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'sg-web', Description: 'x', VpcId: vpcId })), 'InvalidParameterValue');
    assert.equal(sg.message, 'Value (sg-web) for parameter GroupName is invalid. Group names may not be in the format sg-*.');
    await expectCode(h.cli(['create-security-group', '--group-name', 'ok', '--description', "it's mine", '--vpc-id', vpcId]), 'InvalidParameterValue');
    await expectCode(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'ok', Description: 'x', VpcId: 'vpc-0123456789abcdef0' })), 'InvalidVpcID.NotFound');
    assert.equal((await allGroups()).length, count);
  });

  it('without VpcId the group goes to the default VPC; GroupName works there (describe, authorize, delete)', async () => {
    const id = await createGroup('app', true);
    assert.equal((await group(id)).VpcId, await defaultVpcId());
    const byName = await h.boto3(`result = [g['GroupId'] for g in ec2.describe_security_groups(GroupNames=['app'])['SecurityGroups']]`);
    assert.deepEqual(byName, [id]);
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupName: 'app', IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '0.0.0.0/0' }));
    assert.deepEqual(
      (await group(id)).IpPermissions!.map((p) => p.FromPort),
      [80],
    );
    await ec2.send(new DeleteSecurityGroupCommand({ GroupName: 'app' }));
    await expectCode(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] })), 'InvalidGroup.NotFound');
  });

  it('GroupNames only see the default VPC: a nondefault group by name is InvalidGroup.NotFound', async () => {
    await createGroup('web');
    const e = await expectCode(ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['web'] })), 'InvalidGroup.NotFound');
    assert.equal(e.message, `The security group 'web' does not exist in default VPC '${await defaultVpcId()}'`);
    const missing = await expectCode(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0123456789abcdef0'] })), 'InvalidGroup.NotFound');
    assert.equal(missing.message, "The security group 'sg-0123456789abcdef0' does not exist");
    await expectCode(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['web'] })), 'InvalidGroupId.Malformed');
  });

  it("duplicate rules: InvalidPermission.Duplicate with AWS's message, and nothing of the request is added", async () => {
    const id = await createGroup('web');
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [ssh] }));
    const before = await group(id);
    const e = await expectCode(
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ ...ssh, IpRanges: [{ CidrIp: '1.2.3.4/32' }, { CidrIp: '0.0.0.0/0' }] }] }),
      ),
      'InvalidPermission.Duplicate',
    );
    assert.equal(e.message, 'the specified rule "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW" already exists');
    const egress = await expectCode(
      ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] })),
      'InvalidPermission.Duplicate',
    );
    assert.equal(egress.message, 'the specified rule "peer: 0.0.0.0/0, ALL, ALLOW" already exists');
    assert.deepEqual(await group(id), before);
  });

  it('rule validation errors through boto3 and the SDK leave the group unchanged', async () => {
    const id = await createGroup('web');
    const before = await group(id);
    const bad: [IpPermission, string][] = [
      [{ IpProtocol: 'all', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }, "Invalid value 'all' for IP protocol. Unknown protocol."],
      [
        { IpProtocol: 'tcp', ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
        "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.",
      ],
      [{ IpProtocol: 'tcp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }, 'TCP/UDP (from) port (-1) out of range'],
      [{ ...ssh, IpRanges: [{ CidrIp: '10.0.0.0/33' }] }, 'CIDR block 10.0.0.0/33 is malformed'],
    ];
    for (const [perm, message] of bad) {
      const e = await expectCode(ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [ssh, perm] })), 'InvalidParameterValue');
      assert.equal(e.message, message);
    }
    const missingRef = await h.boto3(`
try:
    ec2.authorize_security_group_ingress(GroupId='${id}', IpPermissions=[{'IpProtocol': 'tcp', 'FromPort': 5432, 'ToPort': 5432, 'UserIdGroupPairs': [{'GroupId': 'sg-0123456789abcdef0'}]}])
except botocore.exceptions.ClientError as e:
    result = e.response['Error']`);
    assert.deepEqual(missingRef, { Code: 'InvalidGroup.NotFound', Message: "The security group 'sg-0123456789abcdef0' does not exist" });
    assert.deepEqual(await group(id), before);
  });

  it('authorize returns the new rules with tags; DescribeSecurityGroupRules filters by group-id / tag and paginates', async () => {
    const id = await createGroup('web');
    const cidrs = ['10.1.0.0/16', '10.2.0.0/16', '10.3.0.0/16', '10.4.0.0/16', '10.5.0.0/16', '10.6.0.0/16'];
    const out = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: id,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: cidrs.map((CidrIp) => ({ CidrIp, Description: 'https' })) }],
        TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'team', Value: 'edge' }] }],
      }),
    );
    assert.equal(out.Return, true);
    assert.equal(out.SecurityGroupRules!.length, 6);
    assert.deepEqual(out.SecurityGroupRules![0]!.Tags, [{ Key: 'team', Value: 'edge' }]);
    assert.equal(out.SecurityGroupRules![0]!.Description, 'https');

    const seen: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [id] }], MaxResults: 5, NextToken }));
      assert.ok(page.SecurityGroupRules!.length <= 5);
      seen.push(...page.SecurityGroupRules!.map((r) => r.SecurityGroupRuleId!));
      NextToken = page.NextToken;
    } while (NextToken);
    assert.equal(seen.length, 7, 'six ingress rules and the default egress rule');
    const tagged = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'tag:team', Values: ['edge'] }] }));
    assert.equal(tagged.SecurityGroupRules!.length, 6);
    const egress = (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [id] }] }))).SecurityGroupRules!.find(
      (r) => r.IsEgress,
    )!;
    assert.deepEqual(
      { p: egress.IpProtocol, f: egress.FromPort, t: egress.ToPort, c: egress.CidrIpv4, tags: egress.Tags },
      { p: '-1', f: -1, t: -1, c: '0.0.0.0/0', tags: [] },
    );
    await expectCode(
      ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: ['sgr-0123456789abcdef0'] })),
      'InvalidSecurityGroupRuleId.NotFound',
    );
  });

  it('DescribeSecurityGroups filters: rule filters (ingress and egress), names, tags; MaxResults pages', async () => {
    const web = await createGroup('web');
    const db = await createGroup('db');
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: web, IpPermissions: [{ ...ssh, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }] }));
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: db,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: web }] }],
      }),
    );
    await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: db, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    const ids = async (Filters: { Name: string; Values: string[] }[]) =>
      (await ec2.send(new DescribeSecurityGroupsCommand({ Filters }))).SecurityGroups!.map((g) => g.GroupName).sort();
    assert.deepEqual(await ids([{ Name: 'ip-permission.from-port', Values: ['22'] }]), ['web']);
    assert.deepEqual(await ids([{ Name: 'ip-permission.cidr', Values: ['10.*'] }]), ['web']);
    assert.deepEqual(await ids([{ Name: 'ip-permission.group-id', Values: [web] }]), ['db']);
    assert.deepEqual(await ids([{ Name: 'ip-permission.group-name', Values: ['web'] }]), ['db']);
    assert.deepEqual(
      await ids([
        { Name: 'ip-permission.protocol', Values: ['tcp'] },
        { Name: 'ip-permission.to-port', Values: ['5432'] },
      ]),
      ['db'],
    );
    assert.deepEqual(
      await ids([
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'egress.ip-permission.cidr', Values: ['0.0.0.0/0'] },
      ]),
      ['default', 'web'],
    );
    assert.deepEqual(await ids([{ Name: 'description', Values: ['db tier'] }]), ['db']);
    assert.deepEqual(
      await ids([
        { Name: 'ip-permission.user-id', Values: [ACCOUNT] },
        { Name: 'vpc-id', Values: [vpcId] },
      ]),
      ['db', 'default'],
    );
    assert.deepEqual(await ids([{ Name: 'owner-id', Values: ['000000000000'] }]), []);
    await expectCode(ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'ip-permission.port', Values: ['22'] }] })), 'InvalidParameterValue');

    const first = await ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: 5 }));
    assert.equal(first.SecurityGroups!.length, 4, 'two default groups plus web and db');
    assert.equal(first.NextToken, undefined);
  });

  it('DeleteSecurityGroup: referenced by another group or used by a network interface → DependencyViolation', async () => {
    const web = await createGroup('web');
    const db = await createGroup('db');
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: db,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: web }] }],
      }),
    );
    const e = await expectCode(ec2.send(new DeleteSecurityGroupCommand({ GroupId: web })), 'DependencyViolation');
    assert.equal(e.message, `resource ${web} has a dependent object`);
    assert.equal((await group(web)).GroupName, 'web');
    const deleted = await ec2.send(new DeleteSecurityGroupCommand({ GroupId: db }));
    assert.equal(deleted.Return, true);
    assert.equal(deleted.GroupId, db);

    const subnetId = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }))).Subnets![0]!.SubnetId!;
    const app = await createGroup('app', true);
    const eni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, Groups: [app] }))).NetworkInterface!.NetworkInterfaceId!;
    await expectCode(ec2.send(new DeleteSecurityGroupCommand({ GroupId: app })), 'DependencyViolation');
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni }));
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: app }));
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId: web }));
    await expectCode(ec2.send(new DeleteSecurityGroupCommand({ GroupId: web })), 'InvalidGroup.NotFound');
  });

  it('revoke in a nondefault VPC: an unknown rule is InvalidPermission.NotFound and nothing is revoked (API reference)', async () => {
    const id = await createGroup('web');
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [ssh] }));
    const before = await group(id);
    const e = await expectCode(
      ec2.send(
        new RevokeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [{ ...ssh, IpRanges: [{ CidrIp: '0.0.0.0/0' }, { CidrIp: '9.9.9.9/32' }] }] }),
      ),
      'InvalidPermission.NotFound',
    );
    assert.equal(e.message, 'The specified rule does not exist in this security group.');
    assert.deepEqual(await group(id), before);
    const ok = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [ssh] }));
    assert.equal(ok.Return, true);
    assert.equal(ok.RevokedSecurityGroupRules![0]!.CidrIpv4, '0.0.0.0/0');
    assert.deepEqual((await group(id)).IpPermissions, []);
  });

  it('revoke in the default VPC: unknown rules come back in UnknownIpPermissions, no error (API reference); by rule id via the CLI', async () => {
    const id = await createGroup('app', true);
    const [rule] = (await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [ssh, { ...ssh, FromPort: 80, ToPort: 80 }] })))
      .SecurityGroupRules!;
    const res = await h.boto3(`
r = ec2.revoke_security_group_ingress(GroupId='${id}', IpPermissions=[{'IpProtocol': 'tcp', 'FromPort': 22, 'ToPort': 22, 'IpRanges': [{'CidrIp': '0.0.0.0/0'}, {'CidrIp': '8.8.8.8/32'}]}])
result = {'Return': r['Return'], 'Unknown': r.get('UnknownIpPermissions'), 'Revoked': [x['SecurityGroupRuleId'] for x in r['RevokedSecurityGroupRules']]}`);
    assert.equal(res.Return, true);
    assert.deepEqual(res.Revoked, [rule!.SecurityGroupRuleId]);
    assert.deepEqual(res.Unknown, [
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [], IpRanges: [{ CidrIp: '8.8.8.8/32' }], Ipv6Ranges: [], PrefixListIds: [] },
    ]);
    const http = (await group(id)).IpPermissions!.find((p) => p.FromPort === 80)!;
    const ruleId = (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [id] }] }))).SecurityGroupRules!.find(
      (r) => !r.IsEgress,
    )!.SecurityGroupRuleId!;
    assert.ok(http);
    const byId = await h.cli(['revoke-security-group-ingress', '--group-id', id, '--security-group-rule-ids', ruleId]);
    assert.deepEqual(Object.keys(byId).sort(), ['Return', 'RevokedSecurityGroupRules']);
    assert.deepEqual((await group(id)).IpPermissions, []);
    await expectCode(ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: id, SecurityGroupRuleIds: [ruleId] })), 'InvalidSecurityGroupRuleId.NotFound');
  });

  it('ModifySecurityGroupRules replaces a rule in place; UpdateSecurityGroupRuleDescriptionsIngress sets descriptions', async () => {
    const id = await createGroup('web');
    const [rule] = (await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [ssh] }))).SecurityGroupRules!;
    const ruleId = rule!.SecurityGroupRuleId!;
    const modified = await ec2.send(
      new ModifySecurityGroupRulesCommand({
        GroupId: id,
        SecurityGroupRules: [
          {
            SecurityGroupRuleId: ruleId,
            SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 2222, ToPort: 2222, CidrIpv4: '10.0.0.0/8', Description: 'bastion' },
          },
        ],
      }),
    );
    assert.equal(modified.Return, true);
    const after = (await ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [ruleId] }))).SecurityGroupRules![0]!;
    assert.deepEqual([after.FromPort, after.CidrIpv4, after.Description], [2222, '10.0.0.0/8', 'bastion']);

    await ec2.send(
      new UpdateSecurityGroupRuleDescriptionsIngressCommand({
        GroupId: id,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 2222, ToPort: 2222, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'jump host' }] }],
      }),
    );
    assert.equal((await group(id)).IpPermissions![0]!.IpRanges![0]!.Description, 'jump host');
    const before = await group(id);
    await expectCode(
      ec2.send(
        new UpdateSecurityGroupRuleDescriptionsIngressCommand({
          GroupId: id,
          IpPermissions: [{ ...ssh, IpRanges: [{ CidrIp: '1.1.1.1/32', Description: 'x' }] }],
        }),
      ),
      'InvalidPermission.NotFound',
    );
    assert.deepEqual(await group(id), before);
  });

  it('DryRun answers DryRunOperation and creates nothing', async () => {
    const count = (await allGroups()).length;
    await expectCode(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'x', Description: 'x', VpcId: vpcId, DryRun: true })), 'DryRunOperation');
    assert.equal((await allGroups()).length, count);
  });

  it('wire format: empty rule lists are empty elements, ports are omitted for all-protocol permissions', async () => {
    const id = await createGroup('web');
    const res = await rawQuery(h.url, `Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.1=${id}`, {
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20240101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=x',
    });
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /<ipPermissions\/>/);
    assert.match(
      res.text,
      /<ipPermissionsEgress><item><ipProtocol>-1<\/ipProtocol><groups\/><ipRanges><item><cidrIp>0\.0\.0\.0\/0<\/cidrIp><\/item><\/ipRanges><ipv6Ranges\/><prefixListIds\/><\/item><\/ipPermissionsEgress>/,
    );
    assert.match(res.text, /<groupDescription>web tier<\/groupDescription>/);
  });
});
