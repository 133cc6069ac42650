/**
 * Prefix list operations: DescribePrefixLists (the AWS-managed lists of gateway-endpoint services),
 * DescribeManagedPrefixLists (AWS-managed and the caller's own), GetManagedPrefixListEntries,
 * GetManagedPrefixListAssociations, Create/Modify/DeleteManagedPrefixList, RestoreManagedPrefixListVersion.
 */
import type { RegionState } from '../engine/cloud.js';
import { awsPrefixLists, type AwsPrefixList } from '../engine/aws-prefix-lists.js';
import type { ManagedPrefixList } from '../engine/endpoint-model.js';
import { missingParam } from '../engine/errors.js';
import { ID_KINDS, notFound } from '../engine/ids.js';
import type { FilterSpec } from '../engine/filters.js';
import {
  createPrefixList,
  deletePrefixList,
  entriesAtVersion,
  findPrefixList,
  getOwnPrefixList,
  modifyPrefixList,
  prefixListArn,
  prefixListReferences,
  restorePrefixListVersion,
  type AnyPrefixList,
} from '../engine/prefix-list.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import { describe } from './describe.js';
import { handlers } from './handler.js';
import { idempotent } from './idempotency.js';
import { paginate } from './paginate.js';

/** AWS-managed lists are owned by `AWS` (DescribeManagedPrefixLists shows OwnerId "AWS"). */
const AWS_OWNER = 'AWS';

/** One record for both kinds, with an `id` for describe(). */
interface Listed {
  readonly id: string;
  readonly found: AnyPrefixList;
}

const listed = (found: AnyPrefixList): Listed => ({ id: found.list.id, found });

function allLists(region: RegionState): Listed[] {
  return [
    ...awsPrefixLists(region.info.name).map((list) => listed({ kind: 'aws', list })),
    ...[...region.prefixLists.values()].map((list) => listed({ kind: 'customer', list })),
  ];
}

export function managedPrefixListView(region: RegionState, found: AnyPrefixList) {
  if (found.kind === 'aws') {
    const l = found.list;
    return {
      PrefixListId: l.id,
      AddressFamily: 'IPv4',
      State: 'create-complete' as const,
      PrefixListArn: prefixListArn(region, l.id, 'aws'),
      PrefixListName: l.name,
      Version: 1,
      Tags: [],
      OwnerId: AWS_OWNER,
    };
  }
  const l = found.list;
  return {
    PrefixListId: l.id,
    AddressFamily: l.addressFamily,
    State: l.state,
    PrefixListArn: prefixListArn(region, l.id, l.ownerId),
    PrefixListName: l.name,
    MaxEntries: l.maxEntries,
    Version: l.version,
    Tags: tagList(l.tags) ?? [],
    OwnerId: l.ownerId,
  };
}

const nameOf = (x: Listed) => (x.found.kind === 'aws' ? x.found.list.name : x.found.list.name);

/** The filters the DescribeManagedPrefixLists reference lists. */
const managedFilters: FilterSpec<Listed> = {
  resourceName: 'prefix-list',
  tags: (x) => (x.found.kind === 'customer' ? x.found.list.tags : undefined),
  getters: {
    'owner-id': (x) => (x.found.kind === 'aws' ? AWS_OWNER : x.found.list.ownerId),
    'prefix-list-id': (x) => x.id,
    'prefix-list-name': nameOf,
  },
};

/** The filters the DescribePrefixLists reference lists. */
const awsFilters: FilterSpec<AwsPrefixList> = {
  resourceName: 'prefix-list',
  getters: {
    'prefix-list-id': (l) => l.id,
    'prefix-list-name': (l) => l.name,
  },
};

export const prefixListHandlers = handlers({
  DescribePrefixLists: (ctx, input) => {
    const region = ctx.region;
    const page = describe(
      ctx,
      input,
      awsFilters,
      input.PrefixListIds,
      (id) => {
        const found = findPrefixList(region, id);
        // DescribePrefixLists lists only the services' lists: a customer list is not one of them.
        if (found.kind !== 'aws') throw notFound(ID_KINDS.prefixList, id);
        return found.list;
      },
      () => awsPrefixLists(region.info.name),
      'prefixListIds',
    );
    return {
      PrefixLists: page.items.map((l) => ({ PrefixListId: l.id, PrefixListName: l.name, Cidrs: l.entries.map((e) => e.cidr) })),
      NextToken: page.nextToken,
    };
  },

  DescribeManagedPrefixLists: (ctx, input) => {
    const page = describe(
      ctx,
      input,
      managedFilters,
      input.PrefixListIds,
      (id) => listed(findPrefixList(ctx.region, id)),
      () => allLists(ctx.region),
      'prefixListIds',
    );
    return { PrefixLists: page.items.map((x) => managedPrefixListView(ctx.region, x.found)), NextToken: page.nextToken };
  },

  GetManagedPrefixListEntries: (ctx, input) => {
    const found = findPrefixList(ctx.region, input.PrefixListId);
    const entries = found.kind === 'aws' ? found.list.entries : entriesAtVersion(found.list, input.TargetVersion);
    const page = paginate(ctx, entries, (e) => e.cidr, input);
    return { Entries: page.items.map((e) => ({ Cidr: e.cidr, Description: e.description })), NextToken: page.nextToken };
  },

  GetManagedPrefixListAssociations: (ctx, input) => {
    const found = findPrefixList(ctx.region, input.PrefixListId);
    const page = paginate(ctx, prefixListReferences(ctx.region, found.list.id), (id) => id, input);
    return { PrefixListAssociations: page.items.map((id) => ({ ResourceId: id, ResourceOwner: ctx.accountId })), NextToken: page.nextToken };
  },

  CreateManagedPrefixList: (ctx, input) =>
    idempotent(
      ctx,
      input,
      () => {
        const list = createPrefixList(ctx.region, {
          name: input.PrefixListName,
          addressFamily: input.AddressFamily,
          maxEntries: input.MaxEntries,
          entries: input.Entries,
          tags: tagsFromSpecs(input.TagSpecifications, 'prefix-list'),
        });
        return { id: list.id, output: { PrefixList: managedPrefixListView(ctx.region, { kind: 'customer', list }) } };
      },
      (id) => ({ PrefixList: managedPrefixListView(ctx.region, { kind: 'customer', list: getOwnPrefixList(ctx.region, id) }) }),
    ),

  ModifyManagedPrefixList: (ctx, input) => {
    const list = getOwnPrefixList(ctx.region, input.PrefixListId);
    modifyPrefixList(ctx.region, list, {
      currentVersion: input.CurrentVersion,
      name: input.PrefixListName,
      add: input.AddEntries,
      remove: input.RemoveEntries,
      maxEntries: input.MaxEntries,
    });
    return { PrefixList: managedPrefixListView(ctx.region, { kind: 'customer', list }) };
  },

  RestoreManagedPrefixListVersion: (ctx, input) => {
    const list = getOwnPrefixList(ctx.region, input.PrefixListId);
    restorePrefixListVersion(list, input.PreviousVersion, input.CurrentVersion);
    return { PrefixList: managedPrefixListView(ctx.region, { kind: 'customer', list }) };
  },

  DeleteManagedPrefixList: (ctx, input) => {
    if (input.PrefixListId === undefined) throw missingParam('prefixListId');
    const list: ManagedPrefixList = getOwnPrefixList(ctx.region, input.PrefixListId);
    const view = managedPrefixListView(ctx.region, { kind: 'customer', list });
    deletePrefixList(ctx.region, list);
    return { PrefixList: { ...view, State: 'delete-complete' as const } };
  },
});
