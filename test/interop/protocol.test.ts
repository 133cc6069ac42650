/**
 * The wire protocol over real HTTP, seen by raw requests and by the real clients.
 * Rules (reference aws-behaviour.md):
 * - §0 "Error envelope": `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`,
 *   client errors 400, DryRunOperation 412 with "Request would have succeeded, but DryRun flag is set."
 *   (raw transcript moto#1980, S10);
 * - §0 "Operations with no output members": `<return>true</return>`;
 * - §1 "Other value formats": requestId is a lowercase UUID v4; the SDKs read it from `x-amzn-requestid`;
 * - §2 "Regions and AZs": the region is the SigV4 credential scope's (AWS General Reference,
 *   "Signature Version 4 — credential scope");
 * - §8: InvalidAction, MissingAction, InvalidPaginationToken, InvalidParameterValue;
 * - pagination: EC2 API reference "Pagination" (MaxResults 5–1000 for DescribeSubnets, NextToken).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeAvailabilityZonesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  paginateDescribeSubnets,
} from '@aws-sdk/client-ec2';
import * as sdk from '@aws-sdk/client-ec2';
import { allHandlers } from '../../src/api/index.js';
import { loadModel } from '../../src/protocol/model.js';
import { VERSION } from '../../src/version.js';
import { expectCode, rawQuery, useHarness } from './harness.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ERROR_DOC =
  /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>([^<]+)<\/Code><Message>([^<]*)<\/Message><\/Error><\/Errors><RequestID>([^<]+)<\/RequestID><\/Response>$/;
const DRY_RUN_MESSAGE = 'Request would have succeeded, but DryRun flag is set.';

/** A SigV4 Authorization header whose scope names `region` (signatures are not checked). */
const auth = (region: string, key = 'AKIAEXAMPLE') => ({
  authorization: `AWS4-HMAC-SHA256 Credential=${key}/20250101/${region}/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000`,
});

/** Parses an error response, checking the envelope and that the header and body request ids agree. */
function errorOf(res: { status: number; headers: Headers; text: string }) {
  const m = ERROR_DOC.exec(res.text);
  assert.ok(m, `not an EC2 error document: ${res.text.slice(0, 300)}`);
  const [, code, message, requestId] = m;
  assert.match(requestId!, UUID_V4);
  assert.equal(res.headers.get('x-amzn-requestid'), requestId);
  assert.match(res.headers.get('content-type') ?? '', /^text\/xml/);
  return { status: res.status, code: code!, message: message! };
}

describe('protocol (interop)', () => {
  const h = useHarness();

  const post = (body: string | Uint8Array, headers: Record<string, string> = {}) => rawQuery(h.url, body as string, headers);
  const vpcCount = async (region = 'us-east-1', key?: string) => (await h.ec2(region, key).send(new DescribeVpcsCommand({}))).Vpcs!.length;

  describe('envelopes and request ids', () => {
    it('an error is <Response><Errors><Error><Code>…, HTTP 400, RequestID equal to x-amzn-requestid', async () => {
      const e = errorOf(await post('Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-0123456789abcdef0'));
      assert.deepEqual(e, { status: 400, code: 'InvalidVpcID.NotFound', message: 'The vpc ID &apos;vpc-0123456789abcdef0&apos; does not exist' });
    });

    it('a success is <ActionResponse xmlns=…> with requestId first, equal to x-amzn-requestid', async () => {
      const res = await post('Action=DescribeVpcs&Version=2016-11-15');
      assert.equal(res.status, 200);
      const m =
        /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<DescribeVpcsResponse xmlns="http:\/\/ec2\.amazonaws\.com\/doc\/2016-11-15\/"><requestId>([^<]+)<\/requestId>/.exec(
          res.text,
        );
      assert.ok(m, res.text.slice(0, 200));
      assert.match(m[1]!, UUID_V4);
      assert.equal(res.headers.get('x-amzn-requestid'), m[1]);
      assert.ok(res.text.endsWith('</DescribeVpcsResponse>'));
    });

    it('every request gets its own id; the SDK, CLI and boto3 all see it', async () => {
      const a = await post('Action=DescribeRegions');
      const b = await post('Action=DescribeRegions');
      assert.notEqual(a.headers.get('x-amzn-requestid'), b.headers.get('x-amzn-requestid'));
      const out = await h.ec2().send(new DescribeVpcsCommand({}));
      assert.match(out.$metadata.requestId!, UUID_V4);
      const err = await expectCode(h.ec2().send(new DescribeVpcsCommand({ VpcIds: ['vpc-0123456789abcdef0'] })), 'InvalidVpcID.NotFound');
      assert.match(err.$metadata.requestId, UUID_V4);
      assert.equal(err.$metadata.httpStatusCode, 400);
      const boto = await h.boto3(`
try:
    ec2.describe_vpcs(VpcIds=['vpc-0123456789abcdef0'])
except botocore.exceptions.ClientError as e:
    result = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode'], e.response['ResponseMetadata']['RequestId']]`);
      assert.equal(boto[0], 'InvalidVpcID.NotFound');
      assert.equal(boto[1], 400);
      assert.match(boto[2], UUID_V4);
    });

    it('DeleteVpc answers <return>true</return>', async () => {
      const { Vpc } = await h.ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
      const res = await post(`Action=DeleteVpc&Version=2016-11-15&VpcId=${Vpc!.VpcId}`);
      assert.equal(res.status, 200);
      assert.match(
        res.text,
        /<DeleteVpcResponse xmlns="http:\/\/ec2\.amazonaws\.com\/doc\/2016-11-15\/"><requestId>[0-9a-f-]{36}<\/requestId><return>true<\/return><\/DeleteVpcResponse>$/,
      );
      assert.equal(await vpcCount(), 1);
    });

    it('booleans in raw XML are exactly true / false', async () => {
      const model = loadModel();
      const booleanTags = (shape: string) =>
        Object.values(model.shapes[shape]!.members!)
          .filter((ref) => model.shapes[ref.shape]!.type === 'boolean')
          .map((ref) => ref.locationName!);
      await h.ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
      const vpcs = (await post('Action=DescribeVpcs&Version=2016-11-15')).text;
      const subnets = (await post('Action=DescribeSubnets&Version=2016-11-15')).text;
      assert.match(vpcs, /<isDefault>true<\/isDefault>/);
      assert.match(vpcs, /<isDefault>false<\/isDefault>/);
      assert.match(subnets, /<defaultForAz>true<\/defaultForAz>/);
      assert.match(subnets, /<mapPublicIpOnLaunch>true<\/mapPublicIpOnLaunch>/);
      let seen = 0;
      for (const [xml, shape] of [
        [vpcs, 'Vpc'],
        [subnets, 'Subnet'],
      ] as const) {
        for (const tag of booleanTags(shape)) {
          for (const m of xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))) {
            assert.ok(m[1] === 'true' || m[1] === 'false', `<${tag}>${m[1]}</${tag}>`);
            seen++;
          }
        }
      }
      assert.ok(seen >= 10, `checked ${seen} boolean elements`);
    });
  });

  describe('DryRun', () => {
    it('SDK: CreateVpc with DryRun is DryRunOperation, HTTP 412, and creates nothing', async () => {
      const e = await expectCode(h.ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', DryRun: true })), 'DryRunOperation');
      assert.equal(e.$metadata.httpStatusCode, 412);
      assert.equal(e.message, DRY_RUN_MESSAGE);
      assert.equal(await vpcCount(), 1);
    });

    it('CLI: create-vpc --dry-run reports DryRunOperation and creates nothing', async () => {
      await assert.rejects(h.cli(['create-vpc', '--cidr-block', '10.0.0.0/16', '--dry-run']), (e: Error) => {
        // (With AWS_MAX_ATTEMPTS=1 botocore adds "(reached max retries: 0)" to every error.)
        assert.match(
          e.message,
          /\(DryRunOperation\) when calling the CreateVpc operation( \(reached max retries: 0\))?: Request would have succeeded, but DryRun flag is set\./,
        );
        return true;
      });
      assert.equal(await vpcCount(), 1);
    });

    it('raw: the 412 body is the standard error envelope; DryRun=false runs the call', async () => {
      const e = errorOf(await post('Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0/16&DryRun=true'));
      assert.deepEqual(e, { status: 412, code: 'DryRunOperation', message: DRY_RUN_MESSAGE });
      assert.equal(await vpcCount(), 1);
      assert.equal((await post('Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0/16&DryRun=false')).status, 200);
      assert.equal(await vpcCount(), 2);
    });
  });

  describe('actions', () => {
    it('an unknown action is InvalidAction', async () => {
      const e = errorOf(await post('Action=DescribeUnicorns&Version=2016-11-15'));
      assert.equal(e.code, 'InvalidAction');
      assert.equal(e.status, 400);
      assert.match(e.message, /DescribeUnicorns/);
      for (const name of ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'describevpcs']) {
        assert.equal(errorOf(await post(`Action=${name}`)).code, 'InvalidAction', name);
      }
    });

    it('no action at all is MissingAction', async () => {
      const e = errorOf(await post('Version=2016-11-15&VpcId.1=vpc-1'));
      assert.deepEqual([e.status, e.code], [400, 'MissingAction']);
      assert.equal(errorOf(await post('Action=')).code, 'MissingAction');
    });

    it('a model operation ec2net does not implement is UnsupportedOperation naming it (raw and SDK)', async () => {
      const model = loadModel();
      const op = Object.keys(model.operations)
        .sort()
        .find(
          (name) => name.startsWith('Describe') && !(name in allHandlers) && !model.shapes[model.operations[name]!.input!]?.required && `${name}Command` in sdk,
        );
      assert.ok(op, 'some Describe operation is not implemented yet');
      const e = errorOf(await post(`Action=${op}&Version=2016-11-15`));
      assert.equal(e.code, 'UnsupportedOperation');
      assert.equal(e.status, 400);
      assert.ok(e.message.includes(op), e.message);
      const Ctor = (sdk as unknown as Record<string, new (i: object) => unknown>)[`${op}Command`]!;
      const err = await expectCode(h.ec2().send(new Ctor({}) as never), 'UnsupportedOperation');
      assert.ok(err.message.includes(op));
    });

    it('GET with a query string works like POST', async () => {
      const { Vpc } = await h.ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
      const get = await fetch(`${h.url}/?Action=DescribeVpcs&Version=2016-11-15&VpcId.1=${Vpc!.VpcId}`);
      const text = await get.text();
      assert.equal(get.status, 200);
      const postText = (await post(`Action=DescribeVpcs&Version=2016-11-15&VpcId.1=${Vpc!.VpcId}`)).text;
      const strip = (s: string) => s.replace(/<requestId>[^<]+<\/requestId>/, '');
      assert.equal(strip(text), strip(postText));
      assert.ok(text.includes(`<vpcId>${Vpc!.VpcId}</vpcId>`));
      const err = await fetch(`${h.url}/?Action=DescribeVpcs&VpcId.1=vpc-0123456789abcdef0`);
      assert.equal(errorOf({ status: err.status, headers: err.headers, text: await err.text() }).code, 'InvalidVpcID.NotFound');
    });

    it('a POST body wins over the query string; query-only parameters are added', async () => {
      const res = await fetch(`${h.url}/?Action=DeleteVpc&RegionName.1=eu-west-1`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=DescribeRegions&Version=2016-11-15',
      });
      const text = await res.text();
      assert.equal(res.status, 200, text);
      assert.match(text, /^<\?xml[^>]*>\n<DescribeRegionsResponse/);
      assert.equal([...text.matchAll(/<regionName>/g)].length, 1);
    });
  });

  describe('hostile and malformed requests', () => {
    it('a body over 1 MiB is refused with an error document, and the server keeps serving', async () => {
      const big = `Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=${'x'.repeat(1024 * 1024 + 10)}`;
      const e = errorOf(await post(big));
      assert.equal(e.status, 413);
      assert.equal(e.code, 'RequestEntityTooLarge');
      assert.equal((await post('Action=DescribeVpcs')).status, 200);
    });

    it('a chunked body that grows past 1 MiB is refused the same way', async () => {
      const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(h.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
        });
        req.on('error', reject);
        req.write('Action=DescribeVpcs&Filter.1.Name=');
        for (let i = 0; i < 40; i++) req.write('y'.repeat(64 * 1024));
        req.end();
      });
      assert.equal(status, 413);
      assert.match(text, /<Code>RequestEntityTooLarge<\/Code>/);
      assert.equal((await post('Action=DescribeVpcs')).status, 200);
    });

    it('a body just under the limit is read and decoded', async () => {
      const filler = 'x'.repeat(1024 * 1024 - 100);
      const e = errorOf(await post(`Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=${filler}`));
      assert.equal(e.code, 'InvalidParameterValue');
    });

    it('binary junk, stray % sequences and empty bodies get 4xx error documents, never a crash', async () => {
      const junk = new Uint8Array(4096);
      for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919 + 13) % 256;
      const cases: [string | Uint8Array, string][] = [
        [junk, 'MissingAction'],
        ['', 'MissingAction'],
        ['%', 'MissingAction'],
        ['%%%%&&&===', 'MissingAction'],
        ['Action=Describe%ZZVpcs', 'InvalidAction'],
        ['Action=DescribeVpcs&Filter.1.Name=%ZZ%&Filter.1.Value.1=%E0%A4%A', 'InvalidParameterValue'],
        ['Action=DescribeVpcs&%00=1', 'UnknownParameter'],
        ['Action=DescribeVpcs&VpcId.1=%FF%FE', 'InvalidVpcID.Malformed'],
        [new Uint8Array([0x41, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0x3d, 0xff, 0xfe, 0x00]), 'InvalidAction'],
      ];
      for (const [body, code] of cases) {
        const e = errorOf(await post(body));
        assert.equal(e.code, code, `body ${String(body).slice(0, 40)}`);
        assert.ok(e.status >= 400 && e.status < 500);
      }
      const emptyGet = await fetch(`${h.url}/`);
      assert.equal(errorOf({ status: emptyGet.status, headers: emptyGet.headers, text: await emptyGet.text() }).code, 'MissingAction');
      assert.equal((await post('Action=DescribeVpcs')).status, 200);
    });

    it('an absolute-form request target that is not a valid URL does not take the server down', async () => {
      const reply = await new Promise<string>((resolve) => {
        const socket = connect(h.server.port, '127.0.0.1', () => {
          socket.end('POST http://[x/?Action=DescribeVpcs HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        });
        let data = '';
        socket.on('data', (d) => (data += d));
        socket.on('close', () => resolve(data));
        socket.on('error', () => resolve(data));
      });
      assert.match(reply, /^HTTP\/1\.1 [24]\d\d /);
      assert.equal((await post('Action=DescribeVpcs')).status, 200);
    });
  });

  describe('who and where: SigV4 scope and access key', () => {
    it('the region comes from the credential scope: an eu-west-1 client sees eu-west-1 zones', async () => {
      const ec2 = h.ec2('eu-west-1');
      const { AvailabilityZones } = await ec2.send(new DescribeAvailabilityZonesCommand({}));
      assert.deepEqual(
        AvailabilityZones!.map((z) => z.ZoneName),
        ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
      );
      const { Subnets } = await ec2.send(new DescribeSubnetsCommand({}));
      assert.ok(Subnets!.length > 0 && Subnets!.every((s) => s.AvailabilityZone!.startsWith('eu-west-1')));
      const raw = await post('Action=DescribeAvailabilityZones&Version=2016-11-15', auth('ap-southeast-2'));
      assert.match(raw.text, /<zoneName>ap-southeast-2a<\/zoneName>/);
      const boto = await h.boto3(`result = [z['ZoneName'] for z in ec2.describe_availability_zones()['AvailabilityZones']]`, 'eu-west-2');
      assert.deepEqual(boto, ['eu-west-2a', 'eu-west-2b', 'eu-west-2c']);
    });

    it('no credentials at all means us-east-1', async () => {
      const raw = await post('Action=DescribeAvailabilityZones&Version=2016-11-15');
      assert.match(raw.text, /<zoneName>us-east-1a<\/zoneName>/);
    });

    it('the scope of a presigned query string (X-Amz-Credential) selects the region too', async () => {
      const cred = encodeURIComponent('AKIAEXAMPLE/20250101/eu-central-1/ec2/aws4_request');
      const res = await fetch(
        `${h.url}/?Action=DescribeAvailabilityZones&Version=2016-11-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${cred}&X-Amz-Date=20250101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00`,
      );
      assert.match(await res.text(), /<zoneName>eu-central-1a<\/zoneName>/);
    });

    it('a region that does not exist is refused', async () => {
      const e = errorOf(await post('Action=DescribeVpcs&Version=2016-11-15', auth('xx-nowhere-1')));
      assert.equal(e.code, 'AuthFailure');
    });

    it('a 12-digit access key selects that account; other keys the default account', async () => {
      const mine = await h.ec2('us-east-1', '111122223333').send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
      assert.equal(mine.Vpc!.OwnerId, '111122223333');
      const theirs = await h.ec2().send(new DescribeVpcsCommand({}));
      assert.deepEqual(
        theirs.Vpcs!.map((v) => v.OwnerId),
        ['123456789012'],
      );
      assert.ok(!theirs.Vpcs!.some((v) => v.VpcId === mine.Vpc!.VpcId));
      const cli = await h.cli(['describe-vpcs'], 'us-east-1', '111122223333');
      assert.equal(cli.Vpcs.length, 2);
      assert.ok(cli.Vpcs.every((v: { OwnerId: string }) => v.OwnerId === '111122223333'));
    });
  });

  describe('pagination', () => {
    /** A VPC with 12 subnets: with the 6 default subnets of us-east-1 that makes 18. */
    async function eighteenSubnets(key?: string): Promise<string[]> {
      const ec2 = h.ec2('us-east-1', key);
      const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
      for (let i = 0; i < 12; i++) await ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId, CidrBlock: `10.0.${i}.0/24` }));
      const all = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets!.map((s) => s.SubnetId!);
      assert.equal(all.length, 18);
      return all;
    }

    it('SDK paginator with MaxResults=5 walks every subnet once, 5 per page', async () => {
      const all = await eighteenSubnets();
      const pages: string[][] = [];
      const tokens: (string | undefined)[] = [];
      for await (const page of paginateDescribeSubnets({ client: h.ec2(), pageSize: 5 }, {})) {
        pages.push(page.Subnets!.map((s) => s.SubnetId!));
        tokens.push(page.NextToken);
      }
      assert.deepEqual(
        pages.map((p) => p.length),
        [5, 5, 5, 3],
      );
      assert.equal(tokens.slice(0, 3).filter((t) => typeof t === 'string' && t.length > 0).length, 3);
      assert.equal(tokens[3], undefined);
      const seen = pages.flat();
      assert.equal(new Set(seen).size, 18);
      assert.deepEqual([...seen].sort(), [...all].sort());
    });

    it('the CLI (--page-size) and boto3 paginator see the same 18 subnets', async () => {
      const all = await eighteenSubnets();
      const cli = await h.cli(['describe-subnets', '--page-size', '5']);
      assert.deepEqual(cli.Subnets.map((s: { SubnetId: string }) => s.SubnetId).sort(), [...all].sort());
      const boto = await h.boto3(`
pages = ec2.get_paginator('describe_subnets').paginate(PaginationConfig={'PageSize': 5})
result = [[s['SubnetId'] for s in p['Subnets']] for p in pages]`);
      assert.deepEqual(
        boto.map((p: string[]) => p.length),
        [5, 5, 5, 3],
      );
      assert.deepEqual(boto.flat().sort(), [...all].sort());
    });

    it('MaxResults outside 5–1000 is InvalidParameterValue', async () => {
      await expectCode(h.ec2().send(new DescribeSubnetsCommand({ MaxResults: 4 })), 'InvalidParameterValue');
      await expectCode(h.ec2().send(new DescribeSubnetsCommand({ MaxResults: 1001 })), 'InvalidParameterValue');
    });

    it('a garbage token is InvalidPaginationToken', async () => {
      for (const token of ['garbage', 'eyJ9', Buffer.from('{"o":1}').toString('base64url'), '%%%', 'null']) {
        await expectCode(h.ec2().send(new DescribeSubnetsCommand({ MaxResults: 5, NextToken: token })), 'InvalidPaginationToken');
      }
    });

    it('a token from another operation, account or region is InvalidPaginationToken', async () => {
      await eighteenSubnets();
      const { NextToken } = await h.ec2().send(new DescribeSubnetsCommand({ MaxResults: 5 }));
      assert.ok(NextToken);
      await expectCode(h.ec2().send(new DescribeVpcsCommand({ MaxResults: 5, NextToken })), 'InvalidPaginationToken');
      await expectCode(h.ec2('us-east-1', '999988887777').send(new DescribeSubnetsCommand({ MaxResults: 5, NextToken })), 'InvalidPaginationToken');
      await expectCode(h.ec2('us-west-2').send(new DescribeSubnetsCommand({ MaxResults: 5, NextToken })), 'InvalidPaginationToken');
      const next = await h.ec2().send(new DescribeSubnetsCommand({ MaxResults: 5, NextToken }));
      assert.equal(next.Subnets!.length, 5);
    });
  });

  describe('admin endpoints', () => {
    it('GET /_ec2net/health is JSON with status, version and uptime', async () => {
      const res = await fetch(`${h.url}/_ec2net/health`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const body = (await res.json()) as { status: string; version: string; uptimeSeconds: number };
      assert.equal(body.status, 'ok');
      assert.equal(body.version, VERSION);
      assert.equal(typeof body.uptimeSeconds, 'number');
      assert.ok(body.uptimeSeconds >= 0);
    });

    it('POST /_ec2net/reset forgets everything', async () => {
      await h.ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
      assert.equal(await vpcCount(), 2);
      const res = await fetch(`${h.url}/_ec2net/reset`, { method: 'POST' });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: 'reset' });
      assert.equal(await vpcCount(), 1);
    });

    it('GET /_ec2net/state exports what was created', async () => {
      const { Vpc } = await h
        .ec2('eu-west-1', '111122223333')
        .send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'exported' }] }] }));
      const res = await fetch(`${h.url}/_ec2net/state`);
      assert.equal(res.status, 200);
      const text = await res.text();
      JSON.parse(text);
      assert.ok(text.includes(Vpc!.VpcId!));
      assert.ok(text.includes('111122223333'));
      assert.ok(text.includes('exported'));
    });

    it('unknown admin routes and wrong methods are 404', async () => {
      assert.equal((await fetch(`${h.url}/_ec2net/nope`)).status, 404);
      assert.equal((await fetch(`${h.url}/_ec2net/reset`)).status, 404);
      assert.equal((await fetch(`${h.url}/_ec2net/health`, { method: 'POST' })).status, 404);
    });
  });
});
