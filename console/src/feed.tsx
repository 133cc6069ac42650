/** The live activity feed: every Query request the server handled, newest first, with filters. */
import { useMemo, useState } from 'preact/hooks';
import type { ActivityEntry } from '../../src/console/types';
import type { World } from './api';

const SHOWN = 300;

export function ActivityFeed({ entries, world, connected }: { entries: readonly ActivityEntry[]; world: World; connected: boolean }) {
  const [text, setText] = useState('');
  const [errorsOnly, setErrorsOnly] = useState(false);
  const [hideReads, setHideReads] = useState(false);
  const [thisWorld, setThisWorld] = useState(false);
  const [origin, setOrigin] = useState('');
  const shown = useMemo(() => {
    const needle = text.trim().toLowerCase();
    const out: ActivityEntry[] = [];
    for (let i = entries.length - 1; i >= 0 && out.length < SHOWN; i--) {
      const e = entries[i]!;
      if (errorsOnly && e.status === 200) continue;
      if (hideReads && e.readOnly) continue;
      if (thisWorld && (e.account !== world.account || e.region !== world.region)) continue;
      if (origin && e.origin !== origin) continue;
      if (needle && !`${e.action} ${e.accessKeyId} ${e.errorCode ?? ''} ${e.account} ${e.region}`.toLowerCase().includes(needle)) continue;
      out.push(e);
    }
    return out;
  }, [entries, text, errorsOnly, hideReads, thisWorld, origin, world.account, world.region]);
  return (
    <section class="feed" data-testid="activity-feed">
      <div class="feed-bar">
        <strong>Activity</strong>
        <span class={`live ${connected ? 'on' : 'off'}`} data-testid="live" title={connected ? 'Live: updates arrive as they happen' : 'Reconnecting…'}>
          {connected ? '● live' : '○ offline'}
        </span>
        <input
          type="search"
          placeholder="filter: action, key, error code…"
          value={text}
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
          data-testid="feed-filter"
        />
        <label>
          <input type="checkbox" checked={errorsOnly} onChange={(e) => setErrorsOnly((e.target as HTMLInputElement).checked)} data-testid="feed-errors" />{' '}
          errors only
        </label>
        <label>
          <input type="checkbox" checked={hideReads} onChange={(e) => setHideReads((e.target as HTMLInputElement).checked)} /> hide reads
        </label>
        <label>
          <input type="checkbox" checked={thisWorld} onChange={(e) => setThisWorld((e.target as HTMLInputElement).checked)} /> this account &amp; region
        </label>
        <select value={origin} onChange={(e) => setOrigin((e.target as HTMLSelectElement).value)}>
          <option value="">all callers</option>
          <option value="api">API clients</option>
          <option value="console">this console</option>
        </select>
        <span class="muted">
          {shown.length} of {entries.length}
        </span>
      </div>
      <div class="feed-scroll">
        <table>
          <thead>
            <tr>
              <th>Time</th>
              <th>Action</th>
              <th>Access key</th>
              <th>Account · region</th>
              <th>Result</th>
              <th class="num">ms</th>
            </tr>
          </thead>
          <tbody>
            {entries.length === 0 && (
              <tr>
                <td colSpan={6} class="muted">
                  Calls appear here as they happen (the server records them while a console is open).
                </td>
              </tr>
            )}
            {shown.map((e) => (
              <tr key={e.seq} class={e.status === 200 ? '' : 'err'} data-action={e.action} data-status={e.status} data-code={e.errorCode ?? ''}>
                <td class="mono">{e.time.slice(11, 23)}</td>
                <td>
                  {e.action || <span class="muted">(none)</span>}
                  {e.origin === 'console' && <span class="chip">console</span>}
                </td>
                <td class="mono">{e.accessKeyId}</td>
                <td class="mono muted">
                  {e.account} · {e.region}
                </td>
                <td>{e.status === 200 ? 'OK' : <span class="code">{e.errorCode ?? e.status}</span>}</td>
                <td class="num mono">{e.ms.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
