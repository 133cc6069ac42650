/** Internet gateway operations: Create, Attach, Detach, Delete, Describe. */
import type { FilterSpec } from '../engine/filters.js';
import { attachInternetGateway, createInternetGateway, deleteInternetGateway, detachInternetGateway, getInternetGateway } from '../engine/internet-gateway.js';
import type { InternetGateway } from '../engine/model.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import { getVpc } from '../engine/vpc.js';
import { describe } from './describe.js';
import { handlers } from './handler.js';

/**
 * AWS reports an internet gateway attachment as `available` (observed in DescribeInternetGateways
 * output, k1LoW/awspec#253), a value outside the model's AttachmentStatus enum.
 */
const ATTACHED = 'available' as 'attached';

/** The filters the DescribeInternetGateways reference lists. */
export const internetGatewayFilters: FilterSpec<InternetGateway> = {
  resourceName: 'internet-gateway',
  tags: (g) => g.tags,
  getters: {
    'attachment.state': (g) => (g.vpcId !== undefined ? ATTACHED : undefined),
    'attachment.vpc-id': (g) => g.vpcId,
    'internet-gateway-id': (g) => g.id,
    'owner-id': (g) => g.ownerId,
  },
};

export function internetGatewayView(g: InternetGateway) {
  return {
    Attachments: g.vpcId !== undefined ? [{ State: ATTACHED, VpcId: g.vpcId }] : [],
    InternetGatewayId: g.id,
    OwnerId: g.ownerId,
    // AWS sends an empty tag set rather than none (Ansible's ec2_vpc_igw reads `Tags` unconditionally).
    Tags: tagList(g.tags) ?? [],
  };
}

export const internetGatewayHandlers = handlers({
  CreateInternetGateway: (ctx, input) => {
    const igw = createInternetGateway(ctx.region, tagsFromSpecs(input.TagSpecifications, 'internet-gateway'));
    return { InternetGateway: internetGatewayView(igw) };
  },

  AttachInternetGateway: (ctx, input) => {
    const igw = getInternetGateway(ctx.region, input.InternetGatewayId);
    attachInternetGateway(ctx.region, igw, getVpc(ctx.region, input.VpcId));
    return {};
  },

  DetachInternetGateway: (ctx, input) => {
    detachInternetGateway(ctx.region, getInternetGateway(ctx.region, input.InternetGatewayId), input.VpcId);
    return {};
  },

  DeleteInternetGateway: (ctx, input) => {
    deleteInternetGateway(ctx.region, getInternetGateway(ctx.region, input.InternetGatewayId));
    return {};
  },

  DescribeInternetGateways: (ctx, input) => {
    const page = describe(
      ctx,
      input,
      internetGatewayFilters,
      input.InternetGatewayIds,
      (id) => getInternetGateway(ctx.region, id),
      () => ctx.region.internetGateways.values(),
      'internetGatewayIds',
    );
    return { InternetGateways: page.items.map(internetGatewayView), NextToken: page.nextToken };
  },
});
