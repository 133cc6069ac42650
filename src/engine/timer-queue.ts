/**
 * Pending timed transitions, as a binary min-heap ordered by time and then by scheduling order
 * (so timers due at the same instant fire in the order they were scheduled, as a replay must), with
 * an index by resource id. Settling a request costs O(1) when nothing is due and O(log n) per
 * timer that fires; dropping a resource's timers costs O(k log n) for its k timers — where a
 * plain list was scanned on every request.
 */
import type { Timer } from './timers.js';

interface Entry {
  readonly timer: Timer;
  /** Scheduling order: breaks ties between timers due at the same instant. */
  readonly seq: number;
  /** Where the entry sits in the heap array (kept current by every move). */
  pos: number;
}

export class TimerQueue {
  private readonly heap: Entry[] = [];
  private readonly byId = new Map<string, Entry[]>();
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** When the earliest timer is due (ms since epoch), if any. */
  nextAt(): number | undefined {
    return this.heap[0]?.timer.at;
  }

  push(timer: Timer): void {
    const entry: Entry = { timer, seq: this.seq++, pos: this.heap.length };
    this.heap.push(entry);
    this.up(entry.pos);
    const list = this.byId.get(timer.id);
    if (list) list.push(entry);
    else this.byId.set(timer.id, [entry]);
  }

  /** Removes and returns the earliest timer due at or before `now` (ties: first scheduled), if any. */
  popDue(now: number): Timer | undefined {
    const top = this.heap[0];
    if (top === undefined || top.timer.at > now) return undefined;
    this.removeEntry(top);
    this.unindex(top);
    return top.timer;
  }

  /** Drops the timers of resource `id` (only those of `kind` when given). */
  remove(id: string, kind?: string): void {
    const list = this.byId.get(id);
    if (!list) return;
    const keep = list.filter((e) => kind !== undefined && e.timer.kind !== kind);
    for (const e of list) if (!keep.includes(e)) this.removeEntry(e);
    if (keep.length === 0) this.byId.delete(id);
    else this.byId.set(id, keep);
  }

  /** Every pending timer in scheduling order (for exports and the console). */
  list(): Timer[] {
    return [...this.heap].sort((a, b) => a.seq - b.seq).map((e) => e.timer);
  }

  private unindex(entry: Entry): void {
    const list = this.byId.get(entry.timer.id)!;
    if (list.length === 1) {
      this.byId.delete(entry.timer.id);
      return;
    }
    list.splice(list.indexOf(entry), 1);
  }

  private removeEntry(entry: Entry): void {
    const last = this.heap.pop()!;
    if (last === entry) return;
    this.heap[entry.pos] = last;
    last.pos = entry.pos;
    // The moved entry may belong above or below its new place.
    this.up(last.pos);
    this.down(last.pos);
  }

  private before(a: Entry, b: Entry): boolean {
    return a.timer.at < b.timer.at || (a.timer.at === b.timer.at && a.seq < b.seq);
  }

  private up(i: number): void {
    const heap = this.heap;
    const entry = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(entry, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      heap[i]!.pos = i;
      i = parent;
    }
    heap[i] = entry;
    entry.pos = i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const entry = heap[i]!;
    const n = heap.length;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.before(heap[child + 1]!, heap[child]!)) child++;
      if (!this.before(heap[child]!, entry)) break;
      heap[i] = heap[child]!;
      heap[i]!.pos = i;
      i = child;
    }
    heap[i] = entry;
    entry.pos = i;
  }
}
