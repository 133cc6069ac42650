/** Egress-only internet gateway operations: Create, Delete, Describe. */
import { createEgressOnlyInternetGateway, deleteEgressOnlyInternetGateway, getEgressOnlyInternetGateway } from '../engine/egress-only-internet-gateway.js';
import type { FilterSpec } from '../engine/filters.js';
import type { EgressOnlyInternetGateway } from '../engine/routing-model.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import { getVpc } from '../engine/vpc.js';
import { describe } from './describe.js';
import { handlers } from './handler.js';
import { idempotent } from './idempotency.js';

export const egressOnlyInternetGatewayView = (g: EgressOnlyInternetGateway) => ({
  Attachments: [{ State: 'attached' as const, VpcId: g.vpcId }],
  EgressOnlyInternetGatewayId: g.id,
  Tags: tagList(g.tags) ?? [],
});

/** The reference lists only the tag filters for DescribeEgressOnlyInternetGateways. */
const filters: FilterSpec<EgressOnlyInternetGateway> = {
  resourceName: 'egress-only-internet-gateway',
  tags: (g) => g.tags,
  getters: {},
};

export const egressOnlyInternetGatewayHandlers = handlers({
  CreateEgressOnlyInternetGateway: (ctx, input) =>
    idempotent(
      ctx,
      input,
      () => {
        const g = createEgressOnlyInternetGateway(
          ctx.region,
          getVpc(ctx.region, input.VpcId),
          tagsFromSpecs(input.TagSpecifications, 'egress-only-internet-gateway'),
        );
        return { id: g.id, output: { EgressOnlyInternetGateway: egressOnlyInternetGatewayView(g), ClientToken: input.ClientToken } };
      },
      (id) => ({ EgressOnlyInternetGateway: egressOnlyInternetGatewayView(getEgressOnlyInternetGateway(ctx.region, id)), ClientToken: input.ClientToken }),
    ),

  DeleteEgressOnlyInternetGateway: (ctx, input) => {
    deleteEgressOnlyInternetGateway(ctx.region, getEgressOnlyInternetGateway(ctx.region, input.EgressOnlyInternetGatewayId));
    return { ReturnCode: true };
  },

  DescribeEgressOnlyInternetGateways: (ctx, input) => {
    const page = describe(
      ctx,
      input,
      filters,
      input.EgressOnlyInternetGatewayIds,
      (id) => getEgressOnlyInternetGateway(ctx.region, id),
      () => ctx.region.egressOnlyInternetGateways.values(),
      'egressOnlyInternetGatewayIds',
    );
    return { EgressOnlyInternetGateways: page.items.map(egressOnlyInternetGatewayView), NextToken: page.nextToken };
  },
});
