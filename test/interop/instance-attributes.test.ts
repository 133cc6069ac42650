/**
 * Instance attributes and CPU credits through the real clients (SDK v3, AWS CLI, boto3): user data
 * (RunInstances, DescribeInstanceAttribute, changes while stopped, IMDS `user-data`), termination
 * and stop protection, shutdown behaviour, instance type changes within the new type's interface
 * limits, EBS optimisation, one attribute per ModifyInstanceAttribute call, and
 * Describe/ModifyInstanceCreditSpecification(s).
 *
 * Sources, cited per test:
 * - [api X] EC2 API reference page of operation or shape X
 * - [ec2 "…"] EC2 User Guide section
 * - [obs …] an AWS answer recorded in a public issue
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstanceCreditSpecificationsCommand,
  GetDefaultCreditSpecificationCommand,
  ModifyInstanceAttributeCommand,
  ModifyInstanceCreditSpecificationCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { expectCode, getInstance, invariants, launch, refusedUnchanged, until, useHarness } from './harness.js';

// One server for the file: the tests build on fresh resources of their own, not on an empty world.
const h = useHarness({ resetEachTest: false });
const ec2 = h.ec2();

const running = (id: string) =>
  until(
    () => getInstance(ec2, id),
    (i) => i.State!.Name === 'running',
    `${id} running`,
  );
const stopped = async (id: string) => {
  await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
  return until(
    () => getInstance(ec2, id),
    (i) => i.State!.Name === 'stopped',
    `${id} stopped`,
  );
};
const attr = (InstanceId: string, Attribute: string) => ec2.send(new DescribeInstanceAttributeCommand({ InstanceId, Attribute: Attribute as never }));
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('user data', () => {
  it('RunInstances UserData is what DescribeInstanceAttribute and IMDS user-data give back; it changes only while stopped [api RunInstances, ModifyInstanceAttribute]', async () => {
    const script = '#!/bin/sh\necho hello\n';
    const i = await launch(ec2, { UserData: b64(script) });
    await running(i.InstanceId!);
    assert.equal((await attr(i.InstanceId!, 'userData')).UserData!.Value, b64(script));
    const imds = await fetch(`${h.imdsUrl}/${i.InstanceId}/latest/user-data`);
    assert.equal(imds.status, 200);
    assert.equal(await imds.text(), script);
    const e = await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: i.InstanceId!, UserData: { Value: new TextEncoder().encode('other') } })),
      'IncorrectInstanceState',
    );
    assert.equal(e.message, `The instance '${i.InstanceId}' is not in the 'stopped' state.`);
    await stopped(i.InstanceId!);
    // The SDK base64-encodes the blob on the wire.
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: i.InstanceId!, UserData: { Value: new TextEncoder().encode('other') } }));
    assert.equal((await attr(i.InstanceId!, 'userData')).UserData!.Value, b64('other'));
    const none = await launch(ec2);
    assert.equal((await attr(none.InstanceId!, 'userData')).UserData?.Value, undefined);
    assert.equal((await fetch(`${h.imdsUrl}/${none.InstanceId}/latest/user-data`)).status, 404);
    await expectCode(launch(ec2, { UserData: 'not base64!' }), 'InvalidParameterValue');
  });
});

describe('protection and shutdown behaviour', () => {
  it('DisableApiTermination refuses TerminateInstances until it is cleared [obs getmoto/moto#4097; ec2 "Enable termination protection"]', async () => {
    const i = await launch(ec2, { DisableApiTermination: true });
    assert.equal((await attr(i.InstanceId!, 'disableApiTermination')).DisableApiTermination!.Value, true);
    const e = await refusedUnchanged(h, ec2, () => ec2.send(new TerminateInstancesCommand({ InstanceIds: [i.InstanceId!] })), 'OperationNotPermitted');
    assert.equal(e.message, `The instance '${i.InstanceId}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`);
    await h.cli(['modify-instance-attribute', '--instance-id', i.InstanceId!, '--no-disable-api-termination']);
    assert.equal((await attr(i.InstanceId!, 'disableApiTermination')).DisableApiTermination!.Value, false);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [i.InstanceId!] }));
  });

  it('DisableApiStop refuses StopInstances (even forced) [obs cloud-custodian/cloud-custodian#10594; ec2 "Enable stop protection"]', async () => {
    const i = await launch(ec2, { DisableApiStop: true });
    await running(i.InstanceId!);
    const e = await refusedUnchanged(h, ec2, () => ec2.send(new StopInstancesCommand({ InstanceIds: [i.InstanceId!], Force: true })), 'OperationNotPermitted');
    assert.equal(e.message, `The instance '${i.InstanceId}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.`);
    const out = await h.boto3(`
ec2.modify_instance_attribute(InstanceId=${JSON.stringify(i.InstanceId)}, DisableApiStop={'Value': False})
result = ec2.describe_instance_attribute(InstanceId=${JSON.stringify(i.InstanceId)}, Attribute='disableApiStop')['DisableApiStop']['Value']`);
    assert.equal(out, false);
    await stopped(i.InstanceId!);
  });

  it('InstanceInitiatedShutdownBehavior stop|terminate; one attribute per call [api ModifyInstanceAttribute]', async () => {
    const i = await launch(ec2, { InstanceInitiatedShutdownBehavior: 'terminate' });
    assert.equal((await attr(i.InstanceId!, 'instanceInitiatedShutdownBehavior')).InstanceInitiatedShutdownBehavior!.Value, 'terminate');
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: i.InstanceId!, InstanceInitiatedShutdownBehavior: { Value: 'stop' } }));
    assert.equal((await attr(i.InstanceId!, 'instanceInitiatedShutdownBehavior')).InstanceInitiatedShutdownBehavior!.Value, 'stop');
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: i.InstanceId!, InstanceInitiatedShutdownBehavior: { Value: 'hibernate' } })),
      'InvalidParameterValue',
    );
    const both = await refusedUnchanged(
      h,
      ec2,
      () =>
        ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: i.InstanceId!, DisableApiTermination: { Value: true }, DisableApiStop: { Value: true } })),
      'InvalidParameterCombination',
    );
    assert.match(both.message, /^Fields for multiple attribute types specified: /);
    await expectCode(launch(ec2, { InstanceInitiatedShutdownBehavior: 'reboot' as never }), 'InvalidParameterValue');
  });
});

describe('instance type and EBS optimisation', () => {
  it('instanceType changes only while stopped, and only to a type that holds the instance\'s interfaces [ec2 "Change the instance type"]', async () => {
    const i = await launch(ec2, { InstanceType: 't3.large' });
    await running(i.InstanceId!);
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: i.InstanceId!, InstanceType: { Value: 't3.micro' } })),
      'IncorrectInstanceState',
    );
    // t3.large takes 3 interfaces, t3.micro 2 (DescribeInstanceTypes).
    for (const DeviceIndex of [1, 2]) {
      const { NetworkInterface } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: i.SubnetId! }));
      await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: NetworkInterface!.NetworkInterfaceId!, InstanceId: i.InstanceId!, DeviceIndex }));
    }
    await stopped(i.InstanceId!);
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: i.InstanceId!, InstanceType: { Value: 't3.micro' } })),
      'InvalidParameterValue',
    );
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: i.InstanceId!, InstanceType: { Value: 't3.galactic' } })),
      'InvalidParameterValue',
    );
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: i.InstanceId!, InstanceType: { Value: 'm5.large' } }));
    assert.equal((await getInstance(ec2, i.InstanceId!)).InstanceType, 'm5.large');
    assert.equal((await attr(i.InstanceId!, 'instanceType')).InstanceType!.Value, 'm5.large');
    await invariants(h);
  });

  it('EbsOptimized at launch and while stopped [api RunInstances, ModifyInstanceAttribute]', async () => {
    const i = await launch(ec2, { EbsOptimized: true });
    assert.equal(i.EbsOptimized, true);
    assert.equal((await attr(i.InstanceId!, 'ebsOptimized')).EbsOptimized!.Value, true);
    await running(i.InstanceId!);
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: i.InstanceId!, EbsOptimized: { Value: false } })),
      'IncorrectInstanceState',
    );
    await stopped(i.InstanceId!);
    await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: i.InstanceId!, EbsOptimized: { Value: false } }));
    assert.equal((await getInstance(ec2, i.InstanceId!)).EbsOptimized, false);
  });
});

describe('CPU credits', () => {
  it('T2 launches standard, T3 unlimited, CreditSpecification at launch; Modify answers per instance [ec2 "Burstable performance instances"; api ModifyInstanceCreditSpecification]', async () => {
    const t2 = await launch(ec2, { InstanceType: 't2.micro' });
    const t3 = await launch(ec2, { InstanceType: 't3.micro' });
    const t3s = await launch(ec2, { InstanceType: 't3.small', CreditSpecification: { CpuCredits: 'standard' } });
    const m5 = await launch(ec2, { InstanceType: 'm5.large' });
    const credits = async (ids: string[]) =>
      (await ec2.send(new DescribeInstanceCreditSpecificationsCommand({ InstanceIds: ids })))
        .InstanceCreditSpecifications!.map((c) => [c.InstanceId, c.CpuCredits])
        .sort();
    assert.deepEqual(
      await credits([t2.InstanceId!, t3.InstanceId!, t3s.InstanceId!]),
      [
        [t2.InstanceId, 'standard'],
        [t3.InstanceId, 'unlimited'],
        [t3s.InstanceId, 'standard'],
      ].sort(),
    );
    // Without ids: the unlimited ones (API reference).
    const unlimited = (await ec2.send(new DescribeInstanceCreditSpecificationsCommand({}))).InstanceCreditSpecifications!.map((c) => c.InstanceId);
    assert.ok(unlimited.includes(t3.InstanceId) && !unlimited.includes(t2.InstanceId) && !unlimited.includes(m5.InstanceId));
    const r = await ec2.send(
      new ModifyInstanceCreditSpecificationCommand({
        InstanceCreditSpecifications: [
          { InstanceId: t2.InstanceId!, CpuCredits: 'unlimited' },
          { InstanceId: m5.InstanceId!, CpuCredits: 'unlimited' },
          { InstanceId: 'i-0123456789abcdef0', CpuCredits: 'unlimited' },
        ],
      }),
    );
    assert.deepEqual(
      r.SuccessfulInstanceCreditSpecifications!.map((s) => s.InstanceId),
      [t2.InstanceId],
    );
    assert.deepEqual(
      r.UnsuccessfulInstanceCreditSpecifications!.map((u) => [u.InstanceId, u.Error!.Code]),
      [
        [m5.InstanceId, 'InstanceCreditSpecification.NotSupported'],
        ['i-0123456789abcdef0', 'InvalidInstanceID.NotFound'],
      ],
    );
    assert.deepEqual(await credits([t2.InstanceId!]), [[t2.InstanceId, 'unlimited']]);
    const cli = await h.cli(['describe-instance-credit-specifications', '--instance-ids', t3s.InstanceId!]);
    assert.equal(cli.InstanceCreditSpecifications[0].CpuCredits, 'standard');
    const d = await ec2.send(new GetDefaultCreditSpecificationCommand({ InstanceFamily: 't2' }));
    assert.equal(d.InstanceFamilyCreditSpecification!.CpuCredits, 'standard');
  });
});
