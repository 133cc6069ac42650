/**
 * Instances and attachments in the engine, on a clock the test moves by hand: the lifecycle state
 * machine and its timers, what each transition does to public addresses and interfaces, and the
 * attach/detach checks. Rules are cited per test:
 * - [notes "…"] the user's ENI notes, /work/shared/reference/eni-notes.md
 * - [ref §x] /work/shared/reference/aws-behaviour.md
 * The interop files (test/interop/{instances,attachments,public-ips}.test.ts) prove the same rules
 * through real clients; here the timing edges are exercised exactly.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { attach, checkAttach, detach, findAttachment } from '../../src/engine/attachment.js';
import { allocateElasticIp, associateElasticIp, disassociateElasticIp } from '../../src/engine/elastic-ip.js';
import { ID_KINDS } from '../../src/engine/ids.js';
import { assignPrivateIps } from '../../src/engine/private-ip.js';
import {
  checkStart,
  checkStop,
  launchInstance,
  soleInterface,
  startInstance,
  stopInstance,
  terminateInstance,
  type LaunchInterface,
} from '../../src/engine/instance.js';
import { checkInvariants } from '../../src/engine/invariants.js';
import { ClockedWorld, TIMINGS, throwsEc2 } from './clocked-world.js';
import type { Instance, NetworkInterface, Subnet } from '../../src/engine/model.js';
import { createNetworkInterface } from '../../src/engine/network-interface.js';
import { createSubnet } from '../../src/engine/subnet.js';
import { createVpc } from '../../src/engine/vpc.js';
import { parseIpv4Cidr } from '../../src/engine/cidr.js';

/** A world on a hand-moved clock, with launch helpers. */
class World extends ClockedWorld {
  eni(subnet: Subnet = this.defaultSubnet(), secondaryCount?: number): NetworkInterface {
    return createNetworkInterface(this.region, { subnet, secondaryCount });
  }
  /** Launches like RunInstances: a new eth0 (DeleteOnTermination=true) plus any extra interfaces. */
  launch(opts: { subnet?: Subnet; type?: string; wantsPublicIp?: boolean; extra?: LaunchInterface[] } = {}): Instance {
    const subnet = opts.subnet ?? this.defaultSubnet();
    const eth0 = this.eni(subnet);
    return launchInstance(this.region, {
      reservationId: this.region.ids.next(ID_KINDS.reservation),
      imageId: 'ami-0123456789abcdef0',
      instanceType: opts.type ?? 't3.micro',
      zone: subnet.zone,
      subnet,
      launchIndex: 0,
      interfaces: [{ eni: eth0, deviceIndex: 0, networkCardIndex: 0, deleteOnTermination: true }, ...(opts.extra ?? [])],
      wantsPublicIp: opts.wantsPublicIp ?? subnet.mapPublicIpOnLaunch,
    });
  }
  running(opts: Parameters<World['launch']>[0] = {}): Instance {
    const i = this.launch(opts);
    this.advance(TIMINGS.pendingMs);
    assert.equal(i.state, 'running');
    return i;
  }
  eth0(i: Instance): NetworkInterface {
    return this.region.networkInterfaces.get(i.interfaceIds[0]!)!;
  }
  invariants(): void {
    assert.deepEqual(checkInvariants(this.cloud), []);
  }
}

describe('instance lifecycle on the clock', () => {
  let w: World;
  beforeEach(() => {
    w = new World();
  });

  it('pending lasts pendingMs, then running', () => {
    // [doc EC2 User Guide "Instance lifecycle"]: pending → running.
    const i = w.launch();
    assert.equal(i.state, 'pending');
    w.advance(499);
    assert.equal(i.state, 'pending');
    w.advance(1);
    assert.equal(i.state, 'running');
    w.invariants();
  });

  it('stop releases the auto-assigned public IPv4 at once; start gives a new one', () => {
    // [ref §4.19]: stop releases the auto-assigned public IPv4; start assigns a new one.
    const i = w.running();
    const first = w.eth0(i).autoPublicIp!;
    assert.ok(first);
    stopInstance(w.region, i);
    assert.equal(i.state, 'stopping');
    assert.equal(w.eth0(i).autoPublicIp, undefined);
    assert.ok(w.cloud.publicIps.claim('us-east-1', first), 'the old address went back to the pool');
    w.advance(500);
    assert.equal(i.state, 'stopped');
    assert.match(i.stateTransitionReason, /^User initiated \(2024-01-02 03:04:05 GMT\)$/);
    startInstance(w.region, i);
    assert.equal(i.state, 'pending');
    const second = w.eth0(i).autoPublicIp!;
    assert.ok(second && second !== first);
    w.advance(500);
    assert.equal(i.state, 'running');
    assert.equal(i.stateTransitionReason, '');
    w.invariants();
  });

  it('a terminate overtakes a stop in progress: the stop timer never brings it back to stopped', () => {
    const i = w.running();
    stopInstance(w.region, i);
    w.advance(100);
    terminateInstance(w.region, i);
    assert.equal(i.state, 'shutting-down');
    w.advance(400); // when the stop would have ended
    assert.equal(i.state, 'shutting-down');
    w.advance(100);
    assert.equal(i.state, 'terminated');
    w.advance(10_000);
    assert.equal(i.state, 'terminated');
    w.invariants();
  });

  it('terminated instances stay visible for terminatedVisibleMs, then disappear', () => {
    // [model TerminateInstances] "Terminated instances remain visible after termination (for approximately one hour)."
    const i = w.running();
    terminateInstance(w.region, i);
    w.advance(500);
    assert.equal(w.region.instances.get(i.id)?.state, 'terminated');
    w.advance(3_600_000 - 1);
    assert.ok(w.region.instances.has(i.id));
    w.advance(1);
    assert.equal(w.region.instances.has(i.id), false);
    assert.equal(w.region.taggables.has(i.id), false);
    w.invariants();
  });

  it('zero timings make every transition immediate', () => {
    const z = new World({ pendingMs: 0, stoppingMs: 0, shuttingDownMs: 0, attachingMs: 0, detachingMs: 0 });
    const i = z.launch();
    assert.equal(i.state, 'running');
    stopInstance(z.region, i);
    assert.equal(i.state, 'stopped');
    startInstance(z.region, i);
    assert.equal(i.state, 'running');
    const eni = z.eni();
    checkAttach(z.region, eni, i, { deviceIndex: 1 });
    attach(z.region, eni, i, { deviceIndex: 1 });
    assert.equal(eni.status, 'in-use');
    detach(z.region, eni, false);
    assert.equal(eni.status, 'available');
    terminateInstance(z.region, i);
    assert.equal(i.state, 'terminated');
    z.invariants();
  });

  it('which states StartInstances and StopInstances accept', () => {
    // [doc S3 IncorrectInstanceState]; stop wordings observed (pending: cloud-custodian#6014;
    // terminated: ansible-collections/amazon.aws#146).
    const i = w.launch();
    checkStart(i); // pending: nothing to do, no error
    throwsEc2(() => checkStop(i), 'IncorrectInstanceState', `Instance '${i.id}' cannot be stopped as it has never reached the 'running' state.`);
    w.advance(500);
    checkStop(i);
    stopInstance(w.region, i);
    throwsEc2(() => checkStart(i), 'IncorrectInstanceState', `The instance '${i.id}' is not in a state from which it can be started.`);
    checkStop(i);
    w.advance(500);
    checkStart(i);
    terminateInstance(w.region, i);
    throwsEc2(() => startInstance(w.region, i), 'IncorrectInstanceState');
    throwsEc2(() => stopInstance(w.region, i), 'IncorrectInstanceState', `This instance '${i.id}' is not in a state from which it can be stopped.`);
    assert.equal(terminateInstance(w.region, i).previous, 'shutting-down', 'terminate is idempotent');
  });
});

describe('public IPv4 eligibility', () => {
  let w: World;
  beforeEach(() => {
    w = new World();
  });

  it('only a lone eth0 that asked for one gets an auto-assigned public IPv4', () => {
    // [ref §5 Public IPv4 auto-assign rules] [notes "How to add additional Network Interfaces at Instance Launch"]
    const alone = w.launch();
    assert.ok(w.eth0(alone).autoPublicIp);
    const notAsked = w.launch({ wantsPublicIp: false });
    assert.equal(w.eth0(notAsked).autoPublicIp, undefined);
    const withEth1 = w.launch({ extra: [{ eni: w.eni(), deviceIndex: 1, networkCardIndex: 0, deleteOnTermination: true }] });
    assert.equal(w.eth0(withEth1).autoPublicIp, undefined);
    w.invariants();
  });

  it('an Elastic IP on a secondary address keeps a new one from coming at start', () => {
    // [ref §5 "No new public IP is given if … a secondary private IP has an EIP"]
    const i = w.running();
    const eth0 = w.eth0(i);
    const [secondary] = assignPrivateIps(w.region, eth0, { count: 1 }).addresses;
    associateElasticIp(
      w.region,
      allocateElasticIp(w.region, {}),
      eth0,
      eth0.privateIps.find((p) => p.text === secondary)!,
      true,
    );
    assert.ok(eth0.autoPublicIp, "an EIP on a secondary address leaves the primary's address alone");
    stopInstance(w.region, i);
    w.advance(500);
    startInstance(w.region, i);
    assert.equal(eth0.autoPublicIp, undefined);
    w.invariants();
  });

  it('a second interface keeps a new one from coming at start; without it the next start brings one', () => {
    // [ref §5 "No new public IP is given if … the instance has more than one ENI attached"]
    // [doc using-eni]: "it does not receive a new one if there is more than one network interface attached".
    const i = w.running();
    const eth0 = w.eth0(i);
    const eth1 = w.eni();
    attach(w.region, eth1, i, { deviceIndex: 1 });
    w.advance(200);
    assert.ok(eth0.autoPublicIp, 'a hot attach does not take the address away');
    stopInstance(w.region, i);
    w.advance(500);
    startInstance(w.region, i);
    assert.equal(eth0.autoPublicIp, undefined);
    w.advance(500);
    detach(w.region, eth1, false);
    w.advance(200);
    stopInstance(w.region, i);
    w.advance(500);
    startInstance(w.region, i);
    assert.ok(eth0.autoPublicIp);
    w.invariants();
  });

  it('an Elastic IP on the primary address replaces the auto-assigned one; its removal brings a new one', () => {
    // [ref §4.13 Effect on public IPs]
    const i = w.running();
    const eth0 = w.eth0(i);
    const auto = eth0.autoPublicIp!;
    const eip = allocateElasticIp(w.region, {});
    associateElasticIp(w.region, eip, eth0, eth0.privateIps[0]!, true);
    assert.equal(eth0.autoPublicIp, undefined);
    disassociateElasticIp(w.region, eip);
    assert.ok(eth0.autoPublicIp);
    assert.notEqual(eth0.autoPublicIp, auto);
    // Not while stopped: the next start brings it.
    associateElasticIp(w.region, eip, eth0, eth0.privateIps[0]!, true);
    stopInstance(w.region, i);
    w.advance(500);
    disassociateElasticIp(w.region, eip);
    assert.equal(eth0.autoPublicIp, undefined);
    startInstance(w.region, i);
    assert.ok(eth0.autoPublicIp);
    w.invariants();
  });
});

describe('attach and detach checks', () => {
  let w: World;
  beforeEach(() => {
    w = new World();
  });

  it("another zone is InvalidParameterCombination with AWS's message", () => {
    // [notes "Remarks"] same AZ; code and message as printed by the AWS CLI (see attachment.ts).
    const i = w.running();
    const far = w.eni(w.defaultSubnet('us-east-1b'));
    throwsEc2(
      () => checkAttach(w.region, far, i, { deviceIndex: 1 }),
      'InvalidParameterCombination',
      'You may not attach a network interface to an instance if they are not in the same availability zone',
    );
  });

  it('another VPC in the same zone is refused', () => {
    // [ref §4.7] same AZ (and VPC).
    const i = w.running();
    const vpc = createVpc(w.region, { cidr: parseIpv4Cidr('10.0.0.0/16')! });
    const subnet = createSubnet(w.region, { vpc, cidrBlock: '10.0.1.0/24', zoneName: 'us-east-1a' });
    throwsEc2(() => checkAttach(w.region, w.eni(subnet), i, { deviceIndex: 1 }), 'InvalidParameterValue', /not in the same VPC/);
  });

  it('the type limit counts every attached interface, including one still attaching', () => {
    // [ref §6] t3.micro: 2 interfaces. [ref §4.7] "Interface count <N> exceeds the limit for <type>".
    const i = w.running();
    const a = w.eni();
    checkAttach(w.region, a, i, { deviceIndex: 1 });
    attach(w.region, a, i, { deviceIndex: 1 });
    assert.equal(a.status, 'attaching');
    throwsEc2(() => checkAttach(w.region, w.eni(), i, { deviceIndex: 2 }), 'AttachmentLimitExceeded', 'Interface count 3 exceeds the limit for t3.micro');
  });

  it('a taken device index and an interface in use are InvalidParameterValue', () => {
    // [ref §4.7 Errors]
    const i = w.running({ type: 'm5.large' });
    const a = w.eni();
    attach(w.region, a, i, { deviceIndex: 1 });
    throwsEc2(
      () => checkAttach(w.region, w.eni(), i, { deviceIndex: 1 }),
      'InvalidParameterValue',
      `Instance '${i.id}' already has an interface attached at device index '1'.`,
    );
    const j = w.running({ type: 'm5.large' });
    throwsEc2(() => checkAttach(w.region, a, j, { deviceIndex: 1 }), 'InvalidParameterValue', `Network interface '${a.id}' is currently in use.`);
  });

  it('eth0 never detaches, Force or not', () => {
    // [notes "You can't move/detach the primary (eth0) interface"] [ref §4.8]
    const i = w.running();
    const eth0 = w.eth0(i);
    for (const force of [false, true]) {
      throwsEc2(
        () => detach(w.region, eth0, force),
        'OperationNotPermitted',
        'The network interface at device index 0 and networkCard index 0 cannot be detached.',
      );
    }
    assert.equal(eth0.status, 'in-use');
    assert.equal(findAttachment(w.region, eth0.attachment!.attachmentId), eth0);
  });

  it('detach goes through detaching to available; a forced detach frees the device index once detached', () => {
    // [ref §4.8]: detaching → available. amazon.aws ec2_eni's integration target (run against AWS)
    // force-detaches an interface and then attaches another at the same index of the running instance.
    const i = w.running({ type: 'm5.large' });
    const a = w.eni();
    attach(w.region, a, i, { deviceIndex: 1 });
    w.advance(200);
    assert.equal(a.status, 'in-use');
    detach(w.region, a, true);
    assert.equal(a.status, 'detaching');
    assert.equal(a.attachment!.status, 'detaching');
    throwsEc2(() => checkAttach(w.region, w.eni(), i, { deviceIndex: 1 }), 'InvalidParameterValue');
    w.advance(200);
    assert.equal(a.status, 'available');
    assert.equal(a.attachment, undefined);
    assert.deepEqual(i.interfaceIds, [w.eth0(i).id]);
    checkAttach(w.region, w.eni(), i, { deviceIndex: 1 });
    w.invariants();
  });

  it('termination deletes DeleteOnTermination=true interfaces and detaches the others, even one still attaching', () => {
    // [ref §4.18]
    const i = w.running({ type: 'm5.large' });
    const eth0 = w.eth0(i);
    const keep = w.eni(w.defaultSubnet(), 1);
    const drop = w.eni();
    attach(w.region, keep, i, { deviceIndex: 1 });
    attach(w.region, drop, i, { deviceIndex: 2, deleteOnTermination: true });
    const used = w.defaultSubnet().pool.usedCount;
    terminateInstance(w.region, i);
    w.advance(500);
    assert.equal(w.region.networkInterfaces.has(eth0.id), false);
    assert.equal(w.region.networkInterfaces.has(drop.id), false);
    assert.equal(keep.status, 'available');
    assert.equal(keep.privateIps.length, 2);
    assert.equal(w.defaultSubnet().pool.usedCount, used - 2);
    assert.deepEqual(i.interfaceIds, []);
    w.advance(1000); // the stale attach timer of `keep` must do nothing
    assert.equal(keep.status, 'available');
    w.invariants();
  });

  it('the instance-level view of eth0 is refused with several interfaces and on a terminated instance', () => {
    // [ref §5 Source/dest check] multiple interfaces → InvalidInstanceID; a terminated instance has no
    // interface left (obs cloudposse/terraform-aws-ec2-instance#95 for AssociateAddress).
    const i = w.running();
    assert.equal(soleInterface(w.region, i), w.eth0(i));
    attach(w.region, w.eni(), i, { deviceIndex: 1 });
    throwsEc2(
      () => soleInterface(w.region, i),
      'InvalidInstanceID',
      `There are multiple interfaces attached to instance '${i.id}'. Please specify an interface ID for the operation instead.`,
    );
    terminateInstance(w.region, i);
    w.advance(500);
    throwsEc2(() => soleInterface(w.region, i), 'InvalidInstanceID', `The terminated instance '${i.id}' is not in a valid state for this operation.`);
  });
});
