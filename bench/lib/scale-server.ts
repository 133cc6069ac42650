/**
 * The ec2net CLI for the scale workloads, run as a child process with one addition: a control
 * listener that forces a full garbage collection and reports `process.memoryUsage()`, so memory
 * is always read at the same point of the GC cycle.
 *
 *   node --expose-gc dist/bench/lib/scale-server.js serve --port P … (any `ec2net serve` flags)
 *
 * Prints `CONTROL <port>` once the control listener is up, then runs `dist/src/cli.js` in this
 * process with the remaining arguments — the CLI's own code path, flags included (the scale
 * workloads need `--quota network-interfaces-per-region=N`: AWS's default of 5,000 is too low).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const gc = (globalThis as { gc?: () => void }).gc;
const control = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/gc') {
      // Two passes: the first may only schedule finalisers that free more on the second.
      gc?.();
      gc?.();
      const body = JSON.stringify({ gc: gc !== undefined, ...process.memoryUsage() });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      return;
    }
    res.writeHead(404).end();
  });
});
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
control.unref();
process.stdout.write(`CONTROL ${(control.address() as AddressInfo).port}\n`);

// Leave with the harness: if the parent dies without killing us, we are re-parented.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();

// The CLI reads its arguments from process.argv.slice(2).
const cli = new URL('../../src/cli.js', import.meta.url);
process.argv = [process.argv[0]!, cli.pathname, ...process.argv.slice(2)];
await import(cli.href);
