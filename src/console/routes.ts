/**
 * The web console's routes under /console/: the pre-built page, JSON read views, the live
 * activity stream (server-sent events), and one action endpoint.
 *
 * Actions are not a second implementation: each one is an EC2 Query request (Action plus wire
 * parameters) handed to the same QueryApi.handle that serves SDKs, so every rule, error and the
 * durable journal apply, and it shows in the activity feed like any other call.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { addressView } from '../api/addresses.js';
import { instanceView } from '../api/instances.js';
import { networkInterfaceView } from '../api/network-interfaces.js';
import { routeTableView } from '../api/route-tables.js';
import type { Cloud, RegionState } from '../engine/cloud.js';
import { DEFAULT_REGION } from '../engine/regions.js';
import type { QueryApi } from '../server/query-api.js';
import { ActivityHub } from './activity.js';
import { StaticFiles } from './static.js';
import { findWorld, topologyView, worldsView } from './topology.js';
import type { ActionRequest, ActionResponse, DataplaneResponse, InterfaceCounters } from './types.js';

const API_VERSION = '2016-11-15';
const MAX_ACTION_BYTES = 64 * 1024;
const REPLAY_ON_CONNECT = 200;

/** What the console can do by hand; each is sent as that EC2 action. */
export const CONSOLE_ACTIONS = new Set([
  'AttachNetworkInterface',
  'DetachNetworkInterface',
  'AssignPrivateIpAddresses',
  'UnassignPrivateIpAddresses',
  'AssociateAddress',
  'DisassociateAddress',
  'StartInstances',
  'StopInstances',
  'TerminateInstances',
  'ModifyNetworkInterfaceAttribute',
  'ReplaceRoute',
]);

export interface ConsoleDeps {
  readonly api: QueryApi;
  readonly getCloud: () => Cloud;
  /** Where the built front end lives (default dist/console). */
  readonly staticDir?: string;
  /**
   * Set when signature checking is on: the console then only reads. Its actions carry no
   * signature, so they would let anyone who reaches the port act in any account.
   */
  readonly readOnlyReason?: string;
  /** The Linux data plane, when on (--dataplane netns): its per-interface counters. */
  readonly dataplane?: { counters(): Promise<InterfaceCounters[]> };
}

export class ConsoleRoutes {
  readonly hub: ActivityHub;
  private readonly files: StaticFiles;

  constructor(private readonly deps: ConsoleDeps) {
    this.hub = new ActivityHub(deps.api.activity, deps.getCloud);
    this.files = new StaticFiles(deps.staticDir);
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    if (path === '/console') {
      res.writeHead(302, { location: `/console/${url.search}` });
      return void res.end();
    }
    if (!path.startsWith('/console/api/')) {
      req.resume();
      return this.files.serve(req, res, path.slice('/console/'.length));
    }
    const route = `${req.method} ${path.slice('/console/api'.length)}`;
    if (route === 'POST /action') return this.action(req, res);
    req.resume();
    const q = url.searchParams;
    const cloud = this.deps.getCloud();
    switch (route) {
      case 'GET /worlds':
        return json(res, 200, { ...worldsView(cloud, DEFAULT_REGION), readOnly: this.deps.readOnlyReason });
      case 'GET /topology': {
        const world = this.world(cloud, q, res);
        return world && json(res, 200, topologyView(world, q.get('vpc') ?? undefined));
      }
      case 'GET /detail': {
        const world = this.world(cloud, q, res);
        return world && this.detail(world, q.get('kind') ?? '', q.get('id') ?? '', res);
      }
      case 'GET /dataplane':
        // Whether the data plane is on, and per interface its link state and packet counters (read on request).
        return json(
          res,
          200,
          (this.deps.dataplane ? { on: true, interfaces: await this.deps.dataplane.counters() } : { on: false, interfaces: [] }) satisfies DataplaneResponse,
        );
      case 'GET /activity':
        return json(res, 200, { entries: this.hub.recent() });
      case 'GET /events': {
        const last = Number(req.headers['last-event-id'] ?? NaN);
        this.hub.subscribe(res);
        // What happened before: one event, so the page takes it in at once (and refreshes nothing for it).
        const backlog = this.hub
          .recent()
          .filter((e) => (Number.isFinite(last) ? e.seq > last : true))
          .slice(-REPLAY_ON_CONNECT);
        if (backlog.length) res.write(`id: ${backlog[backlog.length - 1]!.seq}\nevent: backlog\ndata: ${JSON.stringify(backlog)}\n\n`);
        return;
      }
      default:
        return json(res, 404, { error: `no console route ${route}` });
    }
  }

  close(): void {
    this.hub.close();
  }

  private world(cloud: Cloud, q: URLSearchParams, res: ServerResponse): RegionState | undefined {
    const account = q.get('account') ?? cloud.defaultAccountId;
    const region = q.get('region') ?? DEFAULT_REGION;
    const world = findWorld(cloud, account, region);
    if (!world) json(res, 404, { error: `No world for account ${account} in ${region} yet: it is created by the first request there.` });
    return world;
  }

  private detail(world: RegionState, kind: string, id: string, res: ServerResponse): void {
    world.settle();
    switch (kind) {
      case 'interface': {
        const eni = world.networkInterfaces.get(id);
        return eni ? json(res, 200, networkInterfaceView(world, eni)) : json(res, 404, { error: `No network interface ${id}.` });
      }
      case 'instance': {
        const instance = world.instances.get(id);
        return instance ? json(res, 200, instanceView(world, instance)) : json(res, 404, { error: `No instance ${id}.` });
      }
      case 'address': {
        const eip = world.elasticIps.get(id);
        return eip ? json(res, 200, addressView(world, eip)) : json(res, 404, { error: `No Elastic IP ${id}.` });
      }
      case 'route-table': {
        const table = world.routeTables.get(id);
        return table ? json(res, 200, routeTableView(world, table)) : json(res, 404, { error: `No route table ${id}.` });
      }
      default:
        return json(res, 400, { error: `kind must be interface, instance, address or route-table, not '${kind}'` });
    }
  }

  private async action(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.deps.readOnlyReason) {
      req.resume();
      return json(res, 403, { error: this.deps.readOnlyReason });
    }
    // JSON only: a cross-site form cannot send it without a preflight this server never grants.
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      req.resume();
      return json(res, 415, { error: 'send the action as application/json' });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_ACTION_BYTES) return json(res, 413, { error: `actions are limited to ${MAX_ACTION_BYTES} bytes` });
      chunks.push(chunk);
    }
    let body: ActionRequest;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ActionRequest;
    } catch {
      return json(res, 400, { error: 'the body is not JSON' });
    }
    const problem = checkAction(body);
    if (problem) return json(res, 400, { error: problem });
    const params = new URLSearchParams({ Action: body.action, Version: API_VERSION });
    for (const [k, v] of Object.entries(body.params ?? {})) params.append(k, v);
    const result = this.deps.api.handle(params, { accessKeyId: body.account, region: body.region }, 'console');
    const answer: ActionResponse = {
      ok: result.status === 200,
      status: result.status,
      action: result.action,
      requestId: result.requestId,
      errorCode: result.errorCode,
      message: result.errorMessage,
    };
    return json(res, 200, answer);
  }
}

function checkAction(body: ActionRequest): string | undefined {
  if (typeof body !== 'object' || body === null) return 'the body must be an object';
  if (typeof body.account !== 'string' || !/^[0-9]{12}$/.test(body.account)) return 'account must be a 12-digit account id';
  if (typeof body.region !== 'string' || body.region === '') return 'region is required';
  if (typeof body.action !== 'string' || !CONSOLE_ACTIONS.has(body.action)) return `the console does not send ${String(body.action)}`;
  if (body.params !== undefined && (typeof body.params !== 'object' || body.params === null)) return 'params must be an object';
  for (const [k, v] of Object.entries(body.params ?? {})) {
    if (typeof v !== 'string') return `parameter ${k} must be a string`;
    if (k === 'Action' || k === 'Version') return `parameter ${k} is set by the console`;
  }
  return undefined;
}

function json(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}
