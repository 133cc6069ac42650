/**
 * The EC2 Query endpoint: parameters in, XML out. Decodes with the model, runs the handler,
 * and renders every outcome — success or Ec2Error — as AWS would. Anything else thrown is a
 * bug, answered as InternalError (500) and logged.
 */
import type { HandlerMap, RequestContext } from '../api/handler.js';
import { Cloud, type RegionState } from '../engine/cloud.js';
import { Ec2Error, dryRunOk, isEc2Error } from '../engine/errors.js';
import { findRegion, DEFAULT_REGION } from '../engine/regions.js';
import { accountFor, type CallerScope as KeyScope } from '../protocol/credentials.js';
import { buildParamTree, Decoder } from '../protocol/decode.js';
import { Encoder, errorDocument, type ResponseBody } from '../protocol/encode.js';
import type { ServiceModel } from '../protocol/model.js';
import type { JournalEntry } from '../store/journal.js';
import { requestIds } from './request-ids.js';

/**
 * Who is calling. With signature checking on (src/server/auth.ts) `accountId` is the account the
 * credentials file gives the key; without it, a 12-digit key selects that account.
 */
export type CallerScope = KeyScope & { readonly accountId?: string };

const callerAccount = (caller: CallerScope, defaultAccountId: string) => caller.accountId ?? accountFor(caller.accessKeyId, defaultAccountId);

/** Operations that only read; they are journaled only when they happen to create a world. */
const isReadOnly = (action: string) => action.startsWith('Describe') || action.startsWith('Get') || action.startsWith('List');

export interface QueryResult {
  readonly status: number;
  /** The XML document: a string, or UTF-8 bytes when it is large. */
  readonly body: ResponseBody;
  readonly requestId: string;
  readonly action: string;
  readonly errorCode?: string;
  /** The error's message, when errorCode is set (the console shows it). */
  readonly errorMessage?: string;
  /** The unexpected error behind a 500, for the log. */
  readonly fault?: unknown;
}

/** One handled Query request, as the activity feed sees it (published only while someone listens). */
export interface ActivityEvent {
  readonly time: string;
  readonly action: string;
  readonly accessKeyId: string;
  readonly account: string;
  readonly region: string;
  readonly status: number;
  readonly errorCode?: string;
  readonly requestId: string;
  /** False for Describe/Get/List: the event may have changed state. */
  readonly readOnly: boolean;
  /** Who sent it: 'api' (HTTP clients) or 'console'. */
  readonly origin: string;
  readonly ms: number;
}

/** An extra rule every request meets before its handler (a test seam): throws an Ec2Error to refuse. */
export type ExtraRule = (action: string, params: URLSearchParams) => void;

export class QueryApi {
  private readonly decoder: Decoder;
  private readonly encoder: Encoder;

  constructor(
    private readonly model: ServiceModel,
    private readonly handlers: HandlerMap,
    private readonly getCloud: () => Cloud,
    private readonly extraRule?: ExtraRule,
  ) {
    this.decoder = new Decoder(model);
    this.encoder = new Encoder(model);
  }

  /** Activity listeners (the console's feed, while a browser watches it); with none, handling costs nothing extra. */
  readonly activity = new Set<(event: ActivityEvent) => void>();

  handle(params: URLSearchParams, caller: CallerScope, origin = 'api'): QueryResult {
    if (this.activity.size === 0) return this.answer(params, caller);
    const started = performance.now();
    const result = this.answer(params, caller);
    const cloud = this.getCloud();
    const event: ActivityEvent = {
      time: cloud.now().toISOString(),
      action: result.action,
      accessKeyId: caller.accessKeyId,
      account: callerAccount(caller, cloud.defaultAccountId),
      region: caller.region ?? DEFAULT_REGION,
      status: result.status,
      errorCode: result.errorCode,
      requestId: result.requestId,
      readOnly: isReadOnly(result.action),
      origin,
      ms: Math.round((performance.now() - started) * 100) / 100,
    };
    for (const listener of this.activity) {
      try {
        listener(event);
      } catch {
        // A listener's failure is not the caller's: the request has been answered already.
      }
    }
    return result;
  }

  private answer(params: URLSearchParams, caller: CallerScope): QueryResult {
    const requestId = requestIds.next();
    const action = params.get('Action') ?? '';
    try {
      return { status: 200, body: this.run(action, params, caller, requestId), requestId, action };
    } catch (e) {
      if (isEc2Error(e)) return { status: e.status, body: errorDocument(e.code, e.message, requestId), requestId, action, errorCode: e.code, errorMessage: e.message };
      return {
        status: 500,
        body: errorDocument('InternalError', 'An internal error has occurred', requestId),
        requestId,
        action,
        errorCode: 'InternalError',
        fault: e,
      };
    }
  }

  /** Where committed changes go (the durable journal); unset in ephemeral mode. */
  journal?: { append(entry: JournalEntry): void; whenCommitted?(done: (error?: unknown) => void): void };

  /**
   * Calls `done` once every change journaled so far is durable (at once in ephemeral mode). Every
   * answer waits for it, reads too: an answer must not show a state a crash could still lose.
   */
  whenCommitted(done: (error?: unknown) => void): void {
    if (this.journal?.whenCommitted) this.journal.whenCommitted(done);
    else done();
  }

  /**
   * Re-applies a journaled request at its recorded time and random position. A journaled
   * request succeeded once, so failing now means the journal does not fit this engine.
   */
  replay(entry: JournalEntry): void {
    const cloud = this.getCloud();
    cloud.random.seek(entry.rng);
    const params = new URLSearchParams(entry.params);
    const action = params.get('Action') ?? '';
    cloud.at(entry.at, () => this.run(action, params, { accessKeyId: entry.account, region: entry.region }, 'replay', false));
  }

  private run(action: string, params: URLSearchParams, caller: CallerScope, requestId: string, journal = true): ResponseBody {
    const cloud = this.getCloud();
    const sink = journal ? this.journal : undefined;
    // One instant and one random position per request, recorded so a replay is exact.
    const at = cloud.nowMs();
    if (!sink) return cloud.at(at, () => this.execute(action, params, caller, requestId));
    const rng = cloud.random.position();
    const worldsBefore = cloud.worldCount;
    const record = (recorded: string) =>
      sink.append({ at, rng, account: callerAccount(caller, cloud.defaultAccountId), region: caller.region ?? DEFAULT_REGION, params: recorded });
    try {
      const body = cloud.at(at, () => this.execute(action, params, caller, requestId));
      if (!isReadOnly(action) || cloud.worldCount !== worldsBefore) record(params.toString());
      return body;
    } catch (e) {
      // A refused request changes nothing, except that a first request in a region creates its world.
      if (cloud.worldCount !== worldsBefore) record('Action=DescribeAvailabilityZones&Version=2016-11-15');
      throw e;
    }
  }

  private execute(action: string, params: URLSearchParams, caller: CallerScope, requestId: string): ResponseBody {
    if (!action) throw new Ec2Error('MissingAction', 'The request must contain the parameter Action');
    const op = Object.prototype.hasOwnProperty.call(this.model.operations, action) ? this.model.operations[action] : undefined;
    if (!op) throw new Ec2Error('InvalidAction', `The action ${action} is not valid for this web service.`);
    const handler = (this.handlers as Record<string, ((ctx: RequestContext, input: unknown) => unknown) | undefined>)[action];
    if (!handler) {
      throw new Ec2Error('UnsupportedOperation', `The operation ${action} is not supported by ec2net yet.`);
    }
    const regionName = caller.region ?? DEFAULT_REGION;
    if (!findRegion(regionName)) {
      throw new Ec2Error('AuthFailure', `Credential should be scoped to a valid region, not '${regionName}'.`, 401);
    }
    const input = this.decoder.decode(op.input, buildParamTree(params));
    // DryRun only asks "would I be allowed?": answered before the handler runs, so nothing can change.
    if (input.DryRun === true) throw dryRunOk();
    const cloud = this.getCloud();
    const accountId = callerAccount(caller, cloud.defaultAccountId);
    const ctx: RequestContext = {
      cloud,
      region: this.world(cloud, accountId, regionName),
      accountId,
      accessKeyId: caller.accessKeyId,
      requestId,
      operation: action,
    };
    ctx.region.settle();
    this.extraRule?.(action, params);
    const output = handler(ctx, input);
    return this.encoder.response(action, op.output, output, requestId);
  }

  /** The last world a request acted in: most requests act where the one before did. */
  private lastWorld?: { readonly cloud: Cloud; readonly accountId: string; readonly regionName: string; readonly region: RegionState };

  /** cloud.region(accountId, regionName), without building its key when the world is the last one's (worlds are never removed). */
  private world(cloud: Cloud, accountId: string, regionName: string): RegionState {
    const last = this.lastWorld;
    if (last && last.cloud === cloud && last.accountId === accountId && last.regionName === regionName) return last.region;
    const region = cloud.region(accountId, regionName);
    this.lastWorld = { cloud, accountId, regionName, region };
    return region;
  }
}
