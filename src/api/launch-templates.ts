/**
 * Launch template operations: CreateLaunchTemplate, CreateLaunchTemplateVersion,
 * DescribeLaunchTemplates, DescribeLaunchTemplateVersions, ModifyLaunchTemplate,
 * DeleteLaunchTemplate, DeleteLaunchTemplateVersions.
 */
import { Ec2Error, invalidValue, missingParam } from '../engine/errors.js';
import { compileFilters, type FilterSpec } from '../engine/filters.js';
import {
  createLaunchTemplate,
  createVersion,
  deleteLaunchTemplate,
  deleteVersions,
  findTemplateByName,
  getTemplateById,
  latestVersion,
  MAX_VERSIONS_PER_DELETE,
  resolveTemplate,
  resolveVersion,
  setDefaultVersion,
  type TemplateData,
} from '../engine/launch-template.js';
import type { LaunchTemplate, LaunchTemplateVersionRecord } from '../engine/model.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import type { S_RequestLaunchTemplateData } from '../protocol/generated/shapes.js';
import { handlers, type RequestContext } from './handler.js';
import { idempotent } from './idempotency.js';
import { paginateOwned } from './paginate.js';

/** The filters the DescribeLaunchTemplates reference lists. */
const templateFilters: FilterSpec<LaunchTemplate> = {
  resourceName: 'launch-template',
  tags: (t) => t.tags,
  getters: {
    'create-time': (t) => t.createTime.toISOString(),
    'launch-template-name': (t) => t.name,
  },
};

interface VersionRow {
  readonly template: LaunchTemplate;
  readonly version: LaunchTemplateVersionRecord;
}

/** A version's data as it was given: the model's RequestLaunchTemplateData. */
const dataOf = (r: VersionRow) => r.version.data as S_RequestLaunchTemplateData;

/** The filters the DescribeLaunchTemplateVersions reference lists (those about parameters ec2net keeps). */
const versionFilters: FilterSpec<VersionRow> = {
  resourceName: 'launch-template-version',
  getters: {
    'create-time': (r) => r.version.createTime.toISOString(),
    'ebs-optimized': (r) => dataOf(r).EbsOptimized,
    'http-endpoint': (r) => dataOf(r).MetadataOptions?.HttpEndpoint,
    'http-protocol-ipv6': (r) => dataOf(r).MetadataOptions?.HttpProtocolIpv6,
    'host-resource-group-arn': (r) => dataOf(r).Placement?.HostResourceGroupArn,
    'http-put-response-hop-limit': (r) => dataOf(r).MetadataOptions?.HttpPutResponseHopLimit,
    'http-tokens': (r) => dataOf(r).MetadataOptions?.HttpTokens,
    'iam-instance-profile': (r) => [dataOf(r).IamInstanceProfile?.Arn, dataOf(r).IamInstanceProfile?.Name],
    'image-id': (r) => dataOf(r).ImageId,
    'instance-type': (r) => dataOf(r).InstanceType,
    'is-default-version': (r) => r.version.number === r.template.defaultVersion,
    'kernel-id': (r) => dataOf(r).KernelId,
    'license-configuration-arn': (r) =>
      ((dataOf(r).LicenseSpecifications ?? []) as { LicenseConfigurationArn?: string }[]).map((l) => l.LicenseConfigurationArn),
    'network-card-index': (r) => ((dataOf(r).NetworkInterfaces ?? []) as { NetworkCardIndex?: number }[]).map((n) => n.NetworkCardIndex ?? 0),
    'ram-disk-id': (r) => dataOf(r).RamDiskId,
  },
};

export function templateView(t: LaunchTemplate) {
  return {
    LaunchTemplateId: t.id,
    LaunchTemplateName: t.name,
    CreateTime: t.createTime,
    CreatedBy: t.createdBy,
    DefaultVersionNumber: t.defaultVersion,
    LatestVersionNumber: latestVersion(t),
    Tags: tagList(t.tags),
  };
}

function versionView(t: LaunchTemplate, v: LaunchTemplateVersionRecord) {
  return {
    LaunchTemplateId: t.id,
    LaunchTemplateName: t.name,
    VersionNumber: v.number,
    VersionDescription: v.description,
    CreateTime: v.createTime,
    CreatedBy: t.createdBy,
    DefaultVersion: v.number === t.defaultVersion,
    // Kept as given: the request and response shapes of template data share their member names.
    LaunchTemplateData: v.data as never,
  };
}

/** Which versions of `t` DescribeLaunchTemplateVersions selects. */
function selectVersions(
  t: LaunchTemplate,
  versions: readonly string[] | undefined,
  min: number | undefined,
  max: number | undefined,
): LaunchTemplateVersionRecord[] {
  if (versions?.length) {
    const chosen = new Map<number, LaunchTemplateVersionRecord>();
    for (const v of versions) {
      const r = resolveVersion(t, v);
      chosen.set(r.number, r);
    }
    return [...chosen.values()];
  }
  return [...t.versions.values()].filter((v) => (min === undefined || v.number >= min) && (max === undefined || v.number <= max));
}

function versionBound(value: string | undefined, param: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,17}$/.test(value)) throw invalidValue(`Value (${value}) for parameter ${param} is invalid. Expected a version number.`);
  return Number(value);
}

const versionKey = (r: VersionRow) => `${r.template.id}:${String(r.version.number).padStart(18, '0')}`;

function templateOf(ctx: RequestContext, input: { LaunchTemplateId?: string; LaunchTemplateName?: string }): LaunchTemplate {
  return resolveTemplate(ctx.region, input.LaunchTemplateId, input.LaunchTemplateName);
}

export const launchTemplateHandlers = handlers({
  CreateLaunchTemplate: (ctx, input) =>
    idempotent(
      ctx,
      input,
      () => {
        const tags = tagsFromSpecs(input.TagSpecifications, 'launch-template');
        const t = createLaunchTemplate(
          ctx.region,
          input.LaunchTemplateName,
          input.LaunchTemplateData as TemplateData | undefined,
          input.VersionDescription,
          tags,
        );
        return { id: t.id, output: { LaunchTemplate: templateView(t) } };
      },
      (id) => ({ LaunchTemplate: templateView(getTemplateById(ctx.region, id)) }),
    ),

  CreateLaunchTemplateVersion: (ctx, input) =>
    idempotent(
      ctx,
      input,
      () => {
        const t = templateOf(ctx, input);
        const v = createVersion(ctx.region, t, input.LaunchTemplateData as TemplateData | undefined, input.SourceVersion, input.VersionDescription);
        return { id: `${t.id}:${v.number}`, output: { LaunchTemplateVersion: versionView(t, v) } };
      },
      (key) => {
        const [id, n] = key.split(':');
        const t = getTemplateById(ctx.region, id!);
        return { LaunchTemplateVersion: versionView(t, resolveVersion(t, n)) };
      },
    ),

  DescribeLaunchTemplates: (ctx, input) => {
    if (input.MaxResults !== undefined && (input.MaxResults < 1 || input.MaxResults > 200)) {
      throw invalidValue(`Value (${input.MaxResults}) for parameter maxResults is invalid. Expecting a value between 1 and 200.`);
    }
    const match = compileFilters(templateFilters, input.Filters);
    const named = [...(input.LaunchTemplateIds ?? []).map((id) => getTemplateById(ctx.region, id))];
    for (const name of input.LaunchTemplateNames ?? []) {
      const t = findTemplateByName(ctx.region, name);
      // Observed wording for DescribeLaunchTemplates by name.
      if (!t)
        throw new Ec2Error('InvalidLaunchTemplateName.NotFoundException', 'At least one of the launch templates specified in the request does not exist.');
      named.push(t);
    }
    const explicit = input.LaunchTemplateIds?.length || input.LaunchTemplateNames?.length;
    const pool = explicit ? [...new Set(named)] : [...ctx.region.launchTemplates.values()];
    const page = paginateOwned(ctx, pool.filter(match), (t) => t.id, input, explicit ? named : undefined, 'launchTemplateIds');
    return { LaunchTemplates: page.items.map(templateView), NextToken: page.nextToken };
  },

  DescribeLaunchTemplateVersions: (ctx, input) => {
    const min = versionBound(input.MinVersion, 'MinVersion');
    const max = versionBound(input.MaxVersion, 'MaxVersion');
    const named = input.LaunchTemplateId !== undefined || input.LaunchTemplateName !== undefined;
    let rows: VersionRow[];
    if (named) {
      const t = templateOf(ctx, input);
      rows = selectVersions(t, input.Versions, min, max).map((version) => ({ template: t, version }));
    } else {
      // Without a template, only $Latest / $Default of every template can be asked for (API reference, Versions).
      if (!input.Versions?.length || input.Versions.some((v) => v !== '$Latest' && v !== '$Default'))
        throw missingParam('LaunchTemplateId or LaunchTemplateName');
      rows = [...ctx.region.launchTemplates.values()].flatMap((t) =>
        selectVersions(t, input.Versions, undefined, undefined).map((version) => ({ template: t, version })),
      );
    }
    const match = compileFilters(versionFilters, input.Filters);
    const page = paginateOwned(ctx, rows.filter(match), versionKey, input);
    return { LaunchTemplateVersions: page.items.map((r) => versionView(r.template, r.version)), NextToken: page.nextToken };
  },

  ModifyLaunchTemplate: (ctx, input) => {
    const t = templateOf(ctx, input);
    if (input.DefaultVersion !== undefined) setDefaultVersion(t, input.DefaultVersion);
    return { LaunchTemplate: templateView(t) };
  },

  DeleteLaunchTemplate: (ctx, input) => {
    const t = templateOf(ctx, input);
    deleteLaunchTemplate(ctx.region, t);
    return { LaunchTemplate: { ...templateView(t), Tags: undefined } };
  },

  DeleteLaunchTemplateVersions: (ctx, input) => {
    if (!input.Versions?.length) throw missingParam('LaunchTemplateVersion');
    if (input.Versions.length > MAX_VERSIONS_PER_DELETE)
      throw invalidValue(`You can specify at most ${MAX_VERSIONS_PER_DELETE} launch template versions in one request.`);
    const t = templateOf(ctx, input);
    const result = deleteVersions(t, input.Versions);
    return {
      SuccessfullyDeletedLaunchTemplateVersions: result.deleted.map((n) => ({ LaunchTemplateId: t.id, LaunchTemplateName: t.name, VersionNumber: n })),
      UnsuccessfullyDeletedLaunchTemplateVersions: result.failed.map((f) => ({
        LaunchTemplateId: t.id,
        LaunchTemplateName: t.name,
        VersionNumber: /^[0-9]+$/.test(f.version) ? Number(f.version) : undefined,
        ResponseError: { Code: f.code, Message: f.message },
      })),
    };
  },
});
