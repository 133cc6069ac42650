/**
 * CPU options (cores and threads per core) of an instance: set at launch (RunInstances
 * CpuOptions), changed while stopped (ModifyInstanceCpuOptions), shown in DescribeInstances.
 * Rules from the EC2 User Guide, "CPU options for Amazon EC2 instances":
 * - vCPUs = cores × threads per core; Graviton (arm64), T2 and the 7th-generation AMD types
 *   (m7a, c7a, r7a, hpc7a) run one thread per core, other types two;
 * - cores may be lowered, threads per core set to 1 (hyperthreading off), never raised;
 * - T2, HPC and bare metal types take no CPU options ("The t2.micro instance type does not support
 *   specifying CpuOptions.", UnsupportedOperation, as AWS answers for such types);
 * - ModifyInstanceCpuOptions needs both values ("When specifying CpuOptions you must specify both
 *   CoreCount and ThreadsPerCore.", MissingParameter) and a stopped instance.
 * An instance without explicit options runs its type's defaults.
 */
import { Ec2Error, invalidValue } from './errors.js';
import type { InstanceTypeInfo } from './instance-types.js';
import type { Instance } from './model.js';

export interface CpuTopology {
  readonly coreCount: number;
  readonly threadsPerCore: number;
}

export const isArm64 = (instanceType: string): boolean => /^([a-z]+\d+[a-z]*g[a-z]*|a1)\./.test(instanceType);

const oneThreadPerCore = (instanceType: string): boolean => isArm64(instanceType) || /^(t2|m7a|c7a|r7a|hpc7a)\./.test(instanceType);

/** The type's default topology, or undefined when the catalogue does not know its vCPUs. */
export function defaultTopology(type: InstanceTypeInfo): CpuTopology | undefined {
  const vcpus = type.defaultVCpus;
  if (!vcpus) return undefined;
  const threadsPerCore = vcpus > 1 && vcpus % 2 === 0 && !oneThreadPerCore(type.instanceType) ? 2 : 1;
  return { coreCount: vcpus / threadsPerCore, threadsPerCore };
}

/** HPC types refuse them too ("The hpc6a.48xlarge instance type does not support specifying CpuOptions."). */
const supportsCpuOptions = (type: InstanceTypeInfo): boolean => !type.bareMetal && !/^(t2|hpc\d+[a-z]*)\./.test(type.instanceType);

/**
 * The topology asked for (either value may be left to the type's default at launch), checked
 * against the type; undefined when nothing was asked.
 */
export function chooseTopology(type: InstanceTypeInfo, coreCount: number | undefined, threadsPerCore: number | undefined): CpuTopology | undefined {
  if (coreCount === undefined && threadsPerCore === undefined) return undefined;
  const defaults = defaultTopology(type);
  if (!supportsCpuOptions(type) || !defaults) {
    throw new Ec2Error('UnsupportedOperation', `The ${type.instanceType} instance type does not support specifying CpuOptions.`);
  }
  const cores = coreCount ?? defaults.coreCount;
  const threads = threadsPerCore ?? defaults.threadsPerCore;
  if (!Number.isInteger(cores) || cores < 1 || cores > defaults.coreCount) {
    throw invalidValue(`CoreCount ${cores} is not valid for ${type.instanceType}: specify from 1 to ${defaults.coreCount} cores.`);
  }
  if (threads !== 1 && threads !== defaults.threadsPerCore) {
    throw invalidValue(`ThreadsPerCore ${threads} is not valid for ${type.instanceType}: specify ${defaults.threadsPerCore === 1 ? '1' : '1 or 2'}.`);
  }
  return { coreCount: cores, threadsPerCore: threads };
}

/** What the instance runs: its explicit options, else its type's defaults. */
export function topologyOf(instance: Instance, type: InstanceTypeInfo | undefined): CpuTopology | undefined {
  return instance.cpuOptions ?? (type ? defaultTopology(type) : undefined);
}

/** After a change of instance type, explicit options the new type cannot run fall back to its defaults. */
export function keepTopologyFor(instance: Instance, type: InstanceTypeInfo): void {
  const current = instance.cpuOptions;
  if (!current) return;
  try {
    chooseTopology(type, current.coreCount, current.threadsPerCore);
  } catch {
    delete instance.cpuOptions;
  }
}
