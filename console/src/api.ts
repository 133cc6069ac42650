/** The console's calls to its server: JSON reads, one action endpoint, and the live event stream. */
import type { ActionResponse, ActivityEntry, DataplaneResponse, TopologyResponse, WorldsResponse } from '../../src/console/types';

const BASE = '/console/api';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string, params: Record<string, string | undefined> = {}): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const res = await fetch(`${BASE}${path}${q.size ? `?${q}` : ''}`, { headers: { accept: 'application/json' } });
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new HttpError(res.status, body.error ?? `${res.status} ${res.statusText}`);
  return body;
}

export interface World {
  readonly account: string;
  readonly region: string;
}

export const getWorlds = () => getJson<WorldsResponse>('/worlds');

/** Whether the Linux data plane is on, and each interface's link state and counters. */
export const getDataplane = () => getJson<DataplaneResponse>('/dataplane');

export const getTopology = (w: World, vpc?: string) => getJson<TopologyResponse>('/topology', { ...w, vpc });

export type DetailKind = 'interface' | 'instance' | 'address' | 'route-table';

/** The API's own view of one resource (DescribeNetworkInterfaces / DescribeInstances / DescribeAddresses / DescribeRouteTables shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's JSON of one resource, read field by field for display
export const getDetail = (w: World, kind: DetailKind, id: string) => getJson<Record<string, any>>('/detail', { ...w, kind, id });

/** Sends one EC2 action through the server's Query API (same rules, errors and journal as any SDK call). */
export async function act(w: World, action: string, params: Record<string, string>): Promise<ActionResponse> {
  const res = await fetch(`${BASE}/action`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ account: w.account, region: w.region, action, params }),
  });
  const body = (await res.json().catch(() => ({}))) as ActionResponse & { error?: string };
  if (!res.ok) throw new HttpError(res.status, body.error ?? `${res.status} ${res.statusText}`);
  return body;
}

/** Subscribes to the live stream; returns the unsubscribe function. */
export function subscribe(handlers: {
  /** Live events, delivered in batches (a burst of calls re-renders once). */
  onActivity: (batch: ActivityEntry[]) => void;
  /** The recent past, sent once on connecting. */
  onBacklog: (entries: ActivityEntry[]) => void;
  onReset: () => void;
  onStatus: (connected: boolean) => void;
}): () => void {
  const source = new EventSource(`${BASE}/events`);
  source.addEventListener('open', () => handlers.onStatus(true));
  source.addEventListener('error', () => handlers.onStatus(false));
  let queue: ActivityEntry[] = [];
  let frame = 0;
  const flush = () => {
    frame = 0;
    const batch = queue;
    queue = [];
    handlers.onActivity(batch);
  };
  source.addEventListener('activity', (m) => {
    queue.push(JSON.parse((m as MessageEvent<string>).data) as ActivityEntry);
    if (!frame) frame = window.setTimeout(flush, 30);
  });
  source.addEventListener('backlog', (m) => handlers.onBacklog(JSON.parse((m as MessageEvent<string>).data) as ActivityEntry[]));
  source.addEventListener('reset', () => handlers.onReset());
  return () => {
    source.close();
    clearTimeout(frame);
  };
}
