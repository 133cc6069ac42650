/**
 * Values at a dotted path of an answer's view (`NetworkInterfaces.PrivateIpAddresses.Association.PublicIp`),
 * every list on the way flattened: a filter read this way matches exactly what the Describe shows.
 * Timestamps are matched as ISO 8601 text, as AWS's filters on times are.
 */
import type { FilterValue } from '../engine/filters.js';

export function viewValues(view: unknown, path: string): FilterValue[] {
  let level: unknown[] = [view];
  for (const key of path.split('.')) {
    const next: unknown[] = [];
    for (const v of level) {
      if (v === null || typeof v !== 'object') continue;
      const child = (v as Record<string, unknown>)[key];
      if (Array.isArray(child)) next.push(...child);
      else if (child !== undefined && child !== null) next.push(child);
    }
    level = next;
  }
  return level.map((v) => (v instanceof Date ? v.toISOString() : (v as FilterValue)));
}
