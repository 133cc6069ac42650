/**
 * ModifyInstanceAttribute / DescribeInstanceAttribute, and the CPU credit operations of burstable
 * instances (DescribeInstanceCreditSpecifications, ModifyInstanceCreditSpecification,
 * GetDefaultCreditSpecification) and ModifyInstanceCpuOptions. Rules: src/engine/instance-attributes.ts,
 * src/engine/cpu-options.ts.
 */
import type { RegionState } from '../engine/cloud.js';
import { chooseTopology } from '../engine/cpu-options.js';
import { findInstanceType } from '../engine/instance-types.js';
import { attachedInterfaces, primaryInterface } from '../engine/attachment.js';
import { Ec2Error, invalidCombination, invalidValue } from '../engine/errors.js';
import { type FilterSpec } from '../engine/filters.js';
import { checkId, ID_KINDS } from '../engine/ids.js';
import { getInstance, soleInterface } from '../engine/instance.js';
import {
  attributesOf,
  changeInstanceType,
  checkCpuCredits,
  checkInstanceTypeChange,
  checkShutdownBehavior,
  checkStopped,
  checkUserData,
  isBurstable,
} from '../engine/instance-attributes.js';
import type { Instance } from '../engine/model.js';
import { setGroups } from '../engine/network-interface.js';
import { instanceVolumes } from '../engine/volume.js';
import { describe } from './describe.js';
import { handlers, type Input } from './handler.js';
import { groupsView } from './network-interfaces.js';

type ModifyInput = Input<'ModifyInstanceAttribute'>;

/** The `Value` of the Attribute/Value form, which must be there when no structured field was given. */
function need(v: string | undefined): string {
  if (v === undefined) throw new Ec2Error('MissingParameter', 'The request must contain the parameter value');
  return v;
}

function parseBool(v: string | undefined, param: string): boolean {
  need(v);
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw invalidValue(`Value (${v}) for parameter ${param} is invalid. Expected true or false.`);
}

/** The instance's EBS devices as DescribeInstances and DescribeInstanceAttribute show them. */
export function blockDeviceMappingsView(region: RegionState, instance: Instance) {
  return instanceVolumes(region, instance).map(({ volume, attachment }) => ({
    DeviceName: attachment.device,
    Ebs: { AttachTime: attachment.attachTime, DeleteOnTermination: attachment.deleteOnTermination, Status: attachment.state, VolumeId: volume.id },
  }));
}

/**
 * Which one attribute a ModifyInstanceAttribute call changes: AWS takes one per call and names the
 * others in "Fields for multiple attribute types specified: …".
 */
function requestedChanges(input: ModifyInput): string[] {
  const named: string[] = [];
  if (input.Attribute !== undefined) named.push(input.Attribute);
  const fields: [unknown, string][] = [
    [input.SourceDestCheck, 'sourceDestCheck'],
    [input.DisableApiStop, 'disableApiStop'],
    [input.DisableApiTermination, 'disableApiTermination'],
    [input.BlockDeviceMappings?.length ? input.BlockDeviceMappings : undefined, 'blockDeviceMapping'],
    [input.InstanceType, 'instanceType'],
    [input.Kernel, 'kernel'],
    [input.Ramdisk, 'ramdisk'],
    [input.UserData, 'userData'],
    [input.InstanceInitiatedShutdownBehavior, 'instanceInitiatedShutdownBehavior'],
    [input.Groups?.length ? input.Groups : undefined, 'groupSet'],
    [input.EbsOptimized, 'ebsOptimized'],
    [input.SriovNetSupport, 'sriovNetSupport'],
    [input.EnaSupport, 'enaSupport'],
  ];
  for (const [value, name] of fields) if (value !== undefined && !named.includes(name)) named.push(name);
  return named;
}

function creditView(i: Instance) {
  return { InstanceId: i.id, CpuCredits: attributesOf(i).cpuCredits ?? 'standard' };
}

export const instanceAttributeHandlers = handlers({
  ModifyInstanceAttribute: (ctx, input) => {
    const region = ctx.region;
    const instance = getInstance(region, input.InstanceId);
    const changes = requestedChanges(input);
    if (changes.length === 0) throw new Ec2Error('MissingParameter', 'The request must contain the parameter attribute');
    if (changes.length > 1) throw invalidCombination(`Fields for multiple attribute types specified: ${changes.join(', ')}`);
    const attrs = attributesOf(instance);
    const value = input.Value;
    // Each branch checks everything before it changes anything.
    switch (changes[0]) {
      case 'sourceDestCheck':
        soleInterface(region, instance).sourceDestCheck = input.SourceDestCheck?.Value ?? parseBool(value, 'value');
        return {};
      case 'groupSet':
        setGroups(region, soleInterface(region, instance), input.Groups?.length ? input.Groups : [need(value)]);
        return {};
      case 'disableApiTermination':
        attrs.disableApiTermination = input.DisableApiTermination?.Value ?? parseBool(value, 'value');
        return {};
      case 'disableApiStop':
        attrs.disableApiStop = input.DisableApiStop?.Value ?? parseBool(value, 'value');
        return {};
      case 'instanceInitiatedShutdownBehavior':
        attrs.shutdownBehavior = checkShutdownBehavior(input.InstanceInitiatedShutdownBehavior?.Value ?? need(value));
        return {};
      case 'ebsOptimized': {
        const v = input.EbsOptimized?.Value ?? parseBool(value, 'value');
        checkStopped(instance);
        attrs.ebsOptimized = v;
        return {};
      }
      case 'userData': {
        const v = input.UserData !== undefined ? (input.UserData.Value ?? '') : need(value);
        checkStopped(instance);
        checkUserData(v);
        attrs.userData = v === '' ? undefined : v;
        return {};
      }
      case 'instanceType': {
        const v = input.InstanceType?.Value ?? need(value);
        checkInstanceTypeChange(instance, v, attachedInterfaces(region, instance));
        changeInstanceType(instance, v);
        return {};
      }
      case 'blockDeviceMapping': {
        if (!input.BlockDeviceMappings?.length) throw new Ec2Error('MissingParameter', 'The request must contain the parameter blockDeviceMapping');
        const mounted = instanceVolumes(region, instance);
        const changes = (input.BlockDeviceMappings ?? []).map((m) => {
          const found = mounted.find((x) => x.attachment.device === m.DeviceName);
          if (!found) throw new Ec2Error('InvalidInstanceAttributeValue', `No device is currently mapped at ${m.DeviceName}`);
          if (m.Ebs?.VolumeId !== undefined && m.Ebs.VolumeId !== found.volume.id) {
            throw new Ec2Error('InvalidInstanceAttributeValue', `The volume ${m.Ebs.VolumeId} is not mapped at ${m.DeviceName}`);
          }
          return { attachment: found.attachment, deleteOnTermination: m.Ebs?.DeleteOnTermination };
        });
        for (const c of changes) if (c.deleteOnTermination !== undefined) c.attachment.deleteOnTermination = c.deleteOnTermination;
        return {};
      }
      default:
        throw new Ec2Error('UnsupportedOperation', `Changing the instance attribute ${changes[0]} is not supported by ec2net.`);
    }
  },

  DescribeInstanceAttribute: (ctx, input) => {
    const region = ctx.region;
    const instance = getInstance(region, input.InstanceId);
    const eth0 = primaryInterface(region, instance);
    const attrs = attributesOf(instance);
    const id = instance.id;
    switch (input.Attribute) {
      case 'sourceDestCheck':
        return { InstanceId: id, SourceDestCheck: { Value: eth0?.sourceDestCheck ?? true } };
      case 'groupSet':
        return { InstanceId: id, Groups: eth0 ? groupsView(region, eth0.groupIds) : [] };
      case 'instanceType':
        return { InstanceId: id, InstanceType: { Value: instance.instanceType } };
      case 'userData':
        return { InstanceId: id, UserData: attrs.userData !== undefined ? { Value: attrs.userData } : {} };
      case 'disableApiTermination':
        return { InstanceId: id, DisableApiTermination: { Value: attrs.disableApiTermination } };
      case 'disableApiStop':
        return { InstanceId: id, DisableApiStop: { Value: attrs.disableApiStop } };
      case 'instanceInitiatedShutdownBehavior':
        return { InstanceId: id, InstanceInitiatedShutdownBehavior: { Value: attrs.shutdownBehavior } };
      case 'rootDeviceName':
        return { InstanceId: id, RootDeviceName: { Value: instance.rootDeviceName ?? '/dev/xvda' } };
      case 'blockDeviceMapping':
        return { InstanceId: id, BlockDeviceMappings: blockDeviceMappingsView(region, instance) };
      case 'ebsOptimized':
        return { InstanceId: id, EbsOptimized: { Value: attrs.ebsOptimized } };
      case 'enaSupport':
        return { InstanceId: id, EnaSupport: { Value: true } };
      case 'sriovNetSupport':
        return { InstanceId: id, SriovNetSupport: { Value: 'simple' } };
      case 'kernel':
        return { InstanceId: id, KernelId: {} };
      case 'ramdisk':
        return { InstanceId: id, RamdiskId: {} };
      case 'productCodes':
        return { InstanceId: id, ProductCodes: [] };
      case 'enclaveOptions':
        return { InstanceId: id, EnclaveOptions: { Enabled: false } };
      default:
        throw invalidValue(`Value (${String(input.Attribute)}) for parameter attribute is invalid. Unknown attribute.`);
    }
  },

  DescribeInstanceCreditSpecifications: (ctx, input) => {
    const region = ctx.region;
    if (input.MaxResults !== undefined && (input.MaxResults < 5 || input.MaxResults > 1000)) {
      throw invalidValue(`Value ( ${input.MaxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
    }
    const spec: FilterSpec<Instance> = { resourceName: 'instance credit specification', getters: { 'instance-id': (i) => i.id } };
    // Without ids: the instances whose credit option is `unlimited` (API reference). With ids: each
    // named instance, a type without CPU credits answering `standard` (SDK for Python reference).
    const all = () => [...region.instances.values()].filter((i) => attributesOf(i).cpuCredits === 'unlimited');
    const page = describe(ctx, input, spec, input.InstanceIds, (id) => getInstance(region, id), all, 'instanceIds');
    return { InstanceCreditSpecifications: page.items.map(creditView), NextToken: page.nextToken };
  },

  ModifyInstanceCreditSpecification: (ctx, input) => {
    const region = ctx.region;
    const requests = input.InstanceCreditSpecifications ?? [];
    for (const r of requests) checkCpuCredits(r.CpuCredits);
    const ok: { InstanceId: string }[] = [];
    const failed: {
      InstanceId: string;
      Error: {
        Code: 'InvalidInstanceID.Malformed' | 'InvalidInstanceID.NotFound' | 'IncorrectInstanceState' | 'InstanceCreditSpecification.NotSupported';
        Message: string;
      };
    }[] = [];
    for (const r of requests) {
      const id = r.InstanceId;
      try {
        checkId(ID_KINDS.instance, id);
      } catch {
        failed.push({ InstanceId: id, Error: { Code: 'InvalidInstanceID.Malformed', Message: `Invalid id: "${id}" (expecting "i-...")` } });
        continue;
      }
      const i = region.instances.get(id);
      if (!i) failed.push({ InstanceId: id, Error: { Code: 'InvalidInstanceID.NotFound', Message: `The instance ID '${id}' does not exist` } });
      else if (i.state === 'terminated' || i.state === 'shutting-down') {
        failed.push({
          InstanceId: id,
          Error: { Code: 'IncorrectInstanceState', Message: `The instance '${id}' is not in a state from which its credit option can be changed.` },
        });
      } else if (!isBurstable(i.instanceType)) {
        failed.push({
          InstanceId: id,
          Error: { Code: 'InstanceCreditSpecification.NotSupported', Message: `The instance '${id}' is not a burstable performance instance.` },
        });
      } else {
        attributesOf(i).cpuCredits = r.CpuCredits as 'standard' | 'unlimited';
        ok.push({ InstanceId: id });
      }
    }
    return { SuccessfulInstanceCreditSpecifications: ok, UnsuccessfulInstanceCreditSpecifications: failed };
  },

  ModifyInstanceCpuOptions: (ctx, input) => {
    const instance = getInstance(ctx.region, input.InstanceId);
    if (input.CoreCount === undefined || input.ThreadsPerCore === undefined) {
      throw new Ec2Error('MissingParameter', 'When specifying CpuOptions you must specify both CoreCount and ThreadsPerCore.');
    }
    const type = findInstanceType(instance.instanceType)!;
    const chosen = chooseTopology(type, input.CoreCount, input.ThreadsPerCore)!;
    checkStopped(instance);
    instance.cpuOptions = chosen;
    return { InstanceId: instance.id, CoreCount: chosen.coreCount, ThreadsPerCore: chosen.threadsPerCore };
  },

  GetDefaultCreditSpecification: (_ctx, input) => ({
    InstanceFamilyCreditSpecification: { InstanceFamily: input.InstanceFamily, CpuCredits: input.InstanceFamily === 't2' ? 'standard' : 'unlimited' },
  }),
});
