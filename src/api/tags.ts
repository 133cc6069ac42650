/** CreateTags, DeleteTags, DescribeTags over every taggable resource of the caller's world. */
import type { RegionState } from '../engine/cloud.js';
import { Ec2Error, invalidValue } from '../engine/errors.js';
import { compileFilters, type FilterSpec } from '../engine/filters.js';
import { ID_KINDS, notFound, type IdKind } from '../engine/ids.js';
import type { Taggable } from '../engine/model.js';
import { applyTags, removeTags } from '../engine/tags.js';
import { handlers } from './handler.js';
import { paginate } from './paginate.js';

/** One row of DescribeTags: a tag on a resource. */
interface TagRow {
  readonly id: string;
  readonly resource: Taggable;
  readonly key: string;
  readonly value: string;
}

const tagRowFilters: FilterSpec<TagRow> = {
  resourceName: 'tag',
  getters: {
    key: (t) => t.key,
    value: (t) => t.value,
    'resource-id': (t) => t.resource.id,
    'resource-type': (t) => t.resource.resourceType,
  },
  tags: (t) => t.resource.tags,
};

const KINDS_BY_LENGTH: IdKind[] = Object.values(ID_KINDS).sort((a, b) => b.prefix.length - a.prefix.length);

/** The resources named by CreateTags/DeleteTags; every id must exist before anything changes. */
function resolveResources(region: RegionState, ids: readonly string[]): Taggable[] {
  if (ids.length > 1000) throw invalidValue('The maximum number of resources per request is 1000.');
  return ids.map((id) => {
    const found = region.taggables.get(id);
    if (found) return found;
    const kind = KINDS_BY_LENGTH.find((k) => id.startsWith(`${k.prefix}-`));
    if (kind && /^[0-9a-f]+$/.test(id.slice(kind.prefix.length + 1))) throw notFound(kind, id);
    throw new Ec2Error('InvalidID', `The ID '${id}' is not valid`);
  });
}

export const tagHandlers = handlers({
  CreateTags: (ctx, input) => {
    applyTags(resolveResources(ctx.region, input.Resources), input.Tags);
    return {};
  },

  DeleteTags: (ctx, input) => {
    removeTags(resolveResources(ctx.region, input.Resources), input.Tags);
    return {};
  },

  DescribeTags: (ctx, input) => {
    if (input.MaxResults !== undefined && (input.MaxResults < 5 || input.MaxResults > 1000)) {
      throw invalidValue(`Value (${input.MaxResults}) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
    }
    const rows: TagRow[] = [];
    for (const r of ctx.region.taggables.values()) {
      for (const [key, value] of r.tags) rows.push({ id: `${r.id}\u0000${key}`, resource: r, key, value });
    }
    const match = compileFilters(tagRowFilters, input.Filters);
    const page = paginate(ctx, rows.filter(match), (t) => t.id, input);
    return {
      Tags: page.items.map((t) => ({ Key: t.key, Value: t.value, ResourceId: t.resource.id, ResourceType: t.resource.resourceType as 'vpc' })),
      NextToken: page.nextToken,
    };
  },
});
