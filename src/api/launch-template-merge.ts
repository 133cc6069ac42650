/**
 * RunInstances with `LaunchTemplate`: the template version's parameters fill in what the request
 * leaves out, member by member; whatever the request gives wins (EC2 User Guide, "Launch an
 * instance from a launch template": "any parameters that you specify override the parameters
 * in the launch template"); network interfaces are matched by device index. The result is an
 * ordinary RunInstances input, validated as one, so a template that names network interfaces and a
 * request that names an instance-level subnet clash as any such request does
 * (InvalidParameterCombination).
 *
 * Instances launched from a template carry the system tags `aws:ec2launchtemplate:id` and
 * `aws:ec2launchtemplate:version` (EC2 User Guide, "Tag your resources": tags with the aws:
 * prefix are added by AWS, e.g. to instances launched from a launch template).
 */
import type { RegionState } from '../engine/cloud.js';
import { resolveTemplate, resolveVersion } from '../engine/launch-template.js';
import type { Input } from './handler.js';

type RunInput = Input<'RunInstances'>;

/** Template members whose RunInstances name differs. */
const RENAMED: Record<string, keyof RunInput> = { RamDiskId: 'RamdiskId' };

/** Template members RunInstances has no place for (or that are not about one launch). */
const NOT_FOR_RUN = new Set(['InstanceRequirements', 'Operator', 'SecondaryInterfaces']);

export interface TemplateLaunch {
  readonly input: RunInput;
  /** The aws: tags the instances get. */
  readonly systemTags: ReadonlyMap<string, string>;
}

/** Resolves `input.LaunchTemplate` and merges its version's parameters under the request's own. */
export function withLaunchTemplate(region: RegionState, input: RunInput): TemplateLaunch {
  const spec = input.LaunchTemplate!;
  const template = resolveTemplate(region, spec.LaunchTemplateId, spec.LaunchTemplateName);
  const version = resolveVersion(template, spec.Version);
  const data = structuredClone(version.data);
  const merged: Record<string, unknown> = { ...input };
  delete merged.LaunchTemplate;
  for (const [member, value] of Object.entries(data)) {
    if (NOT_FOR_RUN.has(member)) continue;
    const name = RENAMED[member] ?? member;
    if (name === 'TagSpecifications' || name === 'NetworkInterfaces') continue;
    if (merged[name] === undefined) merged[name] = value;
  }
  merged.NetworkInterfaces = mergeNetworkInterfaces(data.NetworkInterfaces as Nic[] | undefined, input.NetworkInterfaces);
  merged.TagSpecifications = mergeTagSpecifications(data.TagSpecifications as TagSpec[] | undefined, input.TagSpecifications);
  return {
    input: merged as unknown as RunInput,
    systemTags: new Map([
      ['aws:ec2launchtemplate:id', template.id],
      ['aws:ec2launchtemplate:version', String(version.number)],
    ]),
  };
}

type Nic = NonNullable<RunInput['NetworkInterfaces']>[number];

/**
 * Interfaces of the template and of the request, matched by device index: a template may describe
 * only secondary interfaces and leave eth0 to the request (API reference,
 * LaunchTemplateInstanceNetworkInterfaceSpecificationRequest.DeviceIndex: "you must add a primary
 * network interface as a launch parameter"). For an index in both, the request's members win and
 * the template's fill the rest, unless either names an existing interface: then the request's
 * entry stands alone.
 */
function mergeNetworkInterfaces(fromTemplate: Nic[] | undefined, fromRequest: Nic[] | undefined): Nic[] | undefined {
  if (!fromTemplate?.length) return fromRequest;
  if (!fromRequest?.length) return fromTemplate;
  const out = new Map<number | undefined, Nic>(fromTemplate.map((n) => [n.DeviceIndex, n]));
  for (const n of fromRequest) {
    const base = out.get(n.DeviceIndex);
    const standalone = !base || n.NetworkInterfaceId !== undefined || base.NetworkInterfaceId !== undefined;
    out.set(n.DeviceIndex, standalone ? n : { ...base, ...definedMembers(n) });
  }
  return [...out.values()];
}

const definedMembers = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

interface TagSpec {
  ResourceType?: string;
  Tags?: { Key?: string; Value?: string }[];
}

/** Tags of the template and of the request together, per resource type; the request's value wins for a key in both. */
function mergeTagSpecifications(fromTemplate: TagSpec[] | undefined, fromRequest: TagSpec[] | undefined): TagSpec[] | undefined {
  if (!fromTemplate?.length) return fromRequest;
  if (!fromRequest?.length) return fromTemplate;
  const requestKeys = new Map<string, Set<string | undefined>>();
  for (const s of fromRequest) {
    const keys = requestKeys.get(s.ResourceType ?? '') ?? new Set();
    for (const t of s.Tags ?? []) keys.add(t.Key);
    requestKeys.set(s.ResourceType ?? '', keys);
  }
  const kept = fromTemplate.map((s) => ({ ...s, Tags: (s.Tags ?? []).filter((t) => !requestKeys.get(s.ResourceType ?? '')?.has(t.Key)) }));
  return [...kept, ...fromRequest];
}
