// Cold start: process spawn → first answered DescribeRegions (HTTP 200), best and median of N,
// for each ec2net entry given (ephemeral and with a durable --data-dir in a fresh temp dir),
// interleaved with a bare node:http server in the same run.
// With --cpu, each process also reports the CPU time it had used when its first answer was sent,
// and when that was by its own clock (performance.now(): from process start, without the
// harness's polling); a preload adds a little to every figure.
// Run: node scripts/cold-start.mjs [--runs N] [--cpu] [ENTRY…]   (default entry: what `npm start` runs)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
let runs = 10;
let cpu = false;
const entries = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--cpu') cpu = true;
  else entries.push(args[i]);
}
if (entries.length === 0) entries.push('dist/ec2net.mjs');

// Prints the process's CPU milliseconds (user + system) once its first HTTP answer is finished.
const CPU_PRELOAD = `data:text/javascript,${encodeURIComponent(`
import { ServerResponse } from 'node:http';
const end = ServerResponse.prototype.end;
ServerResponse.prototype.end = function (...a) {
  ServerResponse.prototype.end = end;
  this.once('finish', () => { const u = process.cpuUsage(); process.stderr.write('CPU ' + (u.user + u.system) / 1000 + ' AT ' + performance.now() + '\\n'); });
  return end.apply(this, a);
};`)}`;

const BARE = `
import { createServer } from 'node:http';
const s = createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(200, { 'content-type': 'text/xml' }).end('<x/>')); });
s.listen(Number(process.argv[1]), '127.0.0.1');
`;
const BODY = 'Action=DescribeRegions&Version=2016-11-15';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function probe(port) {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        agent: false,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': BODY.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
      },
    );
    req.on('error', () => resolve(false));
    req.end(BODY);
  });
}

async function coldStart(argv) {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...(cpu ? ['--import', CPU_PRELOAD] : []), ...argv(port)], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (b) => (err += b));
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 20_000;
  const check = () => {
    if (exited) throw new Error(`exited before answering: ${err}`);
    if (Date.now() > deadline) throw new Error(`no answer within 20 s: ${err}`);
  };
  try {
    for (;;) {
      check();
      if (await probe(port)) {
        const wall = Number(process.hrtime.bigint() - started) / 1e6;
        if (!cpu) return { wall };
        while (!/AT [\d.]+\n/.test(err)) {
          check();
          await new Promise((r) => setTimeout(r, 1));
        }
        return { wall, cpu: Number(/CPU ([\d.]+)/.exec(err)?.[1]), at: Number(/AT ([\d.]+)/.exec(err)?.[1]) };
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => (exited ? r() : child.once('exit', r)));
  }
}

const cases = [['bare node:http', (port) => ['--input-type=module', '-e', BARE, String(port)]]];
for (const entry of entries) {
  const serve = (port) => [entry, 'serve', '--port', String(port), '--imds-port', 'off', '--log-level', 'silent'];
  cases.push([`${entry} --ephemeral`, (port) => [...serve(port), '--ephemeral']]);
  cases.push([
    `${entry} --data-dir`,
    (port) => {
      const dir = mkdtempSync(join(tmpdir(), 'ec2net-cold-'));
      dirs.push(dir);
      return [...serve(port), '--data-dir', dir];
    },
  ]);
}
const dirs = [];
const times = cases.map(() => []);
for (let r = 0; r < runs; r++) {
  for (let c = 0; c < cases.length; c++) times[c].push(await coldStart(cases[c][1]));
}
for (const d of dirs) rmSync(d, { recursive: true, force: true });
const stats = (xs) => {
  const t = [...xs].sort((a, b) => a - b);
  return `best ${t[0].toFixed(1).padStart(6)} ms  median ${t[Math.floor(t.length / 2)].toFixed(1).padStart(6)} ms`;
};
console.log(`cold start, ${runs} runs each (wall: spawn to first 200${cpu ? "; cpu: the process's own CPU time until then" : ''})`);
for (let c = 0; c < cases.length; c++) {
  const cpuPart = cpu ? `   cpu ${stats(times[c].map((x) => x.cpu))}   in-process ${stats(times[c].map((x) => x.at))}` : '';
  console.log(`${cases[c][0].padEnd(42)} wall ${stats(times[c].map((x) => x.wall))}${cpuPart}`);
}
