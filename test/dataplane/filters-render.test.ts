/**
 * The data plane's filters as text (no root needed): security groups and network ACLs rendered as
 * nftables tables from the control plane's state, and re-applied only when they change.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateManagedPrefixListCommand,
  CreateNetworkAclEntryCommand,
  CreateSecurityGroupCommand,
  DescribeNetworkAclsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import pino from 'pino';
import { dataplaneRefusal } from '../../src/dataplane/preflight.js';
import { Filters, filterScripts } from '../../src/dataplane/nft.js';
import { address6Match, familyMatch, ipv4Set, ipv6Elements, protocolMatch } from '../../src/dataplane/nft-match.js';
import { pictureOf } from '../../src/dataplane/picture.js';
import { startServer, type RunningServer } from '../../src/server/start.js';

describe('nft matches', () => {
  it('merges CIDRs into disjoint ranges (nft refuses overlapping set elements), and spots 0.0.0.0/0', () => {
    assert.equal(ipv4Set([]), undefined);
    assert.equal(ipv4Set(['10.0.0.5']), '10.0.0.5');
    assert.equal(ipv4Set(['10.0.0.0/8', '10.1.0.0/16']), '10.0.0.0/8');
    assert.equal(ipv4Set(['10.0.0.4/32', '10.0.0.5/32', '10.0.0.6', '192.168.0.0/24']), '{ 10.0.0.4-10.0.0.6, 192.168.0.0/24 }');
    assert.equal(ipv4Set(['10.0.0.4/32', '10.0.0.5/32']), '10.0.0.4/31');
    assert.equal(ipv4Set(['0.0.0.0/1', '128.0.0.0/1']), 'all');
  });

  it('merges IPv6 CIDRs the same way, and spots ::/0; an IPv6 peer matches IPv6 only', () => {
    assert.deepEqual(ipv6Elements([]), []);
    assert.deepEqual(ipv6Elements(['2001:db8::/32', '2001:db8:1::/48']), ['2001:db8::/32']);
    assert.deepEqual(ipv6Elements(['2001:db8::4', '2001:db8::5/128', '2001:db8::6']), ['2001:db8::4-2001:db8::6']);
    assert.deepEqual(ipv6Elements(['2001:db8::4/128', '2001:db8::5']), ['2001:db8::4/127']);
    assert.equal(ipv6Elements(['::/1', '8000::/1']), 'all');
    assert.equal(address6Match('saddr', ['::/0']), 'meta nfproto ipv6');
    assert.equal(address6Match('daddr', ['2001:db8::/64', '2001:db8:2::/64']), 'ip6 daddr { 2001:db8::/64, 2001:db8:2::/64 }');
    // A network ACL entry has a CidrBlock or an Ipv6CidrBlock: the family follows it.
    assert.equal(familyMatch('saddr', ['::/0']), 'meta nfproto ipv6');
    assert.equal(familyMatch('saddr', ['0.0.0.0/0']), 'meta nfproto ipv4');
  });

  it('matches protocols as the API stores them: ports for TCP/UDP, type and code for ICMP, numbers for the rest', () => {
    assert.equal(protocolMatch('-1', -1, -1), '');
    assert.equal(protocolMatch('tcp', 22, 22), 'tcp dport 22');
    assert.equal(protocolMatch('udp', 1000, 2000), 'udp dport 1000-2000');
    assert.equal(protocolMatch('icmp', -1, -1), 'meta l4proto icmp');
    assert.equal(protocolMatch('icmp', 8, -1), 'icmp type 8');
    assert.equal(protocolMatch('icmp', 3, 4), 'icmp type 3 icmp code 4');
    assert.equal(protocolMatch('47', -1, -1), 'meta l4proto 47');
    // ICMPv6 by type and code, as the API stores them for an IpProtocol of icmpv6 (or 58).
    assert.equal(protocolMatch('icmpv6', -1, -1), 'meta l4proto ipv6-icmp');
    assert.equal(protocolMatch('icmpv6', 128, -1), 'icmpv6 type 128');
    assert.equal(protocolMatch('icmpv6', 1, 4), 'icmpv6 type 1 icmpv6 code 4');
  });

  it('refuses to start the data plane without nft', () => {
    const probe = { platform: 'linux', procStatus: () => 'CapEff:\t000001ffffffffff\n', hasIp: () => true };
    assert.match(dataplaneRefusal({ ...probe, hasNft: () => false })!, /nftables' `nft`.*Debian package nftables/);
    assert.equal(dataplaneRefusal({ ...probe, hasNft: () => true }), undefined);
  });
});

describe('security groups and network ACLs as nftables tables', () => {
  let server: RunningServer;
  let ec2: EC2Client;
  before(async () => {
    server = await startServer(
      { host: '127.0.0.1', port: 0, accountId: '123456789012', logLevel: 'silent', cloud: { lifecycle: { pendingMs: 0 } } },
      pino({ level: 'silent' }),
    );
    ec2 = new EC2Client({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  });
  after(() => server.close());

  const scripts = () => filterScripts(server.cloud(), pictureOf(server.cloud()));

  it('renders each interface its own chains from the union of its groups, with group references and prefix lists resolved', async () => {
    const run = async (groups?: string[]) =>
      (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', MinCount: 1, MaxCount: 1, SecurityGroupIds: groups }))).Instances![0]!;
    const member = await run();
    const vpcId = member.VpcId!;
    const clientGroup = member.SecurityGroups![0]!.GroupId!;
    const web = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpcId }))).GroupId!;
    const pl = await ec2.send(
      new CreateManagedPrefixListCommand({
        PrefixListName: 'office',
        AddressFamily: 'IPv4',
        MaxEntries: 3,
        Entries: [{ Cidr: '198.51.100.0/24' }, { Cidr: '198.51.100.128/25' }],
      }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: web,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          { IpProtocol: 'tcp', FromPort: 5000, ToPort: 5100, UserIdGroupPairs: [{ GroupId: clientGroup }] },
          { IpProtocol: 'udp', FromPort: 53, ToPort: 53, PrefixListIds: [{ PrefixListId: pl.PrefixList!.PrefixListId! }] },
          { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
        ],
      }),
    );
    await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: web, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    const server_ = await run([web]);
    const picture = pictureOf(server.cloud());
    const peer = picture.interfaces.get(server_.NetworkInterfaces![0]!.NetworkInterfaceId!)!.peer;
    const script = [...scripts().values()][0]!;
    const chain = (name: string) => {
      const start = script.indexOf(`chain ${name} {`);
      return script
        .slice(start, script.indexOf('  }', start))
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.trim());
    };
    assert.deepEqual(chain(`in_${peer}`), [
      'meta nfproto ipv4 tcp dport 443 accept',
      `ip saddr @grp_${clientGroup.replace('-', '_')} tcp dport 5000-5100 accept`,
      // A group as peer stands for its members' IPv6 addresses too.
      `ip6 saddr @grp6_${clientGroup.replace('-', '_')} tcp dport 5000-5100 accept`,
      'ip saddr 198.51.100.0/24 udp dport 53 accept',
      'ip saddr 10.0.0.0/8 icmp type 8 accept',
      'counter drop',
    ]);
    // A referenced group is one named set of its members' addresses, shared by every rule that names it.
    assert.match(
      script,
      new RegExp(
        `set grp_${clientGroup.replace('-', '_')} \\{\\n {4}type ipv4_addr; flags interval;\\n {4}elements = \\{ [^}]*${member.PrivateIpAddress!.replace(/\\./g, '\\.')}`,
      ),
    );
    // No egress rule left: nothing leaves.
    assert.deepEqual(chain(`out_${peer}`), ['counter drop']);
    assert.match(script, /ct state established,related accept/);
    assert.match(script, new RegExp(`iifname vmap \\{[^}]*"${peer}" : jump out_${peer}`));
    // The whole table is replaced in one transaction.
    assert.match(script, /^table inet ec2net_sg\ndelete table inet ec2net_sg\ntable inet ec2net_sg \{/);
  });

  it('renders a subnet ACL in rule-number order, exempting traffic within the subnet', async () => {
    const acls = await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'default', Values: ['true'] }] }));
    const acl = acls.NetworkAcls![0]!;
    await ec2.send(
      new CreateNetworkAclEntryCommand({
        NetworkAclId: acl.NetworkAclId!,
        RuleNumber: 50,
        Egress: false,
        Protocol: '6',
        RuleAction: 'deny',
        CidrBlock: '203.0.113.0/24',
        PortRange: { From: 22, To: 22 },
      }),
    );
    const script = [...scripts().values()][0]!;
    const subnet = acl.Associations!.find((a) => script.includes(`chain in_${a.SubnetId!.replace('-', '_')}`))!.SubnetId!;
    const start = script.indexOf(`chain in_${subnet.replace('-', '_')} {`);
    const lines = script
      .slice(start, script.indexOf('  }', start))
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
    assert.match(lines[0]!, /^iifname \{ "v[0-9a-f]+"(, "v[0-9a-f]+")* \} accept$/);
    assert.deepEqual(lines.slice(1), [
      'ip saddr 203.0.113.0/24 tcp dport 22 counter drop comment "rule 50"',
      'meta nfproto ipv4 accept comment "rule 100"',
      'meta nfproto ipv4 counter drop comment "rule 32767"',
      'counter drop',
    ]);
    assert.match(script, /table inet ec2net_nacl \{\n {2}chain forward \{\n {4}type filter hook forward priority filter - 10;/);
  });

  it('says at GET /console/api/dataplane that the data plane is off', async () => {
    const res = await fetch(`${server.url}/console/api/dataplane`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { on: false, interfaces: [] });
  });

  it('runs nft only for namespaces whose tables changed, and again after nft refused a script', async () => {
    const calls: string[] = [];
    let refuse = true;
    const filters = new Filters();
    const run = (ns: string) => {
      calls.push(ns);
      return Promise.resolve({ ns, errors: refuse ? 'Error: syntax error' : '' });
    };
    const cloud = server.cloud();
    await filters.apply(cloud, pictureOf(cloud), run);
    assert.equal(calls.length, 1);
    refuse = false;
    await filters.apply(cloud, pictureOf(cloud), run);
    assert.equal(calls.length, 2, 'a refused script is tried again');
    await filters.apply(cloud, pictureOf(cloud), run);
    assert.equal(calls.length, 2, 'nothing changed: nft is not run');
  });
});
