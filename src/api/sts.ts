/**
 * STS operations on the same endpoint as EC2: GetCallerIdentity, AssumeRole, GetSessionToken.
 * Outputs are shaped by the STS service model (spec/sts-model.json); the rules live in src/engine/sts.ts.
 */
import type { Cloud } from '../engine/cloud.js';
import { assumedRoleUser, assumeRole, getSessionToken, type Identity, type StsSession } from '../engine/sts.js';
import type { Operations } from '../protocol/generated/sts-shapes.js';

export interface StsContext {
  readonly cloud: Cloud;
  /** Who signs the request: the account's user, or the temporary credentials it uses. */
  readonly caller: Identity;
  readonly requestId: string;
}

export type StsOperation = keyof Operations;
type StsHandler<Op extends StsOperation> = (ctx: StsContext, input: Operations[Op]['input']) => Operations[Op]['output'];
export type StsHandlerMap = { [Op in StsOperation]?: StsHandler<Op> };

/** STS operations that change nothing (journaled only if they are not). */
export const STS_READ_ONLY = new Set<string>(['GetCallerIdentity', 'GetAccessKeyInfo', 'DecodeAuthorizationMessage']);

const credentials = (s: StsSession) => ({
  AccessKeyId: s.accessKeyId,
  SecretAccessKey: s.secretAccessKey,
  SessionToken: s.sessionToken,
  Expiration: new Date(s.expiresAt),
});

export const stsHandlers: StsHandlerMap = {
  GetCallerIdentity: (ctx) => ({ UserId: ctx.caller.userId, Account: ctx.caller.accountId, Arn: ctx.caller.arn }),

  AssumeRole: (ctx, input) => {
    const session = assumeRole(ctx.cloud, ctx.caller, { roleArn: input.RoleArn, sessionName: input.RoleSessionName, durationSeconds: input.DurationSeconds });
    return { Credentials: credentials(session), AssumedRoleUser: assumedRoleUser(session), SourceIdentity: input.SourceIdentity };
  },

  GetSessionToken: (ctx, input) => ({ Credentials: credentials(getSessionToken(ctx.cloud, ctx.caller, input.DurationSeconds, input.SerialNumber)) }),
};
