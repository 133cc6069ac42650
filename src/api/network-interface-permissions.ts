/**
 * Network interface permissions: letting another account (or an AWS service) attach an
 * instance to, or associate an Elastic IP with, one of your interfaces. The grant is recorded
 * and described, kept with the interface (state export, journal replay, invariants); ec2net does
 * not yet let other accounts act on it (no cross-account attach).
 */
import type { RegionState } from '../engine/cloud.js';
import { Ec2Error, invalidCombination, invalidValue } from '../engine/errors.js';
import type { FilterSpec } from '../engine/filters.js';
import type { InterfacePermission } from '../engine/model.js';
import { checkId, ID_KINDS } from '../engine/ids.js';
import { getNetworkInterface } from '../engine/network-interface.js';
import { describe } from './describe.js';
import { handlers } from './handler.js';

/** Grants that still exist: deleting an interface removes its own (engine/network-interface.ts). */
const live = (region: RegionState) => region.interfacePermissions.values();

function getPermission(region: RegionState, id: string): InterfacePermission {
  checkId(ID_KINDS.eniPermission, id);
  const p = region.interfacePermissions.get(id);
  if (!p) throw new Ec2Error('InvalidPermission.NotFound', `The network interface permission ID '${id}' does not exist`);
  return p;
}

const view = (p: InterfacePermission) => ({
  NetworkInterfacePermissionId: p.id,
  NetworkInterfaceId: p.networkInterfaceId,
  AwsAccountId: p.awsAccountId,
  AwsService: p.awsService,
  Permission: p.permission,
  PermissionState: { State: 'granted' as const },
});

const filters: FilterSpec<InterfacePermission> = {
  resourceName: 'network interface permission',
  getters: {
    'network-interface-permission.network-interface-permission-id': (p) => p.id,
    'network-interface-permission.network-interface-id': (p) => p.networkInterfaceId,
    'network-interface-permission.aws-account-id': (p) => p.awsAccountId,
    'network-interface-permission.aws-service': (p) => p.awsService,
    'network-interface-permission.permission': (p) => p.permission,
  },
};

export const networkInterfacePermissionHandlers = handlers({
  CreateNetworkInterfacePermission: (ctx, input) => {
    const eni = getNetworkInterface(ctx.region, input.NetworkInterfaceId);
    if ((input.AwsAccountId === undefined) === (input.AwsService === undefined)) {
      throw invalidCombination('Exactly one of AwsAccountId or AwsService must be specified.');
    }
    if (input.AwsAccountId !== undefined && !/^[0-9]{12}$/.test(input.AwsAccountId)) {
      throw invalidValue(`Value (${input.AwsAccountId}) for parameter awsAccountId is invalid. Account ids are 12 digits.`);
    }
    const duplicate = [...live(ctx.region)].some(
      (p) => p.networkInterfaceId === eni.id && p.permission === input.Permission && p.awsAccountId === input.AwsAccountId && p.awsService === input.AwsService,
    );
    if (duplicate) throw new Ec2Error('InvalidPermission.Duplicate', `The permission ${input.Permission} on ${eni.id} has already been granted.`);
    const p: InterfacePermission = {
      id: ctx.region.ids.next(ID_KINDS.eniPermission),
      networkInterfaceId: eni.id,
      awsAccountId: input.AwsAccountId,
      awsService: input.AwsService,
      permission: input.Permission,
    };
    ctx.region.interfacePermissions.set(p.id, p);
    return { InterfacePermission: view(p) };
  },

  DescribeNetworkInterfacePermissions: (ctx, input) => {
    const page = describe(
      ctx,
      input,
      filters,
      input.NetworkInterfacePermissionIds,
      (id) => getPermission(ctx.region, id),
      () => live(ctx.region),
      'networkInterfacePermissionIds',
    );
    return { NetworkInterfacePermissions: page.items.map(view), NextToken: page.nextToken };
  },

  DeleteNetworkInterfacePermission: (ctx, input) => {
    const p = getPermission(ctx.region, input.NetworkInterfacePermissionId);
    ctx.region.interfacePermissions.delete(p.id);
    return { Return: true };
  },
});
