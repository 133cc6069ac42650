/** Customer gateway operations: Create, Delete, Describe. */
import { createCustomerGateway, deleteCustomerGateway, getCustomerGateway, type CustomerGateway } from '../engine/customer-gateway.js';
import type { FilterSpec } from '../engine/filters.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import { connectionUsingCustomerGateway } from '../engine/vpn-connection.js';
import { describe } from './describe.js';
import { handlers } from './handler.js';

export function customerGatewayView(g: CustomerGateway) {
  return {
    CustomerGatewayId: g.id,
    State: g.state,
    Type: g.type,
    IpAddress: g.ipAddress,
    // An ASN given as BgpAsnExtended is shown there; a 2-byte or 4-byte one up to 2^31-1 in BgpAsn.
    ...(g.extendedAsn ? { BgpAsnExtended: String(g.bgpAsn) } : { BgpAsn: String(g.bgpAsn) }),
    DeviceName: g.deviceName,
    CertificateArn: g.certificateArn,
    // An empty tag set rather than none: community.aws ec2_customer_gateway reads `Tags` unconditionally.
    Tags: tagList(g.tags) ?? [],
  };
}

/** The filters the DescribeCustomerGateways reference lists. */
const customerGatewayFilters: FilterSpec<CustomerGateway> = {
  resourceName: 'customer-gateway',
  tags: (g) => g.tags,
  getters: {
    'bgp-asn': (g) => String(g.bgpAsn),
    'customer-gateway-id': (g) => g.id,
    'ip-address': (g) => g.ipAddress,
    state: (g) => g.state,
    type: (g) => g.type,
  },
};

export const customerGatewayHandlers = handlers({
  CreateCustomerGateway: (ctx, input) => {
    const cgw = createCustomerGateway(ctx.region, {
      type: input.Type,
      ipAddress: input.IpAddress ?? input.PublicIp,
      bgpAsn: input.BgpAsn,
      bgpAsnExtended: input.BgpAsnExtended,
      deviceName: input.DeviceName,
      certificateArn: input.CertificateArn,
      tags: tagsFromSpecs(input.TagSpecifications, 'customer-gateway'),
    });
    return { CustomerGateway: customerGatewayView(cgw) };
  },

  DeleteCustomerGateway: (ctx, input) => {
    const cgw = getCustomerGateway(ctx.region, input.CustomerGatewayId);
    deleteCustomerGateway(ctx.region, cgw, connectionUsingCustomerGateway(ctx.region, cgw.id));
    return {};
  },

  DescribeCustomerGateways: (ctx, input) => {
    const page = describe(
      ctx,
      input,
      customerGatewayFilters,
      input.CustomerGatewayIds,
      (id) => getCustomerGateway(ctx.region, id),
      () => ctx.region.customerGateways.values(),
      'customerGatewayIds',
    );
    return { CustomerGateways: page.items.map(customerGatewayView) };
  },
});
