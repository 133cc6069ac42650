/**
 * `node dist/bench/image-codec.js [--enis N] [--instances M] [--save FILE | --load FILE]`: the cost
 * of the state's image alone, in-process — encode and decode CPU time of a state of N interfaces
 * (M of them instances' own), without a server, SQLite or a history. `--save` keeps the built
 * image in a file and `--load` decodes one (for profiling the decode with `node --cpu-prof`).
 * Each figure is taken for today's encoding (columnar) and the first one (a structured clone of
 * the graph), alternately in one process, so both meet the same machine load.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { allHandlers } from '../src/api/index.js';
import { Cloud } from '../src/engine/cloud.js';
import { exportState } from '../src/engine/snapshot.js';
import { bodyText } from '../src/protocol/encode.js';
import { loadModel } from '../src/protocol/model.js';
import { QueryApi } from '../src/server/query-api.js';
import { decodeCloud, encodeCloud, encodeCloudAsGraphClone } from '../src/store/cloud-image.js';
import { form, xmlField } from './lib/http.js';

const { values } = parseArgs({
  options: { enis: { type: 'string' }, instances: { type: 'string' }, save: { type: 'string' }, load: { type: 'string' }, check: { type: 'boolean' } },
  strict: true,
});
const ENIS = Number(values.enis ?? 100_000);
const INSTANCES = Number(values.instances ?? 10_000);
const options = { defaultAccountId: '123456789012', quotas: { networkInterfacesPerRegion: ENIS + 1000, vpcsPerRegion: 10 } };

/** CPU milliseconds of `fn` (user + system), and its result. */
function cpu<T>(fn: () => T): [T, number] {
  const t0 = process.cpuUsage();
  const r = fn();
  const t = process.cpuUsage(t0);
  return [r, (t.user + t.system) / 1000];
}

function build(): Cloud {
  const cloud = new Cloud({ ...options, seed: 'image-codec-bench' });
  const api = new QueryApi(loadModel(), allHandlers, () => cloud);
  const caller = { accessKeyId: 'AKIDBENCH', region: 'us-east-1' };
  const call = (action: string, params: Record<string, string | number>) => {
    const r = api.handle(new URLSearchParams(form(action, params)), caller);
    if (r.status !== 200) throw new Error(`${action}: ${bodyText(r.body).slice(0, 300)}`);
    return bodyText(r.body);
  };
  const subnets: string[] = [];
  for (let k = 0; k < 4; k++) {
    const vpc = xmlField(call('CreateVpc', { CidrBlock: `10.${k}.0.0/16` }), 'vpcId')!;
    subnets.push(xmlField(call('CreateSubnet', { VpcId: vpc, CidrBlock: `10.${k}.0.0/16` }), 'subnetId')!);
  }
  for (let i = 0; i < INSTANCES; i++) {
    call('RunInstances', { ImageId: 'ami-0123456789abcdef0', InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, SubnetId: subnets[i % 4]! });
  }
  for (let i = INSTANCES; i < ENIS; i++) {
    const id = xmlField(call('CreateNetworkInterface', { SubnetId: subnets[i % 4]!, SecondaryPrivateIpAddressCount: 1 }), 'networkInterfaceId')!;
    if (i % 3 === 0) call('CreateTags', { 'ResourceId.1': id, 'Tag.1.Key': 'round', 'Tag.1.Value': String(i) });
  }
  return cloud;
}

let image: Buffer;
let graphImage: Buffer | undefined;
if (values.load) {
  image = readFileSync(values.load);
} else {
  const [cloud, buildMs] = cpu(build);
  process.stdout.write(`built ${ENIS} interfaces, ${INSTANCES} instances in ${buildMs.toFixed(0)} ms CPU\n`);
  for (let k = 0; k < 3; k++) {
    const [img, ms] = cpu(() => encodeCloud(cloud));
    image = img;
    process.stdout.write(`encode (columnar): ${ms.toFixed(0)} ms CPU, ${(img.length / 1024 / 1024).toFixed(1)} MiB\n`);
    const [old, oldMs] = cpu(() => encodeCloudAsGraphClone(cloud));
    graphImage = old;
    process.stdout.write(`encode (graph clone): ${oldMs.toFixed(0)} ms CPU, ${(old.length / 1024 / 1024).toFixed(1)} MiB\n`);
  }
  if (values.save) writeFileSync(values.save, image!);
  if (values.check) {
    const again = new Cloud(options);
    decodeCloud(image!, again);
    const same = JSON.stringify(exportState(again)) === JSON.stringify(exportState(cloud));
    process.stdout.write(`decoded state identical: ${same}\n`);
  }
}
for (let k = 0; k < 3; k++) {
  const [, ms] = cpu(() => decodeCloud(image, new Cloud(options)));
  process.stdout.write(`decode: ${ms.toFixed(0)} ms CPU\n`);
  if (graphImage) {
    const [, oldMs] = cpu(() => decodeCloud(graphImage!, new Cloud(options)));
    process.stdout.write(`decode (graph clone): ${oldMs.toFixed(0)} ms CPU\n`);
  }
}
