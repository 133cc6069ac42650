/** Who asked, from inside: the router namespace and the source address, by the data plane's picture (no root needed). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instanceFrom } from '../../src/dataplane/inside.js';
import type { InterfacePicture, Picture } from '../../src/dataplane/picture.js';

const iface = (over: Partial<InterfacePicture>): InterfacePicture => ({
  eniId: 'eni-1',
  instanceNs: 'i-1',
  routerNs: 'ec2net-vpc-1',
  dev: 'eth0',
  peer: 'v1',
  mac: '02:00:00:00:00:01',
  primary: '10.0.0.10',
  prefix: 24,
  gateway: '10.0.0.1',
  addresses: ['10.0.0.10'],
  ipv6: [],
  sourceDestCheck: true,
  up: true,
  ...over,
});

const picture = (...interfaces: InterfacePicture[]): Picture => ({
  routers: new Map([['ec2net-vpc-1', ['10.0.0.1']]]),
  instances: new Set(interfaces.map((i) => i.instanceNs)),
  interfaces: new Map(interfaces.map((i) => [i.eniId, i])),
});

describe('data plane inside: finding the instance that asked', () => {
  const p = picture(
    iface({}),
    iface({ eniId: 'eni-2', instanceNs: 'i-2', dev: 'eth1', addresses: ['10.0.0.20', '10.0.0.99'] }),
    iface({ eniId: 'eni-3', instanceNs: 'i-3', routerNs: 'ec2net-vpc-2', addresses: ['10.0.0.10'] }),
    iface({ eniId: 'eni-4', instanceNs: 'i-4', addresses: ['10.0.0.40'], up: false }),
  );

  it('by the address an interface holds, primary or secondary, within the router namespace it came through', () => {
    assert.equal(instanceFrom(p, 'ec2net-vpc-1', '10.0.0.10'), 'i-1');
    assert.equal(instanceFrom(p, 'ec2net-vpc-1', '10.0.0.99'), 'i-2');
    // The same address in another VPC is another instance.
    assert.equal(instanceFrom(p, 'ec2net-vpc-2', '10.0.0.10'), 'i-3');
  });

  it('no one for an address no interface holds, or whose interface is down (a stopped instance)', () => {
    assert.equal(instanceFrom(p, 'ec2net-vpc-1', '10.0.0.77'), undefined);
    assert.equal(instanceFrom(p, 'ec2net-vpc-1', '10.0.0.40'), undefined);
  });
});
