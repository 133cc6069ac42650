/**
 * CPU options through the real clients: RunInstances CpuOptions, the type's defaults in
 * DescribeInstances, ModifyInstanceCpuOptions while stopped, refusals that launch or change nothing.
 *
 * Sources, cited per test:
 * - [ug] EC2 User Guide, "CPU options for Amazon EC2 instances" (vCPUs = cores × threads; Graviton
 *   runs one thread per core; cores may be lowered and hyperthreading turned off; T2 and bare metal
 *   take no CPU options)
 * - [ansible] amazon.aws ec2_instance_cpu_options target: a t3.nano launched with core_count 1 and
 *   threads_per_core 1 is read back with those values
 * - [obs] AWS answers recorded in public issues: "The hpc6a.48xlarge instance type does not support
 *   specifying CpuOptions." (UnsupportedOperation, RunInstances); "When specifying CpuOptions you must
 *   specify both CoreCount and ThreadsPerCore." (MissingParameter, ModifyInstanceCpuOptions)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DescribeInstancesCommand, ModifyInstanceCpuOptionsCommand, StopInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { expectCode, getInstance, invariants, launch, until, useHarness } from './harness.js';

const h = useHarness();
const ec2 = h.ec2();

const instanceCount = async (client: EC2Client) =>
  ((await client.send(new DescribeInstancesCommand({}))).Reservations ?? []).flatMap((r) => r.Instances ?? []).length;

describe('CPU options', () => {
  it('[ansible][ug] a launch with CpuOptions runs them; without, the type default (two threads per core on Intel, one on Graviton)', async () => {
    const nano = await launch(ec2, { InstanceType: 't3.nano', CpuOptions: { CoreCount: 1, ThreadsPerCore: 1 } });
    assert.deepEqual((await getInstance(ec2, nano.InstanceId!)).CpuOptions, { CoreCount: 1, ThreadsPerCore: 1 });
    const xlarge = await launch(ec2, { InstanceType: 'm5.xlarge' });
    assert.deepEqual(xlarge.CpuOptions, { CoreCount: 2, ThreadsPerCore: 2 });
    const graviton = await launch(ec2, { InstanceType: 'm6g.xlarge' });
    assert.deepEqual(graviton.CpuOptions, { CoreCount: 4, ThreadsPerCore: 1 });
    // Hyperthreading off, cores left to the default.
    const noHt = await launch(ec2, { InstanceType: 'm5.2xlarge', CpuOptions: { ThreadsPerCore: 1 } });
    assert.deepEqual(noHt.CpuOptions, { CoreCount: 4, ThreadsPerCore: 1 });
    await invariants(h);
  });

  it('[obs][ug] refusals launch nothing: a type without CPU options, more cores than the type has, threads it cannot run', async () => {
    const before = await instanceCount(ec2);
    const t2 = await expectCode(launch(ec2, { InstanceType: 't2.micro', CpuOptions: { CoreCount: 1, ThreadsPerCore: 1 } }), 'UnsupportedOperation');
    assert.match(t2.message, /t2\.micro instance type does not support specifying CpuOptions/);
    const hpc = await expectCode(launch(ec2, { InstanceType: 'hpc6a.48xlarge', CpuOptions: { CoreCount: 48, ThreadsPerCore: 1 } }), 'UnsupportedOperation');
    assert.match(hpc.message, /hpc6a\.48xlarge instance type does not support specifying CpuOptions/);
    await expectCode(launch(ec2, { InstanceType: 'm5.large', CpuOptions: { CoreCount: 2, ThreadsPerCore: 2 } }), 'InvalidParameterValue');
    await expectCode(launch(ec2, { InstanceType: 'm6g.large', CpuOptions: { CoreCount: 1, ThreadsPerCore: 2 } }), 'InvalidParameterValue');
    assert.equal(await instanceCount(ec2), before);
  });

  it('[obs][ug] ModifyInstanceCpuOptions needs both values and a stopped instance, then changes what DescribeInstances and boto3 show', async () => {
    const i = await launch(ec2, { InstanceType: 'c5.2xlarge' });
    const id = i.InstanceId!;
    await until(
      () => getInstance(ec2, id),
      (x) => x.State!.Name === 'running',
      'running',
    );
    const missing = await expectCode(ec2.send(new ModifyInstanceCpuOptionsCommand({ InstanceId: id, CoreCount: 2 })), 'MissingParameter');
    assert.match(missing.message, /must specify both CoreCount and ThreadsPerCore/);
    await expectCode(ec2.send(new ModifyInstanceCpuOptionsCommand({ InstanceId: id, CoreCount: 2, ThreadsPerCore: 1 })), 'IncorrectInstanceState');
    assert.deepEqual((await getInstance(ec2, id)).CpuOptions, { CoreCount: 4, ThreadsPerCore: 2 });
    await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await until(
      () => getInstance(ec2, id),
      (x) => x.State!.Name === 'stopped',
      'stopped',
    );
    const changed = await ec2.send(new ModifyInstanceCpuOptionsCommand({ InstanceId: id, CoreCount: 2, ThreadsPerCore: 1 }));
    assert.deepEqual([changed.CoreCount, changed.ThreadsPerCore], [2, 1]);
    const seen = await h.boto3(`result = ec2.describe_instances(InstanceIds=['${id}'])['Reservations'][0]['Instances'][0]['CpuOptions']`);
    assert.deepEqual(seen, { CoreCount: 2, ThreadsPerCore: 1 });
    await expectCode(ec2.send(new ModifyInstanceCpuOptionsCommand({ InstanceId: id, CoreCount: 9, ThreadsPerCore: 1 })), 'InvalidParameterValue');
    assert.deepEqual((await getInstance(ec2, id)).CpuOptions, { CoreCount: 2, ThreadsPerCore: 1 });
  });

  it('[ug] the AWS CLI launches with --cpu-options', async () => {
    const out = await h.cli([
      'run-instances',
      '--image-id',
      'ami-0123456789abcdef0',
      '--instance-type',
      'r5.large',
      '--cpu-options',
      'CoreCount=1,ThreadsPerCore=1',
    ]);
    assert.deepEqual(out.Instances[0].CpuOptions, { CoreCount: 1, ThreadsPerCore: 1 });
  });
});
