/**
 * Instance attributes that are not about the network: user data, termination and stop protection,
 * shutdown behaviour, EBS optimisation, instance type changes and CPU credits of burstable types.
 *
 * Sources: EC2 API reference, RunInstances (UserData base64, at most 16 KB before encoding;
 * DisableApiTermination, DisableApiStop, InstanceInitiatedShutdownBehavior `stop` | `terminate`,
 * CreditSpecification), ModifyInstanceAttribute ("you can only modify one attribute per call";
 * userData, instanceType and ebsOptimized only while stopped), EC2 User Guide "Enable termination
 * protection", "Enable stop protection", "Change the instance type", "Burstable performance
 * instances" (T2 launch as `standard`, T3/T3a/T4g as `unlimited`).
 */
import { keepTopologyFor } from './cpu-options.js';
import { Ec2Error, invalidValue } from './errors.js';
import { findInstanceType } from './instance-types.js';
import type { Instance, InstanceAttributes, NetworkInterface } from './model.js';

/** The burstable performance families (EC2 User Guide, "Burstable performance instances"). */
const BURSTABLE = /^(t2|t3|t3a|t4g)\./;

export const isBurstable = (instanceType: string) => BURSTABLE.test(instanceType);

export const defaultCpuCredits = (instanceType: string): 'standard' | 'unlimited' | undefined =>
  !isBurstable(instanceType) ? undefined : instanceType.startsWith('t2.') ? 'standard' : 'unlimited';

/** 16 KB of user data before base64 (EC2 User Guide, "Run commands when you launch an EC2 instance with user data input"). */
const MAX_USER_DATA_BYTES = 16 * 1024;

/** Checks base64 user data as RunInstances and ModifyInstanceAttribute receive it. */
export function checkUserData(b64: string): void {
  const compact = b64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) throw invalidValue('Invalid BASE64 encoding of user data.');
  if (Buffer.from(compact, 'base64').length > MAX_USER_DATA_BYTES) throw invalidValue(`User data is limited to ${MAX_USER_DATA_BYTES} bytes.`);
}

export function checkShutdownBehavior(v: string): 'stop' | 'terminate' {
  if (v !== 'stop' && v !== 'terminate')
    throw invalidValue(`Value (${v}) for parameter instanceInitiatedShutdownBehavior is invalid. Expected 'stop' or 'terminate'.`);
  return v;
}

export function checkCpuCredits(v: string | undefined): 'standard' | 'unlimited' {
  if (v !== 'standard' && v !== 'unlimited') throw invalidValue(`Value (${v}) for parameter cpuCredits is invalid. Expected 'standard' or 'unlimited'.`);
  return v;
}

export interface LaunchAttributeRequest {
  readonly UserData?: string;
  readonly DisableApiTermination?: boolean;
  readonly DisableApiStop?: boolean;
  readonly InstanceInitiatedShutdownBehavior?: string;
  readonly EbsOptimized?: boolean;
  readonly CreditSpecification?: { readonly CpuCredits?: string };
}

/** Validates RunInstances' attribute parameters and returns the attributes each instance starts with. */
export function launchAttributes(input: LaunchAttributeRequest, instanceType: string): InstanceAttributes {
  if (input.UserData !== undefined) checkUserData(input.UserData);
  const credits = input.CreditSpecification?.CpuCredits;
  if (credits !== undefined) checkCpuCredits(credits);
  return {
    userData: input.UserData,
    disableApiTermination: input.DisableApiTermination ?? false,
    disableApiStop: input.DisableApiStop ?? false,
    shutdownBehavior: input.InstanceInitiatedShutdownBehavior === undefined ? 'stop' : checkShutdownBehavior(input.InstanceInitiatedShutdownBehavior),
    ebsOptimized: input.EbsOptimized ?? false,
    // A credit option for a type without CPU credits is ignored (the instance has none).
    cpuCredits: isBurstable(instanceType) ? ((credits as 'standard' | 'unlimited' | undefined) ?? defaultCpuCredits(instanceType)) : undefined,
  };
}

/** An instance's attributes, AWS's defaults when none were recorded. */
export function attributesOf(instance: Instance): InstanceAttributes {
  instance.attributes ??= {
    disableApiTermination: false,
    disableApiStop: false,
    shutdownBehavior: 'stop',
    ebsOptimized: false,
    cpuCredits: defaultCpuCredits(instance.instanceType),
  };
  return instance.attributes;
}

/** TerminateInstances refuses a protected instance (observed wording, e.g. getmoto/moto#4097 quoting AWS). */
export function checkTerminationAllowed(instance: Instance): void {
  if (instance.state !== 'terminated' && instance.state !== 'shutting-down' && attributesOf(instance).disableApiTermination) {
    throw new Ec2Error(
      'OperationNotPermitted',
      `The instance '${instance.id}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`,
    );
  }
}

/** StopInstances refuses a stop-protected instance (observed: cloud-custodian/cloud-custodian#10594). */
export function checkStopAllowed(instance: Instance): void {
  if ((instance.state === 'running' || instance.state === 'pending') && attributesOf(instance).disableApiStop) {
    throw new Ec2Error(
      'OperationNotPermitted',
      `The instance '${instance.id}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.`,
    );
  }
}

export function checkStopped(instance: Instance): void {
  if (instance.state !== 'stopped') throw new Ec2Error('IncorrectInstanceState', `The instance '${instance.id}' is not in the 'stopped' state.`);
}

/**
 * Checks a change of instance type: only while stopped, to a type that exists and can hold the
 * instance's interfaces and their addresses (EC2 User Guide, "Compatibility for changing the
 * instance type": the new type must support the number of network interfaces and addresses).
 */
export function checkInstanceTypeChange(instance: Instance, newType: string, interfaces: readonly NetworkInterface[]): void {
  checkStopped(instance);
  const type = findInstanceType(newType);
  if (!type) throw invalidValue(`Invalid value '${newType}' for InstanceType.`);
  const arm = (t: string) => /^[a-z]+[0-9]+[a-z]*g[a-z]*\./.test(t) || t.startsWith('a1.');
  if (arm(newType) !== arm(instance.instanceType)) {
    throw invalidValue(`The instance type '${newType}' does not support the architecture of instance '${instance.id}'.`);
  }
  if (interfaces.length > type.maxNetworkInterfaces) {
    throw invalidValue(
      `The instance type '${newType}' supports at most ${type.maxNetworkInterfaces} network interfaces; instance '${instance.id}' has ${interfaces.length} attached.`,
    );
  }
  for (const eni of interfaces) {
    const addresses = eni.privateIps.length + eni.ipv4Prefixes.length;
    if (addresses > type.ipv4AddressesPerInterface) {
      throw invalidValue(
        `The instance type '${newType}' supports at most ${type.ipv4AddressesPerInterface} private IPv4 addresses per network interface; ${eni.id} has ${addresses}.`,
      );
    }
    // Each delegated /80 counts one IPv6 address (EC2 User Guide, "Assign prefixes").
    const v6 = eni.ipv6Addresses.length + eni.ipv6Prefixes.length;
    if (type.ipv6AddressesPerInterface !== null && v6 > type.ipv6AddressesPerInterface) {
      throw invalidValue(
        `The instance type '${newType}' supports at most ${type.ipv6AddressesPerInterface} IPv6 addresses per network interface; ${eni.id} has ${v6}.`,
      );
    }
  }
}

/** Applies an instance type change (already checked); CPU credits follow the family's default when it changes. */
export function changeInstanceType(instance: Instance, newType: string): void {
  const attrs = attributesOf(instance);
  const wasBurstable = isBurstable(instance.instanceType);
  instance.instanceType = newType;
  const type = findInstanceType(newType);
  if (type) keepTopologyFor(instance, type);
  if (!isBurstable(newType)) attrs.cpuCredits = undefined;
  else if (!wasBurstable) attrs.cpuCredits = defaultCpuCredits(newType);
}
