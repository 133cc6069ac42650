/**
 * The relay that runs in each VPC's router namespace (Node cannot enter a namespace itself, so it
 * is a child process started with `ip netns exec`). It listens on 169.254.169.254 and
 * fd00:ec2::254 — metadata on port 80, ec2net's API on 4566 — and forwards each HTTP request to ec2net over a root-only Unix
 * socket, adding one header that says which router namespace it came through and from which
 * address: ec2net finds the instance that asked from that. It exits when its stdin closes, that is
 * when the ec2net that started it exits, however it exits.
 */

/** The address instances reach from inside (EC2's link-local metadata address). */
export const INSIDE_ADDRESS = '169.254.169.254';
/** Its IPv6 twin (EC2 User Guide, "Instance metadata service endpoints": reached from IPv6 subnets). */
export const INSIDE_ADDRESS6 = 'fd00:ec2::254';
/** The metadata service's port, as on EC2. */
export const INSIDE_IMDS_PORT = 80;
/** ec2net's API from inside: the port ec2net listens on by default. */
export const INSIDE_API_PORT = 4566;
/** The header the relay sets (and strips from what the instance sent): `<kind> <router ns> <source address>`. */
export const INSIDE_HEADER = 'x-ec2net-inside';
/** Set by ec2net on an answer the relay must not give: it drops the instance's connection instead (an endpoint that is off). */
export const INSIDE_DROP_HEADER = 'x-ec2net-inside-drop';

export type InsideKind = 'imds' | 'api';

/**
 * The relay's program, run as `node -e RELAY_PROGRAM <socket> <router ns> <address,…> <kind>=<port>…`.
 * Plain CommonJS with Node's own modules only: it runs without the bundle.
 */
export const RELAY_PROGRAM = `
const http = require('node:http');
const [socketPath, routerNs, addressList, ...listeners] = process.argv.slice(1);
const addresses = addressList.split(',');
const HEADER = ${JSON.stringify(INSIDE_HEADER)};
const DROP = ${JSON.stringify(INSIDE_DROP_HEADER)};
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
let listening = 0;
for (const spec of listeners) {
  const [kind, port] = spec.split('=');
  const handle = (req, res) => {
    const headers = { ...req.headers };
    headers[HEADER] = kind + ' ' + routerNs + ' ' + req.socket.remoteAddress;
    const up = http.request({ socketPath, agent, method: req.method, path: req.url, headers }, (r) => {
      if (r.headers[DROP]) { r.resume(); req.socket.destroy(); return; }
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.setTimeout(60000, () => up.destroy(new Error('timeout')));
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end();
    });
    req.pipe(up);
  };
  for (const address of addresses) {
    const server = http.createServer({ keepAliveTimeout: 65000 }, handle);
    server.on('error', (e) => { console.error(String(e)); process.exit(1); });
    server.listen(Number(port), address, () => { if (++listening === listeners.length * addresses.length) console.log('ready'); });
  }
}
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
`;
