/**
 * Launch templates: named, versioned sets of launch parameters (EC2 User Guide, "Store instance
 * launch parameters in Amazon EC2 launch templates"; API reference, CreateLaunchTemplate,
 * CreateLaunchTemplateVersion, ModifyLaunchTemplate, DeleteLaunchTemplate(Versions)).
 *
 * EC2 checks little when a template is written (the name, that there is some data, tags) and
 * everything when it is used: RunInstances validates the merged parameters
 * (see api/launch-template-merge.ts).
 */
import type { RegionState } from './cloud.js';
import { Ec2Error, invalidCombination, missingParam } from './errors.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import type { LaunchTemplate, LaunchTemplateVersionRecord, Tags } from './model.js';
import { tagsFromSpecs, type TagSpecInput } from './tags.js';

export type TemplateData = Record<string, unknown>;

/** API reference, CreateLaunchTemplate: 3–128 characters, `[a-zA-Z0-9\(\)\.\-/_]+`. */
const NAME_PATTERN = /^[a-zA-Z0-9().\-/_]{3,128}$/;

/** Resource types a template's own TagSpecifications may name (API reference, LaunchTemplateTagSpecificationRequest). */
const DATA_TAG_TYPES = ['instance', 'volume', 'network-interface', 'spot-instances-request', 'elastic-gpu'];

/** API reference, DescribeLaunchTemplateVersions / DeleteLaunchTemplateVersions: at most 200 versions a call. */
export const MAX_VERSIONS_PER_DELETE = 200;

function checkName(name: string | undefined): string {
  if (name === undefined || name === '') throw missingParam('LaunchTemplateName');
  if (!NAME_PATTERN.test(name)) {
    // Observed wording (awsdocs/aws-cloudformation-user-guide#132).
    throw new Ec2Error(
      'InvalidLaunchTemplateName.MalformedException',
      'The specified launch template name is invalid. A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.',
    );
  }
  return name;
}

export function findTemplateByName(region: RegionState, name: string): LaunchTemplate | undefined {
  for (const t of region.launchTemplates.values()) if (t.name === name) return t;
  return undefined;
}

/** Observed: "The specified launch template, with template name foo, does not exist." */
export const templateNameNotFound = (name: string) =>
  new Ec2Error('InvalidLaunchTemplateName.NotFoundException', `The specified launch template, with template name ${name}, does not exist.`);

export function getTemplateById(region: RegionState, id: string): LaunchTemplate {
  checkId(ID_KINDS.launchTemplate, id);
  const t = region.launchTemplates.get(id);
  if (!t) throw notFound(ID_KINDS.launchTemplate, id);
  return t;
}

/** The template a request names by `LaunchTemplateId` or `LaunchTemplateName` (exactly one of them). */
export function resolveTemplate(region: RegionState, id: string | undefined, name: string | undefined): LaunchTemplate {
  if (id !== undefined && name !== undefined) throw invalidCombination('Only one of LaunchTemplateId or LaunchTemplateName may be specified.');
  if (id !== undefined) return getTemplateById(region, id);
  if (name === undefined) throw missingParam('LaunchTemplateId or LaunchTemplateName');
  const t = findTemplateByName(region, name);
  if (!t) throw templateNameNotFound(name);
  return t;
}

export const versionNotFound = (version: string) =>
  new Ec2Error('InvalidLaunchTemplateId.VersionNotFound', `The specified launch template version ${version} does not exist.`);

/** A version by number, `$Latest` or `$Default` (the default when none is given). */
export function resolveVersion(t: LaunchTemplate, version: string | undefined): LaunchTemplateVersionRecord {
  const v = version ?? '$Default';
  const n = v === '$Latest' ? latestVersion(t) : v === '$Default' ? t.defaultVersion : /^[1-9][0-9]{0,17}$/.test(v) ? Number(v) : NaN;
  const record = t.versions.get(n);
  if (!record) throw versionNotFound(v);
  return record;
}

export function latestVersion(t: LaunchTemplate): number {
  let max = 0;
  for (const n of t.versions.keys()) if (n > max) max = n;
  return max;
}

/**
 * An empty LaunchTemplateData (on the wire an empty structure is no parameter at all) is
 * MissingParameter (checked against AWS by LocalStack's test suite; wording observed through
 * CloudFormation, awsdocs/aws-cloudformation-user-guide#453) — unless a new version takes its
 * parameters from a SourceVersion: then the new version is a copy of it (community.aws
 * ec2_launch_template's integration target makes a version with only a description, against AWS).
 */
function checkData(data: TemplateData | undefined, what: 'launch template' | 'launch template version', emptyAllowed = false): TemplateData {
  if (data === undefined || Object.keys(data).length === 0) {
    if (emptyAllowed) return {};
    throw new Ec2Error('MissingParameter', `No launch template data was provided. Launch template data is required to create a ${what}.`);
  }
  tagsFromSpecs(data.TagSpecifications as TagSpecInput[] | undefined, 'instance', DATA_TAG_TYPES);
  return structuredClone(data);
}

function checkDescription(description: string | undefined): string | undefined {
  if (description !== undefined && description.length > 255)
    throw new Ec2Error('InvalidParameterValue', 'The version description must be at most 255 characters.');
  return description;
}

export function createLaunchTemplate(
  region: RegionState,
  nameIn: string | undefined,
  dataIn: TemplateData | undefined,
  description: string | undefined,
  tags: Tags,
): LaunchTemplate {
  const name = checkName(nameIn);
  const data = checkData(dataIn, 'launch template');
  checkDescription(description);
  // Observed: "Launch template name already in use." (terraform-aws-github-runner#1382, packer#7817).
  if (findTemplateByName(region, name)) throw new Ec2Error('InvalidLaunchTemplateName.AlreadyExistsException', 'Launch template name already in use.');
  const now = region.now();
  const t: LaunchTemplate = {
    id: region.ids.next(ID_KINDS.launchTemplate),
    resourceType: 'launch-template',
    name,
    createTime: now,
    createdBy: `arn:aws:iam::${region.accountId}:root`,
    defaultVersion: 1,
    nextVersion: 2,
    versions: new Map([[1, { number: 1, description, createTime: now, data }]]),
    tags,
  };
  region.launchTemplates.set(t.id, region.register(t));
  return t;
}

/**
 * A new version: the source version's parameters (if one is named) with the given ones on top,
 * member by member (API reference, CreateLaunchTemplateVersion, SourceVersion).
 */
export function createVersion(
  region: RegionState,
  t: LaunchTemplate,
  dataIn: TemplateData | undefined,
  sourceVersion: string | undefined,
  description: string | undefined,
): LaunchTemplateVersionRecord {
  const data = checkData(dataIn, 'launch template version', sourceVersion !== undefined);
  checkDescription(description);
  const base = sourceVersion !== undefined ? structuredClone(resolveVersion(t, sourceVersion).data) : {};
  const record: LaunchTemplateVersionRecord = { number: t.nextVersion, description, createTime: region.now(), data: { ...base, ...data } };
  t.versions.set(record.number, record);
  t.nextVersion += 1;
  return record;
}

export function setDefaultVersion(t: LaunchTemplate, version: string): void {
  t.defaultVersion = resolveVersion(t, version).number;
}

export function deleteLaunchTemplate(region: RegionState, t: LaunchTemplate): void {
  region.launchTemplates.delete(t.id);
  region.unregister(t.id);
}

export interface VersionDeletion {
  readonly deleted: number[];
  readonly failed: { version: string; code: 'launchTemplateVersionDoesNotExist' | 'unexpectedError'; message: string }[];
}

/**
 * DeleteLaunchTemplateVersions: each version on its own; the default version cannot be deleted
 * (API reference: "You can't delete the default version of a launch template; you must first
 * assign a different version as the default").
 */
export function deleteVersions(t: LaunchTemplate, versions: readonly string[]): VersionDeletion {
  const out: VersionDeletion = { deleted: [], failed: [] };
  for (const v of versions) {
    const n = /^[1-9][0-9]{0,17}$/.test(v) ? Number(v) : NaN;
    if (!t.versions.has(n)) {
      out.failed.push({ version: v, code: 'launchTemplateVersionDoesNotExist', message: 'The specified launch template version does not exist.' });
    } else if (n === t.defaultVersion) {
      out.failed.push({
        version: v,
        code: 'unexpectedError',
        message: 'You cannot delete the default version of a launch template. Specify a different default version first, or delete the launch template.',
      });
    } else {
      t.versions.delete(n);
      out.deleted.push(n);
    }
  }
  return out;
}
