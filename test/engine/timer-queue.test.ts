/** The pending-timer heap behind RegionState.settle: time order, ties in scheduling order, removal by resource. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimerQueue } from '../../src/engine/timer-queue.js';
import type { Timer } from '../../src/engine/timers.js';

const drain = (q: TimerQueue, now = Infinity): Timer[] => {
  const out: Timer[] = [];
  for (let t = q.popDue(now); t; t = q.popDue(now)) out.push(t);
  return out;
};

describe('timer queue', () => {
  it('pops due timers earliest first and leaves the later ones', () => {
    const q = new TimerQueue();
    for (const at of [50, 10, 40, 20, 30]) q.push({ at, kind: 'k', id: `r${at}` });
    assert.deepEqual(
      drain(q, 30).map((t) => t.at),
      [10, 20, 30],
    );
    assert.equal(q.size, 2);
    assert.equal(q.popDue(39), undefined);
    assert.deepEqual(
      drain(q).map((t) => t.at),
      [40, 50],
    );
    assert.equal(q.popDue(Infinity), undefined);
  });

  it('fires timers due at the same instant in the order they were scheduled', () => {
    const q = new TimerQueue();
    const ids = Array.from({ length: 40 }, (_, i) => `r${i}`);
    // Interleave two instants so ties are spread all over the heap.
    ids.forEach((id, i) => q.push({ at: i % 2 === 0 ? 100 : 200, kind: 'k', id }));
    assert.deepEqual(
      drain(q).map((t) => t.id),
      [...ids.filter((_, i) => i % 2 === 0), ...ids.filter((_, i) => i % 2 === 1)],
    );
  });

  it('removes every timer of a resource, or only those of one kind', () => {
    const q = new TimerQueue();
    q.push({ at: 5, kind: 'stop', id: 'i-1' });
    q.push({ at: 1, kind: 'start', id: 'i-2' });
    q.push({ at: 3, kind: 'expire', id: 'i-1' });
    q.push({ at: 2, kind: 'attach', id: 'i-1' });
    q.remove('i-1', 'expire');
    assert.deepEqual(
      q.list().map((t) => `${t.id}/${t.kind}`),
      ['i-1/stop', 'i-2/start', 'i-1/attach'],
    );
    q.remove('i-1');
    q.remove('nothing');
    assert.deepEqual(
      drain(q).map((t) => `${t.id}/${t.kind}`),
      ['i-2/start'],
    );
    // A resource's index forgets popped timers: removing it later touches nothing else.
    q.push({ at: 9, kind: 'k', id: 'i-2' });
    q.remove('i-2');
    assert.equal(q.size, 0);
  });

  it('lists pending timers in scheduling order', () => {
    const q = new TimerQueue();
    for (const at of [30, 10, 20]) q.push({ at, kind: 'k', id: `r${at}` });
    assert.deepEqual(
      q.list().map((t) => t.at),
      [30, 10, 20],
    );
  });

  it('matches a sorted list under random pushes, pops and removals', () => {
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const q = new TimerQueue();
    let model: { timer: Timer; seq: number }[] = [];
    let seq = 0;
    for (let step = 0; step < 5000; step++) {
      const op = rand(10);
      if (op < 5) {
        const timer = { at: rand(50), kind: `k${rand(3)}`, id: `r${rand(30)}` };
        q.push(timer);
        model.push({ timer, seq: seq++ });
      } else if (op < 8) {
        const now = rand(60);
        const due = model.filter((e) => e.timer.at <= now).sort((a, b) => a.timer.at - b.timer.at || a.seq - b.seq)[0];
        assert.equal(q.popDue(now), due?.timer);
        if (due) model = model.filter((e) => e !== due);
      } else {
        const id = `r${rand(30)}`;
        const kind = rand(2) === 0 ? undefined : `k${rand(3)}`;
        q.remove(id, kind);
        model = model.filter((e) => !(e.timer.id === id && (kind === undefined || e.timer.kind === kind)));
      }
      assert.equal(q.size, model.length);
    }
    assert.deepEqual(
      q.list(),
      model.map((e) => e.timer),
    );
  });
});
