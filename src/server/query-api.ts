/**
 * The EC2 Query endpoint: parameters in, XML out. Decodes with the model, runs the handler,
 * and renders every outcome — success or Ec2Error — as AWS would. Anything else thrown is a
 * bug, answered as InternalError (500) and logged.
 */
import { randomUUID } from 'node:crypto';
import type { HandlerMap, RequestContext } from '../api/handler.js';
import { Cloud } from '../engine/cloud.js';
import { Ec2Error, dryRunOk, isEc2Error } from '../engine/errors.js';
import { findRegion, DEFAULT_REGION } from '../engine/regions.js';
import { accountFor, type CallerScope } from '../protocol/credentials.js';
import { buildParamTree, Decoder } from '../protocol/decode.js';
import { Encoder, errorDocument } from '../protocol/encode.js';
import type { ServiceModel } from '../protocol/model.js';

export interface QueryResult {
  readonly status: number;
  readonly body: string;
  readonly requestId: string;
  readonly action: string;
  readonly errorCode?: string;
  /** The unexpected error behind a 500, for the log. */
  readonly fault?: unknown;
}

export class QueryApi {
  private readonly decoder: Decoder;
  private readonly encoder: Encoder;

  constructor(
    private readonly model: ServiceModel,
    private readonly handlers: HandlerMap,
    private readonly getCloud: () => Cloud,
  ) {
    this.decoder = new Decoder(model);
    this.encoder = new Encoder(model);
  }

  handle(params: URLSearchParams, caller: CallerScope): QueryResult {
    const requestId = randomUUID();
    const action = params.get('Action') ?? '';
    try {
      return { status: 200, body: this.run(action, params, caller, requestId), requestId, action };
    } catch (e) {
      if (isEc2Error(e)) return { status: e.status, body: errorDocument(e.code, e.message, requestId), requestId, action, errorCode: e.code };
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

  private run(action: string, params: URLSearchParams, caller: CallerScope, requestId: string): string {
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
    const accountId = accountFor(caller.accessKeyId, cloud.defaultAccountId);
    const ctx: RequestContext = {
      cloud,
      region: cloud.region(accountId, regionName),
      accountId,
      accessKeyId: caller.accessKeyId,
      requestId,
      operation: action,
    };
    ctx.region.settle();
    const output = handler(ctx, input);
    return this.encoder.response(action, op.output, output, requestId);
  }
}
