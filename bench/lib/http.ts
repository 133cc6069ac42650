/**
 * The load generator: EC2 Query requests (form-encoded POST) over a pool of `concurrency` keep-alive
 * connections (undici's low-level `dispatch`), one request in flight per connection, a latency
 * sample per request. One-off calls (set-up, readiness probes) use node:http on a fresh connection.
 *
 * Why undici and not node:http's client for the load: on a 2-CPU machine the generator shares the
 * CPUs with the server under test, so its own cost per request caps what can be measured. Against
 * a bare node:http server answering 1.5 KB, node:http's client spent 67–74 µs of CPU per request,
 * undici's `dispatch` 32–44 µs.
 */
import http from 'node:http';
import { Pool, type Dispatcher } from 'undici';

export const AUTHORIZATION = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0';

export interface Response {
  readonly status: number;
  readonly body: string;
}

/** Where the load goes: a pool of keep-alive connections to one server. */
export interface Target {
  readonly host: string;
  readonly port: number;
  readonly pool: Pool;
  /** Closes the pool's connections. */
  close(): Promise<void>;
}

export function target(port: number, concurrency: number, host = '127.0.0.1'): Target {
  const pool = new Pool(`http://${host}:${port}`, { connections: concurrency, pipelining: 1 });
  return { host, port, pool, close: () => pool.destroy() };
}

/** One HTTP exchange; rejects on network errors and after `timeoutMs` without an answer. */
export function request(
  t: Pick<Target, 'host' | 'port'> & { agent?: http.Agent | false },
  method: string,
  path: string,
  body: string | undefined,
  timeoutMs: number,
  headers: Record<string, string | number> = {},
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const h: Record<string, string | number> = { ...headers };
    if (body !== undefined) h['content-length'] = Buffer.byteLength(body);
    const req = http.request({ host: t.host, port: t.port, agent: t.agent ?? false, method, path, headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer to ${method} ${path} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

const QUERY_HEADERS = {
  'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
  authorization: AUTHORIZATION,
  'x-amz-date': '20250101T000000Z',
};

const headersFor = (region: string | undefined) =>
  region === undefined ? QUERY_HEADERS : { ...QUERY_HEADERS, authorization: AUTHORIZATION.replace('us-east-1', region) };

/** POSTs one EC2 Query body to `/`, signed (in form only) for us-east-1 unless `region` says otherwise. */
export function query(t: Pick<Target, 'host' | 'port'> & { agent?: http.Agent | false }, body: string, timeoutMs = 30_000, region?: string): Promise<Response> {
  return request(t, 'POST', '/', body, timeoutMs, headersFor(region));
}

/** One EC2 Query exchange on the pool, through undici's handler interface (no stream objects). */
function dispatchQuery(pool: Pool, body: string, headers: Record<string, string>, timeoutMs: number): Promise<Response> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let status = 0;
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: () => {},
      onResponseError: (_, err) => reject(err),
      onResponseStart: (_, code) => {
        status = code;
      },
      onResponseData: (_, chunk) => {
        chunks.push(chunk);
      },
      onResponseEnd: () => resolve({ status, body: (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8') }),
    };
    pool.dispatch({ path: '/', method: 'POST', headers, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs }, handler);
  });
}

export interface LoadOptions {
  readonly count: number;
  readonly concurrency: number;
  /** The form body of request i (0-based within this run, offset by `first`). */
  readonly body: (i: number) => string;
  readonly first?: number;
  /** A 200 answer must contain this text to count as a success. */
  readonly expect?: string;
  readonly requestTimeoutMs?: number;
  /** No new request starts after this long; the run reports what completed. */
  readonly deadlineMs?: number;
  /** The region in the credential scope (default us-east-1): another region is another, separate world. */
  readonly region?: string;
  /** Called with every successful answer (request index including `first`, body): collects created ids. */
  readonly onSuccess?: (i: number, body: string) => void;
}

/** One measured run, before summarising. */
export interface LoadRun {
  readonly completed: number;
  readonly errors: number;
  readonly firstError?: string;
  readonly seconds: number;
  /** Per-request latency in ms, in completion order. */
  readonly latencies: Float64Array;
  readonly timedOut: boolean;
  /** The first successful response body (used to give the ceiling server a body of the same size). */
  readonly sample?: string;
}

export interface LoadResult {
  readonly completed: number;
  readonly errors: number;
  readonly firstError?: string;
  readonly seconds: number;
  /** Successful requests per second. */
  readonly opsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly timedOut: boolean;
  /** Server CPU time (user + system) per request, in microseconds, where measurable. */
  readonly cpuUsPerRequest?: number;
  readonly sample?: string;
}

/** Runs `count` requests with `concurrency` in flight and measures throughput and latency. */
export async function runLoad(t: Target, o: LoadOptions): Promise<LoadRun> {
  const first = o.first ?? 0;
  const latencies = new Float64Array(o.count);
  let next = 0;
  let done = 0;
  let errors = 0;
  let firstError: string | undefined;
  let sample: string | undefined;
  let timedOut = false;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round((o.deadlineMs ?? 120_000) * 1e6));
  const headers = headersFor(o.region);
  const worker = async () => {
    while (next < o.count) {
      if (process.hrtime.bigint() > deadline) {
        timedOut = true;
        return;
      }
      const i = next++;
      const body = o.body(first + i);
      const t0 = process.hrtime.bigint();
      try {
        const res = await dispatchQuery(t.pool, body, headers, o.requestTimeoutMs ?? 30_000);
        latencies[done++] = Number(process.hrtime.bigint() - t0) / 1e6;
        if (res.status !== 200 || (o.expect !== undefined && !res.body.includes(o.expect))) {
          errors++;
          firstError ??= `HTTP ${res.status}: ${res.body.slice(0, 300)}`;
        } else {
          sample ??= res.body;
          o.onSuccess?.(first + i, res.body);
        }
      } catch (e) {
        latencies[done++] = Number(process.hrtime.bigint() - t0) / 1e6;
        errors++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, o.count) }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    completed: done,
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
    seconds,
    latencies: latencies.subarray(0, done),
    timedOut,
    ...(sample !== undefined ? { sample } : {}),
  };
}

/** Pools several runs of one server: throughput over their summed time, percentiles over all requests. */
export function summarize(runs: readonly LoadRun[], cpuSeconds?: number): LoadResult {
  const completed = runs.reduce((n, r) => n + r.completed, 0);
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  const all = new Float64Array(completed);
  let at = 0;
  for (const r of runs) {
    all.set(r.latencies, at);
    at += r.latencies.length;
  }
  all.sort();
  const firstError = runs.find((r) => r.firstError !== undefined)?.firstError;
  const errors = runs.reduce((n, r) => n + r.errors, 0);
  const sample = runs.find((r) => r.sample !== undefined)?.sample;
  return {
    completed,
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
    seconds,
    opsPerSec: (completed - errors) / seconds,
    p50Ms: percentile(all, 0.5),
    p99Ms: percentile(all, 0.99),
    timedOut: runs.some((r) => r.timedOut),
    ...(cpuSeconds !== undefined && completed > 0 ? { cpuUsPerRequest: (cpuSeconds / completed) * 1e6 } : {}),
    ...(sample !== undefined ? { sample } : {}),
  };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1]!;
}

/** Builds an EC2 Query form body. */
export function form(action: string, params: Record<string, string | number> = {}): string {
  const p = new URLSearchParams({ Action: action, Version: '2016-11-15' });
  for (const [k, v] of Object.entries(params)) p.append(k, String(v));
  return p.toString();
}

/** The text of the first `<tag>…</tag>` in an XML answer. */
export function xmlField(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return m?.[1];
}
