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
import { Encoder, errorDocument, queryErrorDocument, type ResponseBody } from '../protocol/encode.js';
import { loadStsModel, type ServiceModel } from '../protocol/model.js';
import { checkConstraints } from '../protocol/constraints.js';
import { STS_READ_ONLY, stsHandlers, type StsContext, type StsHandlerMap } from '../api/sts.js';
import { identityOf, sessionAccount } from '../engine/sts.js';
import type { JournalEntry } from '../store/journal.js';
import { ALWAYS_PRESENT } from '../api/always-present.js';
import { requestIds } from './request-ids.js';
import { IAM_NAMESPACE, serviceOf, STS_VERSION, type ServiceName } from './services.js';

/**
 * Who is calling. With signature checking on (src/server/auth.ts) `accountId` is the account the
 * credentials file gives the key; without it, a 12-digit key selects that account.
 */
export type CallerScope = KeyScope & { readonly accountId?: string };

/** The caller's account: the verified one, else that of temporary credentials issued here, else by the key's form. */
const callerAccount = (caller: CallerScope, cloud: Cloud) =>
  caller.accountId ??
  (cloud.stsSessions.size > 0 ? sessionAccount(cloud, caller.accessKeyId) : undefined) ??
  accountFor(caller.accessKeyId, cloud.defaultAccountId);

/** Operations that only read; they are journaled only when they happen to create a world. */
const isEc2ReadOnly = (action: string) => action.startsWith('Describe') || action.startsWith('Get') || action.startsWith('List');
const isReadOnly = (service: ServiceName, action: string) => (service === 'sts' ? STS_READ_ONLY.has(action) : service === 'iam' || isEc2ReadOnly(action));

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
  /** STS on the same endpoint (src/server/services.ts says which requests are its). */
  private readonly sts: { readonly model: ServiceModel; readonly decoder: Decoder; readonly encoder: Encoder };

  constructor(
    private readonly model: ServiceModel,
    private readonly handlers: HandlerMap,
    private readonly getCloud: () => Cloud,
    private readonly stsOperations: StsHandlerMap = stsHandlers,
    private readonly extraRule?: ExtraRule,
  ) {
    this.decoder = new Decoder(model);
    this.encoder = new Encoder(model, ALWAYS_PRESENT);
    const stsModel = loadStsModel();
    this.sts = { model: stsModel, decoder: new Decoder(stsModel), encoder: new Encoder(stsModel) };
  }

  /** An error answer in the document of the service the request is for. */
  errorDocument(service: ServiceName, code: string, message: string, requestId: string, status: number): string {
    if (service === 'sts') return queryErrorDocument(this.sts.model.metadata.xmlNamespace, code, message, requestId, status);
    if (service === 'iam') return queryErrorDocument(IAM_NAMESPACE, code, message, requestId, status);
    return errorDocument(code, message, requestId);
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
      account: callerAccount(caller, cloud),
      region: caller.region ?? DEFAULT_REGION,
      status: result.status,
      errorCode: result.errorCode,
      requestId: result.requestId,
      readOnly: isReadOnly(serviceOf(caller.service, params), result.action),
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
    const service = serviceOf(caller.service, params);
    try {
      return { status: 200, body: this.run(action, params, caller, requestId, true, service), requestId, action };
    } catch (e) {
      if (isEc2Error(e))
        return {
          status: e.status,
          body: this.errorDocument(service, e.code, e.message, requestId, e.status),
          requestId,
          action,
          errorCode: e.code,
          errorMessage: e.message,
        };
      return {
        status: 500,
        body: this.errorDocument(service, 'InternalError', 'An internal error has occurred', requestId, 500),
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
    cloud.at(entry.at, () => this.run(action, params, { accessKeyId: entry.account, region: entry.region }, 'replay', false, serviceOf(undefined, params)));
  }

  /** Told after every request that may have changed state (the data plane follows it); never during a replay. */
  onChange?: () => void;

  private run(action: string, params: URLSearchParams, caller: CallerScope, requestId: string, journal: boolean, service: ServiceName): ResponseBody {
    try {
      return this.runOnce(action, params, caller, requestId, journal, service);
    } finally {
      if (this.onChange && requestId !== 'replay' && !isReadOnly(service, action)) this.onChange();
    }
  }

  private runOnce(action: string, params: URLSearchParams, caller: CallerScope, requestId: string, journal: boolean, service: ServiceName): ResponseBody {
    const cloud = this.getCloud();
    const sink = journal ? this.journal : undefined;
    // One instant and one random position per request, recorded so a replay is exact.
    const at = cloud.nowMs();
    const execute = () => (service === 'ec2' ? this.execute(action, params, caller, requestId) : this.executeOther(service, action, params, caller, requestId));
    if (!sink) return cloud.at(at, execute);
    const rng = cloud.random.position();
    const worldsBefore = cloud.worldCount;
    const record = (recorded: string) =>
      sink.append({ at, rng, account: callerAccount(caller, cloud), region: caller.region ?? DEFAULT_REGION, params: recorded });
    try {
      const body = cloud.at(at, execute);
      if (!isReadOnly(service, action) || cloud.worldCount !== worldsBefore) record(service === 'sts' ? stsRecord(params) : params.toString());
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
    const accountId = callerAccount(caller, cloud);
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

  /** A request for STS (or IAM, of which nothing is implemented). */
  private executeOther(service: ServiceName, action: string, params: URLSearchParams, caller: CallerScope, requestId: string): ResponseBody {
    if (service === 'iam') {
      // ec2net emulates EC2 and STS; IAM requests arrive when a tool sends everything to one endpoint.
      throw new Ec2Error('UnsupportedOperation', `The IAM operation ${action || '(no Action)'} is not supported by ec2net, which emulates EC2 and STS only.`);
    }
    const { model, decoder, encoder } = this.sts;
    if (!action) throw new Ec2Error('MissingAction', 'Missing Action');
    const op = Object.prototype.hasOwnProperty.call(model.operations, action) ? model.operations[action] : undefined;
    // STS's answer to an action it does not have (botocore's InvalidAction for the query services).
    if (!op) throw new Ec2Error('InvalidAction', `Could not find operation ${action} for version ${params.get('Version') ?? STS_VERSION}`);
    const handler = (this.stsOperations as Record<string, ((ctx: StsContext, input: unknown) => unknown) | undefined>)[action];
    if (!handler) throw new Ec2Error('UnsupportedOperation', `The operation ${action} is not supported by ec2net yet.`);
    let input: Record<string, unknown>;
    try {
      input = decoder.decode(op.input, buildParamTree(params));
    } catch (e) {
      // A value of the wrong type: STS words every malformed parameter as a ValidationError.
      if (isEc2Error(e) && e.code === 'InvalidParameterValue') throw new Ec2Error('ValidationError', e.message);
      throw e;
    }
    checkConstraints(model, op.input, input);
    const cloud = this.getCloud();
    const output = handler({ cloud, caller: identityOf(cloud, caller.accessKeyId, callerAccount(caller, cloud)), requestId }, input);
    return encoder.response(action, op.output, output, requestId);
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

/** An STS request as journaled: its Version always there, since replays route by it (src/server/services.ts). */
function stsRecord(params: URLSearchParams): string {
  if (params.get('Version') === STS_VERSION) return params.toString();
  const copy = new URLSearchParams(params);
  copy.set('Version', STS_VERSION);
  return copy.toString();
}
