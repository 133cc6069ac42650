/**
 * STS on the EC2 endpoint, through the AWS SDK for JavaScript v3, the AWS CLI and boto3.
 *
 * Rules and their sources:
 * - Tools call sts:GetCallerIdentity first: the amazon.aws collection's aws_caller_info (what its
 *   integration playbooks start with), Terraform's AWS provider at configure time
 *   (/work/shared/reference/aws-behaviour.md §9). The SDKs and the CLI send STS to
 *   AWS_ENDPOINT_URL as well.
 * - Wire form: awsquery, `<XResponse><XResult>…</XResult><ResponseMetadata><RequestId>`; errors
 *   `<ErrorResponse><Error><Type>Sender</Type><Code>…` (STS service model; STS answers as in
 *   aws-azure-login/aws-azure-login#251).
 * - GetCallerIdentity: Account, Arn and UserId of the caller (STS API reference). AssumeRole:
 *   `arn:aws:sts::<acct>:assumed-role/<role>/<session>`, AssumedRoleId `AROA…:<session>`, ASIA keys,
 *   DurationSeconds 900–43200, default 3600; role chaining at most one hour (AssumeRole API
 *   reference). GetSessionToken: default 43200 s, not callable with session credentials.
 * - Constraint errors: ValidationError "N validation error(s) detected: Value '…' at 'member' failed to
 *   satisfy constraint: Member must …" (getmoto/moto#9218, mmmorris1975/aws-runas#80).
 * - Temporary credentials: EC2 answers AuthFailure for a session token it cannot validate and
 *   RequestExpired once they expire; STS InvalidClientTokenId and ExpiredToken (see src/server/auth.ts).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { CreateVpcCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, GetFederationTokenCommand, STSClient } from '@aws-sdk/client-sts';
import pino from 'pino';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { expectCode, rawQuery, useHarness } from './harness.js';

const run = promisify(execFile);

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const sts = (url: string, creds: Creds, region = 'us-east-1') => new STSClient({ endpoint: url, region, credentials: creds, maxAttempts: 1 });
const ec2 = (url: string, creds: Creds, region = 'us-east-1') => new EC2Client({ endpoint: url, region, credentials: creds, maxAttempts: 1 });

/** `aws sts <args>` with the endpoint from AWS_ENDPOINT_URL, as a user configures it. */
async function cliSts(url: string, args: string[], creds: Creds): Promise<any> {
  const { stdout } = await run('aws', ['sts', ...args, '--output', 'json'], {
    env: {
      ...process.env,
      AWS_ENDPOINT_URL: url,
      AWS_ACCESS_KEY_ID: creds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
      ...(creds.sessionToken ? { AWS_SESSION_TOKEN: creds.sessionToken } : {}),
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
      AWS_MAX_ATTEMPTS: '1',
    },
    timeout: 60_000,
  }).catch((e: { stderr?: string; message: string }) => {
    throw new Error(e.stderr || e.message);
  });
  return JSON.parse(stdout);
}

/** A boto3 `sts` client (endpoint from AWS_ENDPOINT_URL_STS) runs `code`; its `result` comes back as JSON. */
async function botoSts(url: string, code: string, creds: Creds): Promise<any> {
  const script = ['import json, boto3', "sts = boto3.client('sts')", 'result = None', code, 'print(json.dumps(result, default=str))'].join('\n');
  const { stdout } = await run('python3', ['-c', script], {
    env: {
      ...process.env,
      AWS_ENDPOINT_URL_STS: url,
      AWS_ACCESS_KEY_ID: creds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_MAX_ATTEMPTS: '1',
    },
    timeout: 60_000,
  }).catch((e: { stderr?: string; message: string }) => {
    throw new Error(e.stderr || e.message);
  });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

const ROLE = 'arn:aws:iam::111122223333:role/deploy/Builder';
const KEY: Creds = { accessKeyId: 'AKIAEXAMPLESTS00001', secretAccessKey: 'secret' };

describe('STS without signature checking', () => {
  const h = useHarness({ resetEachTest: false });

  it('GetCallerIdentity answers the caller as the account user, through the SDK, the CLI and boto3', async () => {
    const sdk = await sts(h.url, { accessKeyId: '210987654321', secretAccessKey: 'x' }).send(new GetCallerIdentityCommand({}));
    assert.equal(sdk.Account, '210987654321');
    assert.equal(sdk.Arn, 'arn:aws:iam::210987654321:user/ec2net');
    assert.match(sdk.UserId!, /^AIDA[A-Z2-7]{17}$/);
    const cli = await cliSts(h.url, ['get-caller-identity'], KEY);
    assert.deepEqual(cli, { UserId: cli.UserId, Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/ec2net' });
    const boto = await botoSts(h.url, 'result = sts.get_caller_identity()', KEY);
    assert.equal(boto.Account, '123456789012');
    assert.equal(boto.UserId, cli.UserId, 'the same user whichever key of the account');
  });

  it('an unsigned request is STS by its Action and Version, and answers the awsquery document', async () => {
    const r = await rawQuery(h.url, 'Action=GetCallerIdentity&Version=2011-06-15');
    assert.equal(r.status, 200);
    assert.match(
      r.text,
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<GetCallerIdentityResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><GetCallerIdentityResult><UserId>AIDA[A-Z2-7]{17}<\/UserId><Account>123456789012<\/Account><Arn>arn:aws:iam::123456789012:user\/ec2net<\/Arn><\/GetCallerIdentityResult><ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/GetCallerIdentityResponse>$/,
    );
    const unknown = await rawQuery(h.url, 'Action=GetWidgets&Version=2011-06-15');
    assert.equal(unknown.status, 400);
    assert.match(
      unknown.text,
      /<ErrorResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code><Message>Could not find operation GetWidgets for version 2011-06-15<\/Message><\/Error><RequestId>/,
    );
    // Missing required members are reported together, in STS's words.
    const missing = await rawQuery(h.url, 'Action=AssumeRole&Version=2011-06-15');
    assert.equal(missing.status, 400);
    assert.match(
      missing.text,
      /<Code>ValidationError<\/Code><Message>2 validation errors detected: Value null at &apos;roleArn&apos; failed to satisfy constraint: Member must not be null; Value null at &apos;roleSessionName&apos; failed to satisfy constraint: Member must not be null<\/Message>/,
    );
  });

  it('AssumeRole hands out ASIA credentials that act in the role account, for EC2 and STS', async () => {
    const before = Date.now();
    const out = await sts(h.url, KEY).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ci-run', DurationSeconds: 900 }));
    const c = out.Credentials!;
    assert.match(c.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(c.SecretAccessKey!.length, 40);
    assert.ok(c.SessionToken!.length > 100);
    const lifetime = c.Expiration!.getTime() - before;
    assert.ok(lifetime > 895_000 && lifetime <= 901_000, `expires in 900 s (got ${lifetime} ms)`);
    assert.equal(out.AssumedRoleUser!.Arn, 'arn:aws:sts::111122223333:assumed-role/Builder/ci-run');
    assert.match(out.AssumedRoleUser!.AssumedRoleId!, /^AROA[A-Z2-7]{17}:ci-run$/);
    const temp = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    const who = await sts(h.url, temp).send(new GetCallerIdentityCommand({}));
    assert.deepEqual([who.Account, who.Arn, who.UserId], ['111122223333', out.AssumedRoleUser!.Arn, out.AssumedRoleUser!.AssumedRoleId]);
    const vpcs = await ec2(h.url, temp).send(new DescribeVpcsCommand({}));
    assert.deepEqual(
      vpcs.Vpcs!.map((v) => v.OwnerId),
      ['111122223333'],
      'the role account’s own default VPC',
    );
    // The same role has the same id whoever assumes it; the default duration is one hour.
    const again = await cliSts(h.url, ['assume-role', '--role-arn', ROLE, '--role-session-name', 'other'], {
      accessKeyId: '999988887777',
      secretAccessKey: 'y',
    });
    assert.equal(again.AssumedRoleUser.AssumedRoleId.split(':')[0], out.AssumedRoleUser!.AssumedRoleId!.split(':')[0]);
    const hour = Date.parse(again.Credentials.Expiration) - Date.now();
    assert.ok(hour > 3_590_000 && hour <= 3_601_000, `default 3600 s (got ${hour} ms)`);
  });

  it('AssumeRole refuses durations, names and ARNs as STS does, and role chaining past one hour', async () => {
    const client = sts(h.url, KEY);
    for (const [input, message] of [
      [
        { DurationSeconds: 899 },
        "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
      ],
      [
        { DurationSeconds: 43201 },
        "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
      ],
      [
        { RoleSessionName: 's'.repeat(65) },
        `1 validation error detected: Value '${'s'.repeat(65)}' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
      ],
      [
        { RoleSessionName: 'has space' },
        "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
      ],
      [{ RoleArn: 'arn:aws:iam::111122223333:user/Alice' }, 'Request ARN is invalid'],
    ] as const) {
      const e = await expectCode(client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ok', ...input })), 'ValidationError');
      assert.equal(e.message, message);
      assert.equal(e.$metadata.httpStatusCode, 400);
    }
    const first = await client.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'hop1' }));
    const temp = {
      accessKeyId: first.Credentials!.AccessKeyId!,
      secretAccessKey: first.Credentials!.SecretAccessKey!,
      sessionToken: first.Credentials!.SessionToken!,
    };
    const e = await expectCode(
      sts(h.url, temp).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::444455556666:role/Next', RoleSessionName: 'hop2', DurationSeconds: 7200 })),
      'ValidationError',
    );
    assert.equal(e.message, 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    const chained = await sts(h.url, temp).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::444455556666:role/Next', RoleSessionName: 'hop2' }));
    assert.equal(chained.AssumedRoleUser!.Arn, 'arn:aws:sts::444455556666:assumed-role/Next/hop2');
  });

  it('GetSessionToken: credentials acting as the user, 12 hours by default, not from session credentials', async () => {
    const out = await botoSts(h.url, "result = sts.get_session_token()['Credentials']", KEY);
    assert.match(out.AccessKeyId, /^ASIA/);
    const lifetime = Date.parse(out.Expiration) - Date.now();
    assert.ok(lifetime > 43_190_000 && lifetime <= 43_201_000, `43200 s (got ${lifetime} ms)`);
    const temp = { accessKeyId: out.AccessKeyId, secretAccessKey: out.SecretAccessKey, sessionToken: out.SessionToken };
    const who = await sts(h.url, temp).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, 'arn:aws:iam::123456789012:user/ec2net');
    const e = await expectCode(sts(h.url, temp).send(new GetSessionTokenCommand({})), 'AccessDenied');
    assert.equal(e.message, 'Cannot call GetSessionToken with session credentials');
    assert.equal(e.$metadata.httpStatusCode, 403);
  });

  it('other STS actions and IAM actions answer an error naming them', async () => {
    const e = await expectCode(sts(h.url, KEY).send(new GetFederationTokenCommand({ Name: 'bob' })), 'UnsupportedOperation');
    assert.match(e.message, /GetFederationToken/);
    // aws_caller_info asks IAM for the account alias next, and tolerates a refusal.
    const iam = await rawQuery(h.url, 'Action=ListAccountAliases&Version=2010-05-08');
    assert.equal(iam.status, 400);
    assert.match(
      iam.text,
      /<ErrorResponse xmlns="https:\/\/iam.amazonaws.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>UnsupportedOperation<\/Code><Message>The IAM operation ListAccountAliases is not supported/,
    );
  });
});

describe('STS with signature checking (--auth sigv4)', () => {
  const A = { accessKeyId: 'AKIAEC2NETSTSKEYAAAA', secretAccessKey: 'sts-secret-a', accountId: '555555555555' };
  let server: RunningServer;
  let dir: string;
  let now = Date.now();
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ec2net-sts-'));
    writeFileSync(join(dir, 'credentials.json'), JSON.stringify({ credentials: [A] }));
    server = await startServer(
      {
        host: '127.0.0.1',
        port: 0,
        accountId: '123456789012',
        logLevel: 'silent',
        auth: 'sigv4',
        credentialsFile: join(dir, 'credentials.json'),
        cloud: { now: () => new Date(now) },
      },
      pino({ level: 'silent' }),
    );
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies STS signatures scoped to sts, and temporary credentials with their token', async () => {
    const who = await sts(server.url, A).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Account, '555555555555');
    const cli = await cliSts(server.url, ['get-caller-identity'], A);
    assert.equal(cli.Account, '555555555555');
    await expectCode(sts(server.url, { ...A, secretAccessKey: 'wrong' }).send(new GetCallerIdentityCommand({})), 'SignatureDoesNotMatch');
    const unknown = await expectCode(
      sts(server.url, { accessKeyId: 'AKIAEC2NETSTSUNKNOWN', secretAccessKey: 'x' }).send(new GetCallerIdentityCommand({})),
      'InvalidClientTokenId',
    );
    assert.equal(unknown.$metadata.httpStatusCode, 403);
    const unsigned = await rawQuery(server.url, 'Action=GetCallerIdentity&Version=2011-06-15');
    assert.equal(unsigned.status, 403);
    assert.match(unsigned.text, /<Code>MissingAuthenticationToken<\/Code>/);

    const out = await sts(server.url, A).send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::666666666666:role/Ops', RoleSessionName: 'signed', DurationSeconds: 900 }),
    );
    const temp = {
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    };
    const vpc = await ec2(server.url, temp).send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
    assert.equal(vpc.Vpc!.OwnerId, '666666666666');
    assert.equal((await sts(server.url, temp).send(new GetCallerIdentityCommand({}))).Account, '666666666666');

    // The secret without its token, or with another token, does not verify.
    const { sessionToken: _omit, ...noToken } = temp;
    const e = await expectCode(ec2(server.url, noToken).send(new DescribeVpcsCommand({})), 'AuthFailure');
    assert.equal(e.$metadata.httpStatusCode, 401);
    await expectCode(sts(server.url, { ...temp, sessionToken: 'not-the-token' }).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId');

    // Past their expiration: EC2 RequestExpired, STS ExpiredToken.
    now += 901_000;
    const expired = await expectCode(ec2(server.url, temp).send(new DescribeVpcsCommand({})), 'RequestExpired');
    assert.equal(expired.$metadata.httpStatusCode, 400);
    await expectCode(sts(server.url, temp).send(new GetCallerIdentityCommand({})), 'ExpiredToken');
  });
});

describe('temporary credentials are state', () => {
  it('survive a restart (replayed from the journal)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ec2net-sts-data-'));
    const config = { host: '127.0.0.1', port: 0, accountId: '123456789012', logLevel: 'silent' as const, dataDir };
    try {
      let server = await startServer(config, pino({ level: 'silent' }));
      const out = await sts(server.url, KEY).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'durable' }));
      const temp = {
        accessKeyId: out.Credentials!.AccessKeyId!,
        secretAccessKey: out.Credentials!.SecretAccessKey!,
        sessionToken: out.Credentials!.SessionToken!,
      };
      await server.close();
      server = await startServer(config, pino({ level: 'silent' }));
      try {
        const who = await sts(server.url, temp).send(new GetCallerIdentityCommand({}));
        assert.equal(who.Arn, 'arn:aws:sts::111122223333:assumed-role/Builder/durable');
        const state = (await (await fetch(`${server.url}/_ec2net/state`)).json()) as { stsSessions: { accessKeyId: string; expiration: string }[] };
        const record = state.stsSessions.find((s) => s.accessKeyId === temp.accessKeyId);
        assert.equal(record?.expiration, out.Credentials!.Expiration!.toISOString());
      } finally {
        await server.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
