/**
 * Tags: TagSpecifications on create operations, CreateTags/DeleteTags, and the bounds AWS sets
 * (50 tags per resource, key ≤ 128 and value ≤ 256 characters, no `aws:` prefix).
 */
import { Ec2Error, invalidValue } from './errors.js';
import type { Taggable, Tags } from './model.js';

export interface TagInput {
  Key?: string;
  Value?: string;
}

export interface TagSpecInput {
  ResourceType?: string;
  Tags?: TagInput[];
}

export const MAX_TAGS_PER_RESOURCE = 50;

export function validateTag(tag: TagInput): { key: string; value: string } {
  const key = tag.Key;
  if (key === undefined || key === '') throw invalidValue('Tag keys must be at least 1 character long.');
  if (key.length > 128) throw invalidValue(`Tag key exceeds the maximum length of 128 characters: ${key.slice(0, 32)}…`);
  if (key.toLowerCase().startsWith('aws:')) throw invalidValue(`Tag keys starting with 'aws:' are reserved for internal use`);
  const value = tag.Value ?? '';
  if (value.length > 256) throw invalidValue(`Tag value exceeds the maximum length of 256 characters for key ${key}`);
  return { key, value };
}

/**
 * Validates TagSpecifications for a create operation and returns the tags for `resourceType`.
 * A specification for another resource type is refused, as AWS does for types the call cannot create.
 */
export function tagsFromSpecs(specs: readonly TagSpecInput[] | undefined, resourceType: string, allowed: readonly string[] = [resourceType]): Tags {
  const tags: Tags = new Map();
  for (const spec of specs ?? []) {
    if (!spec.ResourceType) throw new Ec2Error('InvalidParameterValue', 'Tag specification resource type must have a value');
    if (!allowed.includes(spec.ResourceType)) {
      throw invalidValue(`'${spec.ResourceType}' is not a valid taggable resource type for this operation.`);
    }
    if (spec.ResourceType !== resourceType) continue;
    for (const t of spec.Tags ?? []) {
      const { key, value } = validateTag(t);
      if (tags.has(key)) throw invalidValue(`Duplicate tag key '${key}' specified.`);
      tags.set(key, value);
    }
  }
  if (tags.size > MAX_TAGS_PER_RESOURCE)
    throw new Ec2Error('TagLimitExceeded', `The maximum number of tags per resource (${MAX_TAGS_PER_RESOURCE}) has been exceeded.`);
  return tags;
}

/** The output shape of a tag set (`tagSet/item{key,value}`), sorted by key for a stable order; undefined when empty. */
export function tagList(tags: Tags): { Key: string; Value: string }[] | undefined {
  if (tags.size === 0) return undefined;
  return [...tags].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([Key, Value]) => ({ Key, Value }));
}

/** Applies tags to resources all-or-nothing: every resource must have room. */
export function applyTags(resources: readonly Taggable[], tags: readonly TagInput[]): void {
  const valid = tags.map(validateTag);
  for (const r of resources) {
    const newKeys = new Set(valid.map((t) => t.key).filter((k) => !r.tags.has(k)));
    if (r.tags.size + newKeys.size > MAX_TAGS_PER_RESOURCE) {
      throw new Ec2Error('TagLimitExceeded', `The maximum number of tags per resource (${MAX_TAGS_PER_RESOURCE}) has been exceeded for resource ${r.id}.`);
    }
  }
  for (const r of resources) for (const t of valid) r.tags.set(t.key, t.value);
}

/** DeleteTags semantics: a key alone removes the tag; key plus value removes it only when the value matches. */
export function removeTags(resources: readonly Taggable[], tags: readonly TagInput[] | undefined): void {
  for (const r of resources) {
    if (!tags || tags.length === 0) {
      r.tags.clear();
      continue;
    }
    for (const t of tags) {
      if (t.Key === undefined) continue;
      if (t.Value === undefined || r.tags.get(t.Key) === t.Value) r.tags.delete(t.Key);
    }
  }
}
