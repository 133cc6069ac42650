/**
 * Security Token Service: who a caller is, and the temporary credentials AssumeRole and
 * GetSessionToken hand out. No HTTP or XML here.
 *
 * Identities (AWS STS API reference, GetCallerIdentity; IAM User Guide, "IAM identifiers" and the
 * `aws:userid` column of "Policy variables"):
 * - A long-term access key is an IAM user's: ec2net models no IAM, so every long-term key of an
 *   account is the one user `ec2net` of that account — `arn:aws:iam::<acct>:user/ec2net`, UserId
 *   `AIDA…` (IAM's prefix for users). Not the root user: AWS refuses AssumeRole to the root user's
 *   keys (AssumeRole API reference: "You cannot use AWS account root user credentials to call
 *   AssumeRole"), and role-based tool configurations must work. The identity depends on the account
 *   alone, so a journaled request replays to the same answer.
 * - Assumed-role credentials are `arn:aws:sts::<acct>:assumed-role/<role-name>/<session-name>`, UserId
 *   `AROA…:<session-name>` (the role's unique id, then the session name).
 * - GetSessionToken credentials act as the user that asked for them (same Arn and UserId).
 *
 * Temporary credentials are plain records on the Cloud (by access key id), so they survive a restart
 * (the journal replays the requests that made them) and show in the state export.
 */
import { createHash } from 'node:crypto';
import type { Cloud } from './cloud.js';
import { Ec2Error } from './errors.js';

export interface StsSession {
  /** `ASIA…`, as STS makes temporary access keys. */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** The account the credentials act in: the role's for AssumeRole, the caller's for GetSessionToken. */
  readonly accountId: string;
  /** What GetCallerIdentity answers for these credentials. */
  readonly arn: string;
  readonly userId: string;
  readonly kind: 'assumed-role' | 'session-token';
  /** Epoch milliseconds. */
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export interface Identity {
  readonly accountId: string;
  readonly arn: string;
  readonly userId: string;
  /** The temporary credentials the caller signs with, if any. */
  readonly session?: StsSession;
}

/** The one IAM user each account's long-term keys stand for. */
export const LONG_TERM_USER = 'ec2net';

/** IAM's unique-id alphabet (upper-case letters and digits 2–7, as its ids show). */
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `prefix` + `length` characters of IAM's alphabet, derived from `seed` (stable: the same role always has the same id). */
function stableId(prefix: string, seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = prefix;
  for (let i = 0; i < length; i++) out += ID_ALPHABET[digest[i]! % 32];
  return out;
}

function randomText(cloud: Cloud, alphabet: string, length: number): string {
  const bytes = cloud.random.bytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Who is calling with `accessKeyId` in `accountId`: the session's identity for temporary credentials, else the account's user. */
export function identityOf(cloud: Cloud, accessKeyId: string, accountId: string): Identity {
  const session = cloud.stsSessions.get(accessKeyId);
  if (session) return { accountId: session.accountId, arn: session.arn, userId: session.userId, session };
  return { accountId, arn: `arn:aws:iam::${accountId}:user/${LONG_TERM_USER}`, userId: accountUserId(accountId) };
}

/** The unique id (`AIDA…`) of the user an account's long-term keys stand for. */
export const accountUserId = (accountId: string) => stableId('AIDA', `user:${accountId}`, 17);

/** The account temporary credentials issued here act in, or undefined for any other key. */
export function sessionAccount(cloud: Cloud, accessKeyId: string): string | undefined {
  return cloud.stsSessions.get(accessKeyId)?.accountId;
}

const validation = (message: string) => new Ec2Error('ValidationError', message, 400);

/** An IAM role ARN: `arn:<partition>:iam::<12 digits>:role/<path/><name>`. */
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::([0-9]{12}):role\/(?:[\u0021-\u007E]*\/)?([\w+=,.@-]{1,64})$/;

/** Default and longest AssumeRole session (AssumeRole API reference, DurationSeconds). */
export const ASSUME_ROLE_DEFAULT_SECONDS = 3600;
/** Role chaining caps a session at one hour (IAM User Guide, "Role chaining"; AssumeRole API reference). */
export const ROLE_CHAINING_MAX_SECONDS = 3600;
/** GetSessionToken's default (GetSessionToken API reference, DurationSeconds). */
export const SESSION_TOKEN_DEFAULT_SECONDS = 43_200;

export interface AssumeRoleRequest {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly durationSeconds?: number;
}

/**
 * AssumeRole. Bounds and patterns are checked by the model beforehand; here the rules the model
 * cannot say. No IAM is modelled, so any well-formed role ARN may be assumed (no trust policy to
 * check) and a role's MaxSessionDuration is taken to be the most a role may be given, 12 hours.
 */
export function assumeRole(cloud: Cloud, caller: Identity, req: AssumeRoleRequest): StsSession {
  const m = ROLE_ARN.exec(req.roleArn);
  // The message STS gives an ARN that is not a role's (seen for AssumeRoleWithSAML: "Request ARN is invalid").
  if (!m) throw validation('Request ARN is invalid');
  const [, partition, accountId, roleName] = m as unknown as [string, string, string, string];
  const duration = req.durationSeconds ?? ASSUME_ROLE_DEFAULT_SECONDS;
  if (caller.session?.kind === 'assumed-role' && duration > ROLE_CHAINING_MAX_SECONDS) {
    throw validation('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  const roleId = stableId('AROA', `role:${partition}:${accountId}:${roleName}`, 17);
  return issue(cloud, {
    kind: 'assumed-role',
    accountId,
    arn: `arn:${partition}:sts::${accountId}:assumed-role/${roleName}/${req.sessionName}`,
    userId: `${roleId}:${req.sessionName}`,
    durationSeconds: duration,
  });
}

/** The role ARN's `AssumedRoleId` and `Arn` as AssumeRole answers them. */
export function assumedRoleUser(session: StsSession): { AssumedRoleId: string; Arn: string } {
  return { AssumedRoleId: session.userId, Arn: session.arn };
}

/**
 * GetSessionToken: credentials acting as the calling user. Temporary credentials cannot ask for
 * more ("Cannot call GetSessionToken with session credentials", AccessDenied); ec2net has no MFA
 * devices, so a SerialNumber can never be validated.
 */
export function getSessionToken(cloud: Cloud, caller: Identity, durationSeconds: number | undefined, serialNumber: string | undefined): StsSession {
  if (caller.session) throw new Ec2Error('AccessDenied', 'Cannot call GetSessionToken with session credentials', 403);
  if (serialNumber !== undefined) throw new Ec2Error('AccessDenied', 'MultiFactorAuthentication failed, unable to validate MFA code', 403);
  return issue(cloud, {
    kind: 'session-token',
    accountId: caller.accountId,
    arn: caller.arn,
    userId: caller.userId,
    durationSeconds: durationSeconds ?? SESSION_TOKEN_DEFAULT_SECONDS,
  });
}

function issue(cloud: Cloud, s: { kind: StsSession['kind']; accountId: string; arn: string; userId: string; durationSeconds: number }): StsSession {
  const now = cloud.nowMs();
  let accessKeyId: string;
  do accessKeyId = `ASIA${randomText(cloud, ID_ALPHABET, 16)}`;
  while (cloud.stsSessions.has(accessKeyId));
  const session: StsSession = {
    accessKeyId,
    secretAccessKey: randomText(cloud, BASE64, 40),
    // The token carries nothing: it is looked up, never decoded.
    sessionToken: randomText(cloud, BASE64, 344),
    accountId: s.accountId,
    arn: s.arn,
    userId: s.userId,
    kind: s.kind,
    // Expiration is sent in whole seconds, as STS does; the session ends there.
    issuedAt: now,
    expiresAt: Math.floor(now / 1000) * 1000 + s.durationSeconds * 1000,
  };
  cloud.stsSessions.set(accessKeyId, session);
  return session;
}

/** Whether temporary credentials are past their expiration at `nowMs`. */
export const isExpired = (session: StsSession, nowMs: number) => nowMs >= session.expiresAt;
