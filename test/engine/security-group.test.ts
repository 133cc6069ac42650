/**
 * Security groups in the engine. Behaviour sources are in src/engine/security-group.ts; test names
 * cite the rule each checks. Every error case asserts that nothing changed.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { Cloud, type RegionState } from '../../src/engine/cloud.js';
import type { Ec2Error } from '../../src/engine/errors.js';
import type { SecurityGroup } from '../../src/engine/model.js';
import {
  authorizeRules,
  createSecurityGroup,
  defaultSecurityGroup,
  deleteSecurityGroup,
  describeRule,
  getSecurityGroup,
  getSecurityGroupByName,
  getSecurityGroupRule,
  modifyRules,
  normalizeProtocol,
  parsePermissions,
  registerGroupUsageCheck,
  revokeRules,
  updateRuleDescriptions,
  type IpPermissionInput,
  MAX_RULES_PER_DIRECTION,
} from '../../src/engine/security-group.js';
import { createVpc } from '../../src/engine/vpc.js';
import { parseIpv4Cidr } from '../../src/engine/cidr.js';

const ACCOUNT = '123456789012';

/** Asserts `fn` throws an Ec2Error with `code` (and `message` when given). */
function throwsEc2(fn: () => unknown, code: string, message?: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    const err = e as Ec2Error;
    assert.equal(err.name, 'Ec2Error', String(e));
    assert.equal(err.code, code, err.message);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

/** Everything observable about the world's groups, to prove an error changed nothing. */
const snapshot = (region: RegionState) =>
  JSON.stringify(
    [...region.securityGroups.values()].map((g) => ({
      id: g.id,
      name: g.name,
      rules: [...g.rules.values()].map((r) => ({ ...r, tags: [...r.tags] })),
    })),
  ) + `|${region.taggables.size}`;

describe('security groups (engine)', () => {
  let region: RegionState;
  let vpcId: string;
  let web: SecurityGroup;

  const perms = (group: SecurityGroup, p: IpPermissionInput[], egress = false) => parsePermissions(region, group, egress, p);
  const ingress = (group: SecurityGroup, p: IpPermissionInput[]) => authorizeRules(region, group, false, perms(group, p));
  const ssh: IpPermissionInput = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

  beforeEach(() => {
    region = new Cloud({ defaultAccountId: ACCOUNT }).region(ACCOUNT, 'us-east-1');
    vpcId = createVpc(region, { cidr: parseIpv4Cidr('10.0.0.0/16')! }).id;
    web = createSecurityGroup(region, { name: 'web', description: 'web tier', vpcId });
  });

  describe('CreateSecurityGroup', () => {
    it('creates a group with the single all-outbound IPv4 rule AWS gives every new group', () => {
      assert.match(web.id, /^sg-[0-9a-f]{17}$/);
      const rules = [...web.rules.values()];
      assert.equal(rules.length, 1);
      assert.deepEqual({ e: rules[0]!.isEgress, p: rules[0]!.ipProtocol, c: rules[0]!.cidrIpv4 }, { e: true, p: '-1', c: '0.0.0.0/0' });
      assert.match(rules[0]!.id, /^sgr-[0-9a-f]{17}$/);
      assert.equal(region.taggables.get(rules[0]!.id), rules[0]);
    });

    it('defaults to the default VPC; VPCIdNotSpecified when there is none', () => {
      const g = createSecurityGroup(region, { name: 'app', description: 'd' });
      assert.equal(g.vpcId, region.defaultVpc()!.id);
      region.vpcs.delete(region.defaultVpc()!.id);
      throwsEc2(() => createSecurityGroup(region, { name: 'x', description: 'd' }), 'VPCIdNotSpecified', 'No default VPC for this user');
    });

    it('names are unique per VPC, case-insensitively (API reference), but may repeat across VPCs', () => {
      const before = snapshot(region);
      throwsEc2(
        () => createSecurityGroup(region, { name: 'WEB', description: 'd', vpcId }),
        'InvalidGroup.Duplicate',
        `The security group 'WEB' already exists for VPC '${vpcId}'`,
      );
      assert.equal(snapshot(region), before);
      createSecurityGroup(region, { name: 'web', description: 'd' });
    });

    it('refuses the reserved name default, names starting sg-, and characters outside the allowed set', () => {
      const before = snapshot(region);
      throwsEc2(() => createSecurityGroup(region, { name: 'default', description: 'd', vpcId }), 'InvalidGroup.Reserved');
      throwsEc2(
        () => createSecurityGroup(region, { name: 'sg-web', description: 'd', vpcId }),
        'InvalidParameterValue',
        'Value (sg-web) for parameter GroupName is invalid. Group names may not be in the format sg-*.',
      );
      throwsEc2(
        () => createSecurityGroup(region, { name: "bob's", description: 'd', vpcId }),
        'InvalidParameterValue',
        /^Invalid security group name\. Valid names/,
      );
      throwsEc2(() => createSecurityGroup(region, { name: 'x'.repeat(256), description: 'd', vpcId }), 'InvalidParameterValue', /less than 256 characters/);
      throwsEc2(
        () => createSecurityGroup(region, { name: 'ok', description: 'caf\u00e9', vpcId }),
        'InvalidParameterValue',
        'Value (caf\u00e9) for parameter GroupDescription is invalid. Character sets beyond ASCII are not supported.',
      );
      throwsEc2(
        () => createSecurityGroup(region, { name: 'ok', description: "it's", vpcId }),
        'InvalidParameterValue',
        /^Invalid security group description\./,
      );
      throwsEc2(() => createSecurityGroup(region, { name: '', description: 'd', vpcId }), 'MissingParameter');
      throwsEc2(() => createSecurityGroup(region, { name: 'ok', description: '', vpcId }), 'MissingParameter');
      throwsEc2(() => createSecurityGroup(region, { name: 'ok', description: 'd', vpcId: 'vpc-0123456789abcdef0' }), 'InvalidVpcID.NotFound');
      assert.equal(snapshot(region), before);
      createSecurityGroup(region, { name: 'a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*', description: 'a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*', vpcId });
    });
  });

  describe('default group', () => {
    it('every VPC has one: inbound all from itself, outbound all to 0.0.0.0/0', () => {
      const g = defaultSecurityGroup(region, vpcId);
      assert.equal(g.name, 'default');
      assert.equal(g.description, 'default VPC security group');
      const rules = [...g.rules.values()].map((r) => ({ e: r.isEgress, p: r.ipProtocol, c: r.cidrIpv4, ref: r.referencedGroupId, u: r.referencedUserId }));
      assert.deepEqual(
        rules.sort((a, b) => Number(a.e) - Number(b.e)),
        [
          { e: false, p: '-1', c: undefined, ref: g.id, u: ACCOUNT },
          { e: true, p: '-1', c: '0.0.0.0/0', ref: undefined, u: undefined },
        ],
      );
    });

    it("cannot be deleted: CannotDelete with AWS's wording", () => {
      const g = defaultSecurityGroup(region, vpcId);
      throwsEc2(() => deleteSecurityGroup(region, g), 'CannotDelete', `the specified group: "${g.id}" name: "default" cannot be deleted by a user`);
      assert.ok(region.securityGroups.has(g.id));
    });
  });

  describe('lookups', () => {
    it('unknown ids: InvalidGroup.NotFound "The security group \'sg-…\' does not exist"; malformed: InvalidGroupId.Malformed', () => {
      throwsEc2(() => getSecurityGroup(region, 'sg-0123456789abcdef0'), 'InvalidGroup.NotFound', "The security group 'sg-0123456789abcdef0' does not exist");
      throwsEc2(() => getSecurityGroup(region, 'web'), 'InvalidGroupId.Malformed', 'Invalid id: "web" (expecting "sg-...")');
    });

    it('names resolve in the default VPC only', () => {
      const app = createSecurityGroup(region, { name: 'App', description: 'd' });
      assert.equal(getSecurityGroupByName(region, 'app'), app);
      throwsEc2(
        () => getSecurityGroupByName(region, 'web'),
        'InvalidGroup.NotFound',
        `The security group 'web' does not exist in default VPC '${region.defaultVpc()!.id}'`,
      );
    });
  });

  describe('rule parsing', () => {
    it('protocols: names, numbers (6/17/1/58 become names), -1; `all` and unknowns refused', () => {
      assert.equal(normalizeProtocol('TCP'), 'tcp');
      assert.equal(normalizeProtocol('6'), 'tcp');
      assert.equal(normalizeProtocol('17'), 'udp');
      assert.equal(normalizeProtocol('1'), 'icmp');
      assert.equal(normalizeProtocol('58'), 'icmpv6');
      assert.equal(normalizeProtocol('50'), '50');
      assert.equal(normalizeProtocol('-1'), '-1');
      throwsEc2(() => normalizeProtocol('all'), 'InvalidParameterValue', "Invalid value 'all' for IP protocol. Unknown protocol.");
      throwsEc2(() => normalizeProtocol('256'), 'InvalidParameterValue', "Invalid value '256' for IP protocol. Unknown protocol.");
      throwsEc2(() => normalizeProtocol(undefined), 'InvalidParameterValue', /must specify protocols explicitly/);
    });

    it('ports: required and 0–65535 for TCP/UDP, type/code −1–255 for ICMP, ignored otherwise', () => {
      throwsEc2(
        () => perms(web, [{ IpProtocol: 'tcp', FromPort: 22, IpRanges: [{ CidrIp: '1.2.3.4/32' }] }]),
        'InvalidParameterValue',
        "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.",
      );
      throwsEc2(
        () => perms(web, [{ IpProtocol: 'tcp', FromPort: -1, ToPort: -1, IpRanges: [] }]),
        'InvalidParameterValue',
        'TCP/UDP (from) port (-1) out of range',
      );
      throwsEc2(
        () => perms(web, [{ IpProtocol: 'udp', FromPort: 1, ToPort: 70000, IpRanges: [] }]),
        'InvalidParameterValue',
        'TCP/UDP (to) port (70000) out of range',
      );
      throwsEc2(() => perms(web, [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 70, IpRanges: [] }]), 'InvalidParameterValue');
      throwsEc2(
        () => perms(web, [{ IpProtocol: 'icmp', FromPort: 8, ToPort: 65535, IpRanges: [] }]),
        'InvalidParameterValue',
        'ICMP code (65535) out of range',
      );
      throwsEc2(() => perms(web, [{ IpProtocol: 'icmp', FromPort: -1, ToPort: 0, IpRanges: [] }]), 'InvalidParameterValue');
      const [all] = perms(web, [{ IpProtocol: '-1', FromPort: 22, ToPort: 25, IpRanges: [{ CidrIp: '1.2.3.4/32' }] }]);
      assert.deepEqual([all!.fromPort, all!.toPort], [-1, -1]);
      const [esp] = perms(web, [{ IpProtocol: '50', IpRanges: [{ CidrIp: '1.2.3.4/32' }] }]);
      assert.deepEqual([esp!.ipProtocol, esp!.fromPort], ['50', -1]);
    });

    it('one rule per peer; CIDRs canonicalised (API reference: 100.68.0.18/18 → 100.68.0.0/18); bad CIDRs refused', () => {
      const specs = perms(web, [
        {
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          IpRanges: [{ CidrIp: '100.68.0.18/18', Description: 'office' }, { CidrIp: '10.0.0.0/8' }],
          Ipv6Ranges: [{ CidrIpv6: '2001:DB8::1/32' }],
          PrefixListIds: [{ PrefixListId: 'pl-0123456789abcdef0' }],
          UserIdGroupPairs: [{ GroupId: web.id }],
        },
      ]);
      assert.deepEqual(
        specs.map((s) => s.cidrIpv4 ?? s.cidrIpv6 ?? s.prefixListId ?? s.referencedGroupId),
        ['100.68.0.0/18', '10.0.0.0/8', '2001:db8::/32', 'pl-0123456789abcdef0', web.id],
      );
      assert.equal(specs[0]!.description, 'office');
      assert.equal(specs[4]!.referencedUserId, ACCOUNT);
      throwsEc2(() => perms(web, [{ ...ssh, IpRanges: [{ CidrIp: '10.0.0.0/33' }] }]), 'InvalidParameterValue', 'CIDR block 10.0.0.0/33 is malformed');
      throwsEc2(() => perms(web, [{ ...ssh, IpRanges: [], Ipv6Ranges: [{ CidrIpv6: '::/129' }] }]), 'InvalidParameterValue', 'CIDR block ::/129 is malformed');
      throwsEc2(
        () => perms(web, [{ ...ssh, IpRanges: [{ CidrIp: '1.2.3.4/32', Description: 'caf\u00e9' }] }]),
        'InvalidParameterValue',
        /^Invalid rule description\./,
      );
      throwsEc2(() => perms(web, [{ ...ssh, IpRanges: [], PrefixListIds: [{ PrefixListId: 'pl-x' }] }]), 'InvalidPrefixListId.Malformed');
    });

    it("referenced groups must exist and share the VPC; another account's group is taken as given", () => {
      throwsEc2(() => perms(web, [{ ...ssh, IpRanges: [], UserIdGroupPairs: [{ GroupId: 'sg-0123456789abcdef0' }] }]), 'InvalidGroup.NotFound');
      const other = defaultSecurityGroup(region, region.defaultVpc()!.id);
      throwsEc2(
        () => perms(web, [{ ...ssh, IpRanges: [], UserIdGroupPairs: [{ GroupId: other.id }] }]),
        'InvalidGroup.NotFound',
        'You have specified two resources that belong to different networks.',
      );
      const [foreign] = perms(web, [{ ...ssh, IpRanges: [], UserIdGroupPairs: [{ GroupId: 'sg-0123456789abcdef0', UserId: '999999999999' }] }]);
      assert.equal(foreign!.referencedUserId, '999999999999');
      throwsEc2(
        () => perms(web, [{ ...ssh, IpRanges: [], UserIdGroupPairs: [{ GroupName: 'web' }] }]),
        'InvalidParameterValue',
        /You may not reference Amazon VPC security groups by name/,
      );
    });
  });

  describe('AuthorizeSecurityGroupIngress/Egress', () => {
    it('adds one sgr- rule per peer, with tags copied per rule', () => {
      const rules = authorizeRules(
        region,
        web,
        false,
        perms(web, [{ ...ssh, IpRanges: [{ CidrIp: '1.1.1.1/32' }, { CidrIp: '2.2.2.2/32' }] }]),
        new Map([['k', 'v']]),
      );
      assert.equal(rules.length, 2);
      assert.notEqual(rules[0]!.tags, rules[1]!.tags);
      assert.deepEqual([...rules[1]!.tags], [['k', 'v']]);
      assert.equal(getSecurityGroupRule(region, rules[0]!.id), rules[0]);
    });

    it("duplicates (existing or within the request, whatever the description) fail with AWS's message and add nothing", () => {
      ingress(web, [ssh]);
      const before = snapshot(region);
      throwsEc2(
        () => ingress(web, [{ ...ssh, IpRanges: [{ CidrIp: '9.9.9.9/32' }, { CidrIp: '0.0.0.0/0', Description: 'again' }] }]),
        'InvalidPermission.Duplicate',
        'the specified rule "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW" already exists',
      );
      throwsEc2(() => ingress(web, [{ ...ssh, IpRanges: [{ CidrIp: '8.8.8.8/32' }, { CidrIp: '8.8.8.8/32' }] }]), 'InvalidPermission.Duplicate');
      throwsEc2(
        () => authorizeRules(region, web, true, perms(web, [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], true)),
        'InvalidPermission.Duplicate',
        'the specified rule "peer: 0.0.0.0/0, ALL, ALLOW" already exists',
      );
      assert.equal(snapshot(region), before);
    });

    it('renders rules as AWS does in duplicate messages (ICMP type/code, groups)', () => {
      const [icmp] = perms(web, [{ IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]);
      assert.equal(describeRule(icmp!), 'peer: 0.0.0.0/0, ICMP, type: ALL, code: ALL, ALLOW');
      const [grp] = perms(web, [{ IpProtocol: 'udp', FromPort: 0, ToPort: 65535, UserIdGroupPairs: [{ GroupId: web.id }] }]);
      assert.equal(describeRule(grp!), `peer: ${web.id}, UDP, from port: 0, to port: 65535, ALLOW`);
    });

    it(`enforces ${MAX_RULES_PER_DIRECTION} rules per direction (RulesPerSecurityGroupLimitExceeded), all or nothing`, () => {
      const ranges = (n: number, third: number) => Array.from({ length: n }, (_, i) => ({ CidrIp: `10.${third}.${i}.0/24` }));
      ingress(web, [{ ...ssh, IpRanges: ranges(59, 1) }]);
      const before = snapshot(region);
      throwsEc2(() => ingress(web, [{ ...ssh, IpRanges: ranges(2, 2) }]), 'RulesPerSecurityGroupLimitExceeded');
      assert.equal(snapshot(region), before);
      ingress(web, [{ ...ssh, IpRanges: ranges(1, 2) }]);
    });
  });

  describe('RevokeSecurityGroupIngress/Egress', () => {
    it('removes by value (ports and peer must match; description ignored) or by rule id', () => {
      const [a, b] = ingress(web, [{ ...ssh, IpRanges: [{ CidrIp: '1.1.1.1/32', Description: 'x' }, { CidrIp: '2.2.2.2/32' }] }]);
      const byValue = revokeRules(region, web, false, parsePermissions(region, web, false, [{ ...ssh, IpRanges: [{ CidrIp: '1.1.1.1/32' }] }], false));
      assert.deepEqual(
        byValue.revoked.map((r) => r.id),
        [a!.id],
      );
      assert.equal(region.taggables.has(a!.id), false);
      const byId = revokeRules(region, web, false, [], [b!.id]);
      assert.deepEqual(
        byId.revoked.map((r) => r.id),
        [b!.id],
      );
      assert.equal([...web.rules.values()].filter((r) => !r.isEgress).length, 0);
    });

    it('nondefault VPC: a rule that does not exist fails the whole call with InvalidPermission.NotFound (API reference)', () => {
      const [a] = ingress(web, [ssh]);
      const before = snapshot(region);
      const specs = parsePermissions(region, web, false, [{ ...ssh, IpRanges: [{ CidrIp: '0.0.0.0/0' }, { CidrIp: '5.5.5.5/32' }] }], false);
      throwsEc2(() => revokeRules(region, web, false, specs), 'InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
      assert.equal(snapshot(region), before);
      assert.ok(web.rules.has(a!.id));
    });

    it('default VPC: matching rules are revoked and the rest reported back, no error (API reference)', () => {
      const g = createSecurityGroup(region, { name: 'app', description: 'd' });
      authorizeRules(region, g, false, perms(g, [ssh]));
      const specs = parsePermissions(region, g, false, [{ ...ssh, IpRanges: [{ CidrIp: '0.0.0.0/0' }, { CidrIp: '5.5.5.5/32' }] }], false);
      const res = revokeRules(region, g, false, specs);
      assert.equal(res.revoked.length, 1);
      assert.deepEqual(
        res.unknown.map((s) => s.cidrIpv4),
        ['5.5.5.5/32'],
      );
    });

    it('rule ids must name a rule of this group and direction', () => {
      const egressRule = [...web.rules.values()].find((r) => r.isEgress)!;
      const before = snapshot(region);
      throwsEc2(() => revokeRules(region, web, false, [], [egressRule.id]), 'InvalidSecurityGroupRuleId.NotFound');
      throwsEc2(() => revokeRules(region, web, true, [], ['sgr-0123456789abcdef0']), 'InvalidSecurityGroupRuleId.NotFound');
      throwsEc2(() => revokeRules(region, web, true, [], ['rule-1']), 'InvalidSecurityGroupRuleId.Malformed');
      assert.equal(snapshot(region), before);
    });
  });

  describe('ModifySecurityGroupRules / UpdateSecurityGroupRuleDescriptions*', () => {
    it('replaces a rule in place, keeping its id, position and tags', () => {
      const [a] = authorizeRules(region, web, false, perms(web, [ssh]), new Map([['t', '1']]));
      const [changed] = modifyRules(region, web, [
        { ruleId: a!.id, rule: { IpProtocol: 'tcp', FromPort: 2222, ToPort: 2222, CidrIpv4: '10.0.0.0/8', Description: 'new' } },
      ]);
      assert.equal(changed!.id, a!.id);
      assert.equal(web.rules.get(a!.id), changed);
      assert.equal(region.taggables.get(a!.id), changed);
      assert.deepEqual([changed!.fromPort, changed!.cidrIpv4, changed!.description, [...changed!.tags]], [2222, '10.0.0.0/8', 'new', [['t', '1']]]);
    });

    it('refuses updates naming no peer or several, or colliding with another rule; nothing changes', () => {
      const [a, b] = ingress(web, [{ ...ssh, IpRanges: [{ CidrIp: '1.1.1.1/32' }, { CidrIp: '2.2.2.2/32' }] }]);
      const before = snapshot(region);
      throwsEc2(() => modifyRules(region, web, [{ ruleId: a!.id, rule: { IpProtocol: 'tcp', FromPort: 1, ToPort: 1 } }]), 'MissingParameter');
      throwsEc2(
        () => modifyRules(region, web, [{ ruleId: a!.id, rule: { IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIpv4: '1.1.1.1/32', CidrIpv6: '::/0' } }]),
        'InvalidParameterCombination',
      );
      throwsEc2(
        () => modifyRules(region, web, [{ ruleId: a!.id, rule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '2.2.2.2/32' } }]),
        'InvalidPermission.Duplicate',
      );
      throwsEc2(
        () => modifyRules(region, web, [{ ruleId: 'sgr-0123456789abcdef0', rule: { IpProtocol: '-1', CidrIpv4: '1.1.1.1/32' } }]),
        'InvalidSecurityGroupRuleId.NotFound',
      );
      assert.equal(snapshot(region), before);
      // Swapping two rules' peers in one request is fine: only the final state must be duplicate-free.
      modifyRules(region, web, [
        { ruleId: a!.id, rule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '2.2.2.2/32' } },
        { ruleId: b!.id, rule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '1.1.1.1/32' } },
      ]);
    });

    it('updates descriptions by value (unmatched → InvalidPermission.NotFound) and by id', () => {
      const [a] = ingress(web, [{ ...ssh, IpRanges: [{ CidrIp: '1.1.1.1/32', Description: 'old' }] }]);
      updateRuleDescriptions(web, false, perms(web, [{ ...ssh, IpRanges: [{ CidrIp: '1.1.1.1/32', Description: 'new' }] }]));
      assert.equal(a!.description, 'new');
      updateRuleDescriptions(web, false, perms(web, [{ ...ssh, IpRanges: [{ CidrIp: '1.1.1.1/32' }] }]));
      assert.equal(a!.description, undefined);
      updateRuleDescriptions(web, false, [], [{ ruleId: a!.id, description: 'by id' }]);
      assert.equal(a!.description, 'by id');
      throwsEc2(
        () => updateRuleDescriptions(web, false, perms(web, [{ ...ssh, IpRanges: [{ CidrIp: '3.3.3.3/32', Description: 'x' }] }])),
        'InvalidPermission.NotFound',
      );
      assert.equal(a!.description, 'by id');
    });
  });

  describe('DeleteSecurityGroup', () => {
    it('removes the group and its rules from the world', () => {
      const ruleIds = [...web.rules.keys()];
      deleteSecurityGroup(region, web);
      assert.equal(region.securityGroups.has(web.id), false);
      assert.equal(region.taggables.has(web.id), false);
      for (const id of ruleIds) assert.equal(region.taggables.has(id), false);
    });

    it("a group referenced by another group's rule cannot be deleted (DependencyViolation); a self-reference does not block", () => {
      const db = createSecurityGroup(region, { name: 'db', description: 'd', vpcId });
      ingress(db, [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: web.id }] }]);
      ingress(web, [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: web.id }] }]);
      const before = snapshot(region);
      throwsEc2(() => deleteSecurityGroup(region, web), 'DependencyViolation', `resource ${web.id} has a dependent object`);
      assert.equal(snapshot(region), before);
      deleteSecurityGroup(region, db);
      deleteSecurityGroup(region, web);
    });

    it('registered usage checks (e.g. network interfaces) block deletion until removed', () => {
      const unregister = registerGroupUsageCheck(region, (id) => id === web.id);
      throwsEc2(() => deleteSecurityGroup(region, web), 'DependencyViolation');
      const otherWorld = new Cloud({ defaultAccountId: ACCOUNT }).region(ACCOUNT, 'us-east-1');
      const elsewhere = createSecurityGroup(otherWorld, { name: 'web', description: 'd' });
      deleteSecurityGroup(otherWorld, elsewhere); // checks are per world
      unregister();
      deleteSecurityGroup(region, web);
    });
  });
});
