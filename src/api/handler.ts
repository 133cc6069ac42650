/**
 * What an operation handler is: a function from the decoded, model-shaped input to a
 * model-shaped output, given the caller's world. Handlers are grouped by resource family.
 */
import type { Cloud, RegionState } from '../engine/cloud.js';
import type { Operations } from '../protocol/generated/shapes.js';

export interface RequestContext {
  readonly cloud: Cloud;
  /** The caller's account × region world. */
  readonly region: RegionState;
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly requestId: string;
  readonly operation: string;
}

export type OperationName = keyof Operations;
export type Input<Op extends OperationName> = Operations[Op]['input'];
export type Output<Op extends OperationName> = Operations[Op]['output'];
export type Handler<Op extends OperationName> = (ctx: RequestContext, input: Input<Op>) => Output<Op>;
export type HandlerMap = { [Op in OperationName]?: Handler<Op> };

/** Identity helper that type-checks each handler against its operation's model shapes. */
export const handlers = (map: HandlerMap): HandlerMap => map;
