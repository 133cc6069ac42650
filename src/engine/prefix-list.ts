/**
 * Prefix lists: the region's AWS-managed lists (aws-prefix-lists.ts) and customer-managed lists
 * (CreateManagedPrefixList, ModifyManagedPrefixList, RestoreManagedPrefixListVersion,
 * DeleteManagedPrefixList). Rules from the EC2 API reference pages of those operations and the
 * Amazon VPC User Guide, "Managed prefix lists" (quotas: 1,000 entries per list, 1,000 versions
 * kept; a list cannot be deleted while referenced); error wording from AWS answers quoted in
 * public threads (cited where used).
 */
import { parseIpv4Cidr, parseIpv6Cidr } from './cidr.js';
import type { RegionState } from './cloud.js';
import { Ec2Error, invalidCombination, invalidValue, missingParam } from './errors.js';
import { awsPrefixList, type AwsPrefixList } from './aws-prefix-lists.js';
import type { ManagedPrefixList, PrefixListEntry } from './endpoint-model.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import type { Tags } from './model.js';

/** VPC User Guide, "Quotas for managed prefix lists". */
export const MAX_ENTRIES_LIMIT = 1000;
export const VERSIONS_KEPT = 1000;

export type AnyPrefixList = { readonly kind: 'aws'; readonly list: AwsPrefixList } | { readonly kind: 'customer'; readonly list: ManagedPrefixList };

/** Either kind, by id; unknown ids answer InvalidPrefixListID.NotFound ("The prefix list ID 'pl-…' does not exist"). */
export function findPrefixList(region: RegionState, id: string): AnyPrefixList {
  checkId(ID_KINDS.prefixList, id);
  const own = region.prefixLists.get(id);
  if (own) return { kind: 'customer', list: own };
  const aws = awsPrefixList(region.info.name, id);
  if (aws) return { kind: 'aws', list: aws };
  throw notFound(ID_KINDS.prefixList, id);
}

/** A customer-managed list of the caller (AWS-managed ones cannot be changed). */
export function getOwnPrefixList(region: RegionState, id: string): ManagedPrefixList {
  const found = findPrefixList(region, id);
  if (found.kind === 'aws') {
    throw new Ec2Error('InvalidPrefixListModification', `The prefix list ${id} is an AWS-managed prefix list and cannot be modified.`);
  }
  return found.list;
}

/**
 * The CIDRs a prefix list stands for now: what a data plane resolving a security group rule or a
 * route with a prefix-list destination needs. Undefined for an unknown id.
 */
export function prefixListCidrs(region: RegionState, id: string): string[] | undefined {
  const own = region.prefixLists.get(id);
  if (own) return own.entries.map((e) => e.cidr);
  return awsPrefixList(region.info.name, id)?.entries.map((e) => e.cidr);
}

export const prefixListArn = (region: RegionState, id: string, owner: string) => `arn:aws:ec2:${region.info.name}:${owner}:prefix-list/${id}`;

// ---- entries -------------------------------------------------------------------------------------

export interface EntryInput {
  readonly Cidr?: string;
  readonly Description?: string;
}

/** A CIDR of the list's family, canonical (host bits must be zero, as AWS requires of list entries). */
function parseEntryCidr(family: 'IPv4' | 'IPv6', text: string): string {
  const c = family === 'IPv4' ? parseIpv4Cidr(text) : parseIpv6Cidr(text);
  if (!c) throw invalidValue(`The CIDR '${text}' is invalid.`);
  return c.toString();
}

function parseEntries(family: 'IPv4' | 'IPv6', entries: readonly EntryInput[] | undefined): PrefixListEntry[] {
  const out: PrefixListEntry[] = [];
  for (const e of entries ?? []) {
    if (e.Cidr === undefined) throw missingParam('cidr');
    if (e.Description !== undefined && e.Description.length > 255)
      throw invalidValue('The description of a prefix list entry cannot be longer than 255 characters.');
    out.push({ cidr: parseEntryCidr(family, e.Cidr), description: e.Description });
  }
  const seen = new Set<string>();
  for (const e of out) {
    if (seen.has(e.cidr)) throw invalidValue(`The CIDR '${e.cidr}' is specified more than once.`);
    seen.add(e.cidr);
  }
  return out;
}

const sortEntries = (entries: PrefixListEntry[]) => entries.sort((a, b) => (a.cidr < b.cidr ? -1 : a.cidr > b.cidr ? 1 : 0));

function checkMaxEntries(n: number | undefined): number {
  if (n === undefined) throw missingParam('maxEntries');
  if (!Number.isInteger(n) || n < 1 || n > MAX_ENTRIES_LIMIT) {
    throw invalidValue(`The maximum number of entries (${n}) must be between 1 and ${MAX_ENTRIES_LIMIT}.`);
  }
  return n;
}

/** CreateManagedPrefixList: "The name cannot start with com.amazonaws" (API reference, PrefixListName). */
function checkName(name: string | undefined): string {
  if (name === undefined || name === '') throw missingParam('prefixListName');
  if (name.length > 255) throw invalidValue('The prefix list name cannot be longer than 255 characters.');
  if (name.startsWith('com.amazonaws')) throw invalidValue(`The prefix list name cannot start with 'com.amazonaws'.`);
  return name;
}

// ---- operations ----------------------------------------------------------------------------------

export interface CreatePrefixListParams {
  readonly name?: string;
  readonly addressFamily?: string;
  readonly maxEntries?: number;
  readonly entries?: readonly EntryInput[];
  readonly tags: Tags;
}

export function createPrefixList(region: RegionState, p: CreatePrefixListParams): ManagedPrefixList {
  const name = checkName(p.name);
  if (p.addressFamily === undefined) throw missingParam('addressFamily');
  if (p.addressFamily !== 'IPv4' && p.addressFamily !== 'IPv6') throw invalidValue(`The address family '${p.addressFamily}' is invalid. Specify IPv4 or IPv6.`);
  const maxEntries = checkMaxEntries(p.maxEntries);
  const entries = sortEntries(parseEntries(p.addressFamily, p.entries));
  if (entries.length > maxEntries) throw tooManyEntries(maxEntries);
  const list: ManagedPrefixList = {
    id: region.ids.next(ID_KINDS.prefixList),
    resourceType: 'prefix-list',
    ownerId: region.accountId,
    name,
    addressFamily: p.addressFamily,
    maxEntries,
    version: 1,
    state: 'create-complete',
    entries,
    versions: [{ version: 1, entries: [...entries] }],
    tags: p.tags,
  };
  region.prefixLists.set(list.id, region.register(list));
  return list;
}

/** More entries than MaxEntries allows (code and wording ours: not found in AWS's published answers). */
const tooManyEntries = (max: number) => invalidValue(`The number of entries exceeds the maximum number of entries (${max}) for the prefix list.`);

export interface ModifyPrefixListParams {
  readonly currentVersion?: number;
  readonly name?: string;
  readonly add?: readonly EntryInput[];
  readonly remove?: readonly EntryInput[];
  readonly maxEntries?: number;
}

/**
 * ModifyManagedPrefixList. Entry changes need the current version ("The specified value for version
 * is not valid. The value must be greater than (1)." for a stale one, pulumi/pulumi-aws#1784) and make a
 * new version; entries and MaxEntries cannot change together ("You cannot modify the entries and the
 * maximum entries for the prefix list in the same request.", hashicorp/terraform-provider-aws#26034).
 * MaxEntries can grow, or shrink down to the entries held.
 */
export function modifyPrefixList(region: RegionState, list: ManagedPrefixList, p: ModifyPrefixListParams): void {
  const changesEntries = (p.add?.length ?? 0) > 0 || (p.remove?.length ?? 0) > 0;
  if (changesEntries && p.maxEntries !== undefined) {
    throw invalidCombination('You cannot modify the entries and the maximum entries for the prefix list in the same request.');
  }
  const name = p.name !== undefined ? checkName(p.name) : undefined;
  if (changesEntries && p.currentVersion === undefined) throw missingParam('currentVersion');
  if (p.currentVersion !== undefined && p.currentVersion !== list.version) {
    throw invalidValue(`The specified value for version is not valid. The value must be greater than (${list.version - 1}).`);
  }
  let next: PrefixListEntry[] | undefined;
  if (changesEntries) {
    const added = parseEntries(list.addressFamily, p.add);
    const removed = (p.remove ?? []).map((e) => {
      if (e.Cidr === undefined) throw missingParam('cidr');
      return parseEntryCidr(list.addressFamily, e.Cidr);
    });
    for (const cidr of removed) {
      if (!list.entries.some((e) => e.cidr === cidr)) throw invalidValue(`The CIDR '${cidr}' does not exist in the prefix list ${list.id}.`);
    }
    const kept = list.entries.filter((e) => !removed.includes(e.cidr) && !added.some((a) => a.cidr === e.cidr));
    next = sortEntries([...kept, ...added]);
    if (next.length > list.maxEntries) throw tooManyEntries(list.maxEntries);
  }
  let maxEntries: number | undefined;
  if (p.maxEntries !== undefined) {
    maxEntries = checkMaxEntries(p.maxEntries);
    if (maxEntries < list.entries.length) throw tooManyEntries(maxEntries);
  }
  // Everything checked: apply.
  if (name !== undefined) list.name = name;
  if (maxEntries !== undefined) list.maxEntries = maxEntries;
  if (next) newVersion(list, next);
  list.state = 'modify-complete';
}

function newVersion(list: ManagedPrefixList, entries: PrefixListEntry[]): void {
  list.version += 1;
  list.entries = entries;
  list.versions.push({ version: list.version, entries: [...entries] });
  if (list.versions.length > VERSIONS_KEPT) list.versions.shift();
}

/** The entries of a version (GetManagedPrefixListEntries' TargetVersion). */
export function entriesAtVersion(list: ManagedPrefixList, version: number | undefined): PrefixListEntry[] {
  if (version === undefined) return list.entries;
  const v = list.versions.find((x) => x.version === version);
  if (!v) throw invalidValue(`The prefix list ${list.id} does not have version ${version}.`);
  return v.entries;
}

/** RestoreManagedPrefixListVersion: the previous version's entries become a new version. */
export function restorePrefixListVersion(list: ManagedPrefixList, previous: number | undefined, current: number | undefined): void {
  if (previous === undefined) throw missingParam('previousVersion');
  if (current === undefined) throw missingParam('currentVersion');
  if (current !== list.version) throw invalidValue(`The specified value for version is not valid. The value must be greater than (${list.version - 1}).`);
  const entries = entriesAtVersion(list, previous);
  if (entries.length > list.maxEntries) throw tooManyEntries(list.maxEntries);
  newVersion(list, [...entries]);
  list.state = 'restore-complete';
}

// ---- references ------------------------------------------------------------------------------------

/** The route tables and security groups that reference the list (GetManagedPrefixListAssociations). */
export function prefixListReferences(region: RegionState, id: string): string[] {
  const out: string[] = [];
  for (const t of region.routeTables.values()) if (t.routes.some((r) => r.destinationPrefixListId === id)) out.push(t.id);
  for (const g of region.securityGroups.values()) {
    for (const r of g.rules.values()) {
      if (r.prefixListId === id) {
        out.push(g.id);
        break;
      }
    }
  }
  return out.sort();
}

/** A referenced list cannot be deleted (VPC User Guide, "Delete a prefix list": remove its references first). */
export function deletePrefixList(region: RegionState, list: ManagedPrefixList): void {
  const refs = prefixListReferences(region, list.id);
  if (refs.length > 0) {
    throw new Ec2Error('InvalidPrefixListModification', `The prefix list ${list.id} is referenced by ${refs.join(', ')} and cannot be deleted.`);
  }
  region.prefixLists.delete(list.id);
  region.unregister(list.id);
}
