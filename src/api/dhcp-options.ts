/** DHCP options operations: Create/Delete/Describe and AssociateDhcpOptions (a set or `default`). */
import { associateDhcpOptions, createDhcpOptions, deleteDhcpOptions, getDhcpOptions } from '../engine/dhcp-options.js';
import type { FilterSpec } from '../engine/filters.js';
import type { DhcpOptions } from '../engine/routing-model.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import { getVpc } from '../engine/vpc.js';
import { describe } from './describe.js';
import { handlers } from './handler.js';

/** AWS sends an empty tag set rather than none (Ansible's ec2_vpc_dhcp_option reads `Tags` unconditionally). */
export const dhcpOptionsView = (d: DhcpOptions) => ({
  OwnerId: d.ownerId,
  Tags: tagList(d.tags) ?? [],
  DhcpOptionsId: d.id,
  DhcpConfigurations: d.configurations.map((c) => ({ Key: c.key, Values: c.values.map((Value) => ({ Value })) })),
});

/** The filters the DescribeDhcpOptions reference lists. */
const dhcpOptionsFilters: FilterSpec<DhcpOptions> = {
  resourceName: 'dhcp-options',
  tags: (d) => d.tags,
  getters: {
    'dhcp-options-id': (d) => d.id,
    key: (d) => d.configurations.map((c) => c.key),
    value: (d) => d.configurations.flatMap((c) => c.values),
    'owner-id': (d) => d.ownerId,
  },
};

export const dhcpOptionsHandlers = handlers({
  CreateDhcpOptions: (ctx, input) => {
    const tags = tagsFromSpecs(input.TagSpecifications, 'dhcp-options');
    return { DhcpOptions: dhcpOptionsView(createDhcpOptions(ctx.region, input.DhcpConfigurations, tags)) };
  },

  AssociateDhcpOptions: (ctx, input) => {
    const vpc = getVpc(ctx.region, input.VpcId);
    associateDhcpOptions(ctx.region, input.DhcpOptionsId, vpc);
    return {};
  },

  DeleteDhcpOptions: (ctx, input) => {
    deleteDhcpOptions(ctx.region, getDhcpOptions(ctx.region, input.DhcpOptionsId));
    return {};
  },

  DescribeDhcpOptions: (ctx, input) => {
    const page = describe(
      ctx,
      input,
      dhcpOptionsFilters,
      input.DhcpOptionsIds,
      (id) => getDhcpOptions(ctx.region, id),
      () => ctx.region.dhcpOptions.values(),
      'dhcpOptionsIds',
    );
    return { DhcpOptions: page.items.map(dhcpOptionsView), NextToken: page.nextToken };
  },
});
