/**
 * The metadata tree of one instance, built from the live engine state at each request (never
 * cached), so a hot attach, a reassigned secondary address or a new Elastic IP shows at once.
 *
 * Keys and meanings: aws-behaviour.md §7 (EC2 User Guide "Instance metadata categories", S5/S12),
 * AEMM defaults (S9) and the VPC CNI's reader (S12: `local-ipv4s` primary first; `ipv4-prefix`,
 * `ipv6-prefix`, `ipv6s`, `network-card` absent → 404, which it reads as "none" / card 0).
 * A key whose value does not exist (no public IPv4, no IPv6, no prefixes…) is absent from its
 * directory and answers 404, as on EC2.
 */
import { formatIpv4, formatIpv6 } from '../engine/cidr.js';
import type { RegionState } from '../engine/cloud.js';
import { findImage } from '../engine/images.js';
import { findInstanceType } from '../engine/instance-types.js';
import type { Instance, NetworkInterface } from '../engine/model.js';
import { privateDnsName } from '../engine/network-interface.js';
import { publicAssociation } from '../api/network-interfaces.js';

/** A directory maps names to sub-directories or leaf text; absent keys are simply not there. */
export type MetadataNode = string | MetadataDir;
export type MetadataDir = Map<string, MetadataNode>;

/** Metadata versions the service answers (EC2 User Guide, "Retrieve instance metadata"); each serves the same tree here. */
export const METADATA_VERSIONS = [
  '1.0',
  '2007-01-19',
  '2007-03-01',
  '2007-08-29',
  '2007-10-10',
  '2007-12-15',
  '2008-02-01',
  '2008-09-01',
  '2009-04-04',
  '2011-01-01',
  '2011-05-01',
  '2012-01-12',
  '2014-02-25',
  '2014-11-05',
  '2015-10-20',
  '2016-04-19',
  '2016-06-30',
  '2016-09-02',
  '2018-03-28',
  '2018-08-17',
  '2018-09-24',
  '2019-10-01',
  '2020-10-27',
  '2021-01-03',
  '2021-03-23',
  'latest',
] as const;

/** Builds a directory from an object literal, dropping keys whose value is undefined or an empty list. */
function dir(entries: Record<string, MetadataNode | readonly string[] | undefined>): MetadataDir {
  const out: MetadataDir = new Map();
  for (const [name, value] of Object.entries(entries)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      if (value.length > 0) out.set(name, value.join('\n'));
    } else {
      out.set(name, value as MetadataNode);
    }
  }
  return out;
}

/**
 * A directory whose listing shows other names than its paths: `public-keys/` lists `0=my-key`
 * while `public-keys/0/` is the way in (EC2 User Guide, "Instance metadata categories").
 */
class LabelledDir extends Map<string, MetadataNode> {
  constructor(
    readonly labels: ReadonlyMap<string, string>,
    entries: Iterable<[string, MetadataNode]>,
  ) {
    super(entries);
  }
}

/** `public-keys/`: the key pair named at launch (kept if the key pair is deleted later); absent without one. */
function publicKeysDir(instance: Instance): MetadataDir | undefined {
  if (instance.keyName === undefined || instance.publicKey === undefined) return undefined;
  return new LabelledDir(new Map([['0', `0=${instance.keyName}`]]), [['0', dir({ 'openssh-key': instance.publicKey })]]);
}

const live = <T extends { state: string }>(xs: readonly T[]) => xs.filter((x) => x.state === 'associated');

/** The per-interface directory `network/interfaces/macs/<mac>/`. */
function interfaceDir(region: RegionState, eni: NetworkInterface, multiCard: boolean): MetadataDir {
  const subnet = region.subnets.get(eni.subnetId);
  const vpc = region.vpcs.get(eni.vpcId);
  const publics = eni.privateIps.flatMap((ip) => {
    const a = publicAssociation(region, eni, ip);
    return a ? [{ publicIp: a.PublicIp, privateIp: ip.text }] : [];
  });
  const associations: MetadataDir = new Map(publics.map((p) => [p.publicIp, p.privateIp]));
  const primary = eni.privateIps[0];
  const dnsHostnames = vpc?.enableDnsHostnames === true;
  const primaryPublic = primary ? publicAssociation(region, eni, primary) : undefined;
  const groups = eni.groupIds.map((id) => region.securityGroups.get(id));
  const vpcV4 = vpc ? live(vpc.cidrs) : [];
  return dir({
    'device-number': String(eni.attachment?.deviceIndex ?? 0),
    'interface-id': eni.id,
    'ipv4-associations': associations.size > 0 ? associations : undefined,
    'ipv4-prefix': eni.ipv4Prefixes.map((b) => `${formatIpv4(b)}/28`),
    'ipv6-prefix': eni.ipv6Prefixes.map((b) => `${formatIpv6(b)}/80`),
    ipv6s: eni.ipv6Addresses.map((a) => a.text),
    'local-hostname': primary ? privateDnsName(region.name, primary.text) : undefined,
    'local-ipv4s': eni.privateIps.map((ip) => ip.text),
    mac: eni.macAddress,
    // Current guide and the VPC CNI: `network-card`; absent means card 0. Shown on multi-card types only.
    'network-card': multiCard ? String(eni.attachment?.networkCardIndex ?? 0) : undefined,
    'owner-id': eni.ownerId,
    'public-hostname': dnsHostnames && primaryPublic ? primaryPublic.PublicDnsName : undefined,
    'public-ipv4s': publics.map((p) => p.publicIp),
    'security-group-ids': eni.groupIds,
    'security-groups': groups.flatMap((g) => (g ? [g.name] : [])),
    'subnet-id': eni.subnetId,
    'subnet-ipv4-cidr-block': subnet?.cidr.toString(),
    'subnet-ipv6-cidr-blocks': subnet ? live(subnet.ipv6).map((a) => a.cidr.toString()) : undefined,
    'vpc-id': eni.vpcId,
    'vpc-ipv4-cidr-block': vpcV4[0]?.cidr.toString(),
    'vpc-ipv4-cidr-blocks': vpcV4.map((a) => a.cidr.toString()),
    'vpc-ipv6-cidr-blocks': vpc ? live(vpc.ipv6Cidrs).map((a) => a.cidr.toString()) : undefined,
  });
}

/** The `meta-data/` tree of `instance` as it stands now. */
export function metaDataTree(region: RegionState, instance: Instance): MetadataDir {
  const enis = region.interfacesOfInstance(instance.id) ?? [];
  const eth0 = enis.find((e) => e.attachment?.deviceIndex === 0 && e.attachment.networkCardIndex === 0) ?? enis.find((e) => e.attachment?.deviceIndex === 0);
  const primary = eth0?.privateIps[0];
  const pub = eth0 && primary ? publicAssociation(region, eth0, primary) : undefined;
  const vpc = region.vpcs.get(instance.vpcId);
  const multiCard = (findInstanceType(instance.instanceType)?.networkCards ?? 1) > 1;
  const macs: MetadataDir = new Map(enis.map((e) => [e.macAddress, interfaceDir(region, e, multiCard)]));
  const localHostname = primary ? privateDnsName(region.name, primary.text) : undefined;
  const tags = instance.metadata.instanceMetadataTags === 'enabled' ? dir({ instance: new Map<string, MetadataNode>(instance.tags) }) : undefined;
  return dir({
    'ami-id': instance.imageId,
    'ami-launch-index': String(instance.amiLaunchIndex),
    hostname: localHostname,
    'instance-id': instance.id,
    'instance-type': instance.instanceType,
    ipv6: eth0?.ipv6Addresses[0]?.text,
    'local-hostname': localHostname,
    'local-ipv4': primary?.text,
    mac: eth0?.macAddress,
    network: dir({ interfaces: dir({ macs }) }),
    placement: dir({
      'availability-zone': instance.zone.zoneName,
      'availability-zone-id': instance.zone.zoneId,
      region: region.name,
    }),
    'public-hostname': pub && vpc?.enableDnsHostnames ? pub.PublicDnsName : undefined,
    'public-ipv4': pub?.PublicIp,
    'public-keys': publicKeysDir(instance),
    'reservation-id': instance.reservationId,
    'security-groups': (eth0?.groupIds ?? []).flatMap((id) => {
      const g = region.securityGroups.get(id);
      return g ? [g.name] : [];
    }),
    services: dir({ domain: 'amazonaws.com', partition: 'aws' }),
    tags,
  });
}

/** `dynamic/instance-identity/document`: the identity document (JSON served as text/plain). */
export function identityDocument(region: RegionState, instance: Instance): string {
  const eth0 = (region.interfacesOfInstance(instance.id) ?? []).find((e) => e.attachment?.deviceIndex === 0);
  const doc = {
    accountId: instance.ownerId,
    architecture: findImage(region.name, instance.imageId)?.architecture ?? 'x86_64',
    availabilityZone: instance.zone.zoneName,
    billingProducts: null,
    devpayProductCodes: null,
    marketplaceProductCodes: null,
    imageId: instance.imageId,
    instanceId: instance.id,
    instanceType: instance.instanceType,
    kernelId: null,
    pendingTime: instance.launchTime.toISOString().replace(/\.\d+Z$/, 'Z'),
    privateIp: eth0?.privateIps[0]?.text ?? null,
    ramdiskId: null,
    region: region.name,
    version: '2017-09-30',
  };
  return JSON.stringify(doc, null, 2);
}

/** The whole tree under one version (`latest/`, `2021-03-23/` …): `meta-data/` and `dynamic/`. */
export function versionTree(region: RegionState, instance: Instance): MetadataDir {
  return dir({
    dynamic: dir({ 'instance-identity': dir({ document: identityDocument(region, instance) }) }),
    'meta-data': metaDataTree(region, instance),
    // The user data as given at launch (or set while stopped), decoded; absent (404) when there is none.
    'user-data': instance.attributes?.userData ? Buffer.from(instance.attributes.userData, 'base64').toString('utf8') : undefined,
  });
}

export type Lookup = { readonly kind: 'leaf'; readonly text: string } | { readonly kind: 'dir'; readonly text: string } | undefined;

/**
 * Walks `segments` down `root`. A directory answers its listing, one entry a line, sorted, with
 * sub-directories marked by a trailing `/` (a trailing slash on the request is optional, as
 * on EC2: the VPC CNI's fake notes "Metadata API treats foo/ as foo").
 */
export function lookup(root: MetadataDir, segments: readonly string[]): Lookup {
  let node: MetadataNode = root;
  for (const s of segments) {
    if (typeof node === 'string') return undefined;
    const next: MetadataNode | undefined = node.get(s);
    if (next === undefined) return undefined;
    node = next;
  }
  if (typeof node === 'string') return { kind: 'leaf', text: node };
  return { kind: 'dir', text: listing(node) };
}

export function listing(d: MetadataDir): string {
  if (d instanceof LabelledDir)
    return [...d.keys()]
      .map((k) => d.labels.get(k) ?? k)
      .sort()
      .join('\n');
  return [...d.entries()]
    .map(([name, v]) => (typeof v === 'string' ? name : `${name}/`))
    .sort()
    .join('\n');
}
