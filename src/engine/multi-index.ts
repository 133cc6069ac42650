/**
 * A map from a key to one or a few values, cheap in memory when (as for private IPs) almost
 * every key has exactly one value: singles are stored bare, only collisions get an array.
 */
export class MultiIndex<T> {
  private readonly map = new Map<string, T | T[]>();

  get(key: string): readonly T[] {
    const v = this.map.get(key);
    if (v === undefined) return [];
    return Array.isArray(v) ? v : [v];
  }

  add(key: string, value: T): void {
    const v = this.map.get(key);
    if (v === undefined) this.map.set(key, value);
    else if (Array.isArray(v)) v.push(value);
    else this.map.set(key, [v, value]);
  }

  delete(key: string, value: T): void {
    const v = this.map.get(key);
    if (v === undefined) return;
    if (!Array.isArray(v)) {
      if (v === value) this.map.delete(key);
      return;
    }
    const rest = v.filter((x) => x !== value);
    if (rest.length === 0) this.map.delete(key);
    else this.map.set(key, rest.length === 1 ? rest[0]! : rest);
  }

  get size(): number {
    return this.map.size;
  }
}
