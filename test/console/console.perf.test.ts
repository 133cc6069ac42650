/**
 * The console stays fast with 1,000 interfaces in one VPC: first render (navigation start to
 * the first painted diagram) is measured in headless Chromium, with the diagram's culling and
 * without it (?draw=all), and so is the delay of a live update. The figures are printed and
 * saved to out/console-first-render.json; the test fails past a generous budget.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  RunInstancesCommand,
  waitUntilInstanceRunning,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { Browser } from 'playwright-core';
import { attachNewGateway, startHarness, type Harness } from '../interop/harness.js';
import { launchChromium, outDir } from './browser.js';

const ACCOUNT = '313131313131';
const REGION = 'us-east-1';
const INTERFACES = 1000;
/** Budget for the first render (ms since navigation started); measured figures are far below it. */
const BUDGET_MS = 3000;

/** Runs `tasks` with at most `n` at a time. */
async function pool<T>(n: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < tasks.length) {
        const i = next++;
        out[i] = await tasks[i]!();
      }
    }),
  );
  return out;
}

interface Measure {
  firstRenderMs: number;
  fetchMs: number;
  layoutMs: number;
  drawnBlocks: number;
  blocks: number;
  svgElements: number;
}

describe('web console with 1,000 interfaces in a VPC', { timeout: 120_000 }, () => {
  let h: Harness;
  let browser: Browser;
  let ec2: EC2Client;
  let vpcId = '';
  let subnets: string[] = [];

  before(async () => {
    [h, browser] = await Promise.all([startHarness(), launchChromium()]);
    ec2 = h.ec2(REGION, ACCOUNT);
    vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }))).Vpc!.VpcId!;
    await attachNewGateway(ec2, vpcId); // the Elastic IPs below need a gateway (aws-behaviour.md §4.13)
    subnets = await Promise.all(
      ['us-east-1a', 'us-east-1b', 'us-east-1c'].map(
        async (zone, i) =>
          (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.30.${i * 4}.0/22`, AvailabilityZone: zone }))).Subnet!.SubnetId!,
      ),
    );
    // 60 instances (60 eth0), 940 more interfaces, 120 of them attached as eth1/eth2.
    const instances = (
      await Promise.all(
        subnets.map((SubnetId) =>
          ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 'm5.xlarge', MinCount: 20, MaxCount: 20, SubnetId })),
        ),
      )
    ).flatMap((r) => r.Instances!.map((i) => ({ id: i.InstanceId!, subnet: i.SubnetId! })));
    await waitUntilInstanceRunning({ client: ec2, minDelay: 1, maxDelay: 1, maxWaitTime: 15 }, { InstanceIds: instances.map((i) => i.id) });
    const extra = INTERFACES - instances.length;
    const made = await pool(
      16,
      Array.from(
        { length: extra },
        (_, i) => () =>
          ec2
            .send(
              new CreateNetworkInterfaceCommand({
                SubnetId: subnets[i % 3]!,
                SecondaryPrivateIpAddressCount: i % 4 === 0 ? 2 : undefined,
                Description: `bulk ${i}`,
              }),
            )
            .then((r) => ({ id: r.NetworkInterface!.NetworkInterfaceId!, subnet: subnets[i % 3]!, ip: r.NetworkInterface!.PrivateIpAddress! })),
      ),
    );
    const attach: (() => Promise<unknown>)[] = [];
    const free = new Map(subnets.map((s) => [s, made.filter((m) => m.subnet === s)]));
    for (const instance of instances) {
      for (const device of [1, 2]) {
        const e = free.get(instance.subnet)!.shift()!;
        attach.push(() => ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: e.id, InstanceId: instance.id, DeviceIndex: device })));
      }
    }
    await pool(16, attach);
    for (const e of made.slice(-5)) {
      const allocationId = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
      await ec2.send(new AssociateAddressCommand({ AllocationId: allocationId, NetworkInterfaceId: e.id }));
    }
  });

  after(async () => {
    await browser?.close();
    await h?.close();
  });

  async function measure(query: string): Promise<Measure> {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    try {
      await page.goto(`${h.url}/console/?account=${ACCOUNT}&region=${REGION}&vpc=${vpcId}${query}`);
      await page.waitForSelector('body[data-first-render]', { timeout: 30_000 });
      return await page.evaluate(() => {
        const m = window as unknown as { __ec2netConsole: { firstRenderMs: number; fetchMs: number; layoutMs: number } };
        const svg = document.querySelector('svg.diagram')!;
        return {
          ...m.__ec2netConsole,
          drawnBlocks: Number(svg.getAttribute('data-drawn')),
          blocks: Number(svg.getAttribute('data-blocks')),
          svgElements: svg.querySelectorAll('*').length,
        };
      });
    } finally {
      await page.close();
    }
  }

  it('draws the first render fast, and a live change quickly', async () => {
    const topology = (await (await fetch(`${h.url}/console/api/topology?account=${ACCOUNT}&region=${REGION}&vpc=${vpcId}`)).json()) as {
      interfaces: unknown[];
    };
    assert.equal(topology.interfaces.length, INTERFACES);
    const t0 = performance.now();
    await measure(''); // warm-up: the first browser page pays for starting its renderer
    const culled = await measure('');
    const all = await measure('&draw=all');
    console.log(`# three page loads: ${Math.round(performance.now() - t0)} ms`);

    // A live update with 1,000 interfaces on screen: SDK call → drawn.
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(`${h.url}/console/?account=${ACCOUNT}&region=${REGION}&vpc=${vpcId}`);
    await page.waitForSelector('body[data-first-render]');
    await page.screenshot({ path: join(await outDir(), 'console-1000-interfaces.png') });
    const blocks = Number(await page.locator('svg.diagram').getAttribute('data-blocks'));
    const started = performance.now();
    const made = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnets[0]! }));
    await page.locator(`svg.diagram[data-blocks="${blocks + 1}"]`).waitFor();
    const liveMs = Math.round(performance.now() - started);
    // Far down the diagram, found and shown by the find box.
    const id = made.NetworkInterface!.NetworkInterfaceId!;
    await page.locator('[data-testid=find]').fill(id);
    await page.locator('[data-testid=find]').press('Enter');
    await page.locator(`[data-kind=interface][data-id=${id}]`).waitFor();
    await page.locator(`[data-testid=detail-panel][data-id=${id}]`).waitFor();
    await page.close();

    const report = { interfaces: INTERFACES, culled, drawAll: all, liveUpdateMs: liveMs, chromium: browser.version() };
    await writeFile(join(await outDir(), 'console-first-render.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(
      `# console first render with ${INTERFACES} interfaces: ${culled.firstRenderMs} ms (topology fetch ${culled.fetchMs} ms, layout ${culled.layoutMs} ms, ${culled.drawnBlocks}/${culled.blocks} blocks drawn, ${culled.svgElements} SVG elements); everything drawn: ${all.firstRenderMs} ms (${all.svgElements} SVG elements); live update ${liveMs} ms`,
    );
    assert.ok(culled.firstRenderMs < BUDGET_MS, `first render ${culled.firstRenderMs} ms exceeds ${BUDGET_MS} ms`);
    assert.ok(culled.drawnBlocks < culled.blocks, 'only blocks near the visible area are drawn');
    assert.ok(liveMs < BUDGET_MS, `live update ${liveMs} ms exceeds ${BUDGET_MS} ms`);
  });
});
