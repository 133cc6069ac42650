/**
 * The ceiling: a bare node:http server (run as a child process) that reads each request body and
 * answers a fixed EC2-like XML document — the HTTP cost with none of ec2net's work.
 * `POST /_bare/body` replaces the answer (the harness sends ec2net's own answer for the workload,
 * so both servers write the same number of bytes). Prints `PORT <n>` once listening.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let body = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId>
    <vpcSet>
        <item>
            <vpcId>vpc-0123456789abcdef0</vpcId>
            <ownerId>123456789012</ownerId>
            <state>available</state>
            <cidrBlock>10.0.0.0/16</cidrBlock>
            <cidrBlockAssociationSet>
                <item>
                    <cidrBlock>10.0.0.0/16</cidrBlock>
                    <associationId>vpc-cidr-assoc-0123456789abcdef0</associationId>
                    <cidrBlockState><state>associated</state></cidrBlockState>
                </item>
            </cidrBlockAssociationSet>
            <dhcpOptionsId>dopt-0123456789abcdef0</dhcpOptionsId>
            <instanceTenancy>default</instanceTenancy>
            <isDefault>false</isDefault>
        </item>
    </vpcSet>
</DescribeVpcsResponse>`;

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/_bare/body' && req.method === 'POST') {
      body = Buffer.concat(chunks).toString('utf8');
      res.writeHead(204).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/xml;charset=UTF-8',
      'content-length': Buffer.byteLength(body),
      'x-amzn-requestid': '7a62c49f-347e-4fc4-9331-6e8eEXAMPLE',
      server: 'bare',
    });
    res.end(body);
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`PORT ${(server.address() as AddressInfo).port}\n`);
});

// Leave with the harness: if the parent dies without killing us, we are re-parented.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
