/**
 * The account's own AMIs (src/engine/account-images.ts): CreateImage, RegisterImage,
 * DeregisterImage, and their attributes (DescribeImageAttribute, ModifyImageAttribute,
 * ResetImageAttribute). DescribeImages lists them with the catalogue (images.ts).
 *
 * - ModifyImageAttribute reads what to change from the structures given (LaunchPermission,
 *   Description, ImdsSupport) or the older form (Attribute + OperationType + UserIds/UserGroups,
 *   Attribute + Value). `Attribute` is compared without case or surrounding spaces: amazon.aws
 *   ec2_ami sends `LaunchPermission` and `Description ` (trailing space) and works against AWS.
 * - RegisterImage registers EBS-backed images from snapshots; an S3 manifest (ImageLocation),
 *   billing products and UEFI data are answered UnsupportedOperation, naming the parameter.
 */
import {
  changeLaunchPermissions,
  checkDescription,
  createImageFromInstance,
  deregisterImage,
  getOwnImage,
  imageSnapshotIds,
  registerImage,
  resetLaunchPermissions,
  setImageDescription,
  setImageImdsSupport,
  type PermissionChange,
} from '../engine/account-images.js';
import { deleteSnapshot } from '../engine/ebs-snapshot.js';
import { Ec2Error } from '../engine/errors.js';
import { getInstance } from '../engine/instance.js';
import type { AccountImage, ImageArchitectureName } from '../engine/model.js';
import { tagsFromSpecs } from '../engine/tags.js';
import { handlers, type Input, type Output } from './handler.js';
import { mappingView } from './images.js';

const NONE: PermissionChange = { groups: [], userIds: [] };

interface LaunchPermissionInput {
  readonly Group?: string;
  readonly UserId?: string;
  readonly OrganizationArn?: string;
  readonly OrganizationalUnitArn?: string;
}

function permissionChange(list: readonly LaunchPermissionInput[] | undefined): PermissionChange {
  const groups: string[] = [];
  const userIds: string[] = [];
  for (const p of list ?? []) {
    if (p.OrganizationArn !== undefined || p.OrganizationalUnitArn !== undefined) throw sharingWithOrganizations();
    if (p.Group !== undefined) groups.push(p.Group);
    if (p.UserId !== undefined) userIds.push(p.UserId);
  }
  return { groups, userIds };
}

const sharingWithOrganizations = () =>
  new Ec2Error('UnsupportedOperation', 'ModifyImageAttribute: sharing an image with organizations or organizational units is not supported.');

const unsupported = (parameter: string) =>
  new Ec2Error('UnsupportedOperation', `RegisterImage: the parameter ${parameter} is not supported (register EBS-backed images from snapshots).`);

/** What one ModifyImageAttribute asks, worked out before anything changes. */
function plannedModification(input: Input<'ModifyImageAttribute'>) {
  const attribute = (input.Attribute ?? '').trim().toLowerCase();
  if (input.OrganizationArns?.length || input.OrganizationalUnitArns?.length) throw sharingWithOrganizations();
  let add: PermissionChange = permissionChange(input.LaunchPermission?.Add);
  let remove: PermissionChange = permissionChange(input.LaunchPermission?.Remove);
  const legacy = { groups: input.UserGroups ?? [], userIds: input.UserIds ?? [] };
  if (legacy.groups.length > 0 || legacy.userIds.length > 0) {
    if (input.OperationType === 'remove') remove = { groups: [...remove.groups, ...legacy.groups], userIds: [...remove.userIds, ...legacy.userIds] };
    else if (input.OperationType === 'add') add = { groups: [...add.groups, ...legacy.groups], userIds: [...add.userIds, ...legacy.userIds] };
    else throw new Ec2Error('MissingParameter', 'The request must contain the parameter OperationType');
  }
  const permissions = input.LaunchPermission !== undefined || legacy.groups.length > 0 || legacy.userIds.length > 0;
  const description = input.Description?.Value ?? (attribute === 'description' ? input.Value : undefined);
  const imds = input.ImdsSupport?.Value ?? (attribute === 'imdssupport' ? input.Value : undefined);
  if (description !== undefined) checkDescription(description);
  if (!permissions && description === undefined && imds === undefined) {
    if (attribute === 'launchpermission') throw new Ec2Error('MissingParameter', 'The request must contain the parameter LaunchPermission');
    if (attribute === 'description' || attribute === 'imdssupport') throw new Ec2Error('MissingParameter', 'The request must contain the parameter Value');
    throw new Ec2Error('MissingParameter', 'The request must contain the parameter Attribute');
  }
  return { permissions, add: permissions ? add : NONE, remove: permissions ? remove : NONE, description, imds };
}

type AttributeOutput = Output<'DescribeImageAttribute'>;

function attributeView(image: AccountImage, attribute: string): AttributeOutput {
  const out: AttributeOutput = { ImageId: image.id };
  const value = (v: string | undefined) => (v === undefined ? {} : { Value: v });
  switch (attribute) {
    case 'description':
      return { ...out, Description: { Value: image.description } };
    case 'kernel':
      return { ...out, KernelId: value(image.kernelId) };
    case 'ramdisk':
      return { ...out, RamdiskId: value(image.ramdiskId) };
    case 'launchPermission':
      return { ...out, LaunchPermissions: [...image.launchGroups.map((g) => ({ Group: g as 'all' })), ...image.launchUserIds.map((u) => ({ UserId: u }))] };
    case 'productCodes':
      return { ...out, ProductCodes: [] };
    case 'blockDeviceMapping':
      return { ...out, BlockDeviceMappings: image.blockDevices.map(mappingView) };
    case 'sriovNetSupport':
      return { ...out, SriovNetSupport: value(image.sriovNetSupport) };
    case 'bootMode':
      return { ...out, BootMode: value(image.bootMode) };
    case 'tpmSupport':
      return { ...out, TpmSupport: value(image.tpmSupport) };
    case 'imdsSupport':
      return { ...out, ImdsSupport: value(image.imdsSupport) };
    case 'deregistrationProtection':
      return { ...out, DeregistrationProtection: { Value: 'disabled' } };
    default: // uefiData, lastLaunchedTime: nothing recorded
      return out;
  }
}

export const accountImageHandlers = handlers({
  CreateImage: (ctx, input) => {
    const instance = getInstance(ctx.region, input.InstanceId);
    const types = ['image', 'snapshot'];
    const image = createImageFromInstance(ctx.region, instance, {
      name: input.Name,
      description: input.Description ?? '',
      mappings: input.BlockDeviceMappings ?? [],
      imageTags: tagsFromSpecs(input.TagSpecifications, 'image', types),
      snapshotTags: tagsFromSpecs(input.TagSpecifications, 'snapshot', types),
    });
    return { ImageId: image.id };
  },

  RegisterImage: (ctx, input) => {
    if (input.ImageLocation !== undefined) throw unsupported('ImageLocation');
    if (input.BillingProducts?.length) throw unsupported('BillingProducts');
    if (input.UefiData !== undefined) throw unsupported('UefiData');
    if (!input.BlockDeviceMappings?.length)
      throw new Ec2Error('MissingParameter', 'The request must contain the parameter ImageLocation or BlockDeviceMapping');
    const image = registerImage(ctx.region, {
      name: input.Name,
      description: input.Description ?? '',
      rootDeviceName: input.RootDeviceName,
      mappings: input.BlockDeviceMappings,
      architecture: input.Architecture as ImageArchitectureName | undefined,
      virtualizationType: input.VirtualizationType,
      enaSupport: input.EnaSupport,
      sriovNetSupport: input.SriovNetSupport,
      bootMode: input.BootMode,
      tpmSupport: input.TpmSupport,
      imdsSupport: input.ImdsSupport,
      kernelId: input.KernelId,
      ramdiskId: input.RamdiskId,
      tags: tagsFromSpecs(input.TagSpecifications, 'image'),
    });
    return { ImageId: image.id };
  },

  DeregisterImage: (ctx, input) => {
    const image = getOwnImage(ctx.region, input.ImageId);
    const snapshots = input.DeleteAssociatedSnapshots === true ? imageSnapshotIds(image) : [];
    deregisterImage(ctx.region, image);
    const results = snapshots.map((id) => {
      const snapshot = ctx.region.snapshots.get(id);
      if (!snapshot) return { SnapshotId: id, ReturnCode: 'client-error' as const };
      deleteSnapshot(ctx.region, snapshot);
      return { SnapshotId: id, ReturnCode: 'success' as const };
    });
    return { Return: true, DeleteSnapshotResults: input.DeleteAssociatedSnapshots === true ? results : undefined };
  },

  DescribeImageAttribute: (ctx, input) => attributeView(getOwnImage(ctx.region, input.ImageId), input.Attribute),

  ModifyImageAttribute: (ctx, input) => {
    const image = getOwnImage(ctx.region, input.ImageId);
    const plan = plannedModification(input);
    if (plan.imds !== undefined && plan.imds !== 'v2.0') setImageImdsSupport(image, plan.imds); // refuses before anything changes
    if (plan.permissions) changeLaunchPermissions(image, plan.add, plan.remove);
    if (plan.description !== undefined) setImageDescription(image, plan.description);
    if (plan.imds !== undefined) setImageImdsSupport(image, plan.imds);
    return {};
  },

  ResetImageAttribute: (ctx, input) => {
    resetLaunchPermissions(getOwnImage(ctx.region, input.ImageId));
    return {};
  },
});
