import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerBody } from './engine-containers.ts';
import { nodeContainerSpec } from './node-container.ts';
import { planSubnet } from './cidr.ts';
import { isProvisionError } from '../provision-error.ts';

void test('cidr: not a subnet, or too small, is refused saying what fits', () => {
  assert.throws(
    () => planSubnet('10.5.0.0', 1),
    (e) => isProvisionError(e, 'invalid') && /--cidr 10.5.0.0 is not/.test(e.message),
  );
  assert.throws(
    () => planSubnet('10.5.0.300/24', 1),
    (e) => isProvisionError(e, 'invalid'),
  );
  assert.throws(
    () => planSubnet('10.5.0.0/29', 6),
    (e) => isProvisionError(e, 'invalid') && /6 host addresses/.test(e.message),
  );
  assert.deepEqual(planSubnet('10.5.0.7/24', 3), {
    cidr: '10.5.0.0/24',
    gateway: '10.5.0.1',
    addresses: ['10.5.0.2', '10.5.0.3', '10.5.0.4'],
  });
});

void test('a node container: privileged, read-only root, tmpfs, volumes, USERDATA, clamped ulimits, labels', () => {
  const spec = nodeContainerSpec({
    cluster: 'demo',
    node: { name: 'demo-controlplane-1', role: 'controlplane', address: '10.5.0.2' },
    image: 'localhost/bronze/node:v0',
    network: 'demo',
    config: 'version: v1alpha1\n',
    hardLimits: new Map([
      ['nofile', 20000],
      ['nproc', 4096],
    ]),
    apiPort: 40000,
    nanoCpus: 2e9,
    memoryBytes: 2 ** 31,
  });
  const body = containerBody(spec) as {
    Env: string[];
    Cmd: string[];
    Labels: Record<string, string>;
    ExposedPorts: Record<string, object>;
    HostConfig: Record<string, unknown>;
    NetworkingConfig: unknown;
  };
  assert.deepEqual(body.Env, [`USERDATA=${Buffer.from('version: v1alpha1\n').toString('base64')}`]);
  assert.deepEqual(body.Cmd, ['--platform', 'container']);
  assert.deepEqual(body.Labels, {
    'bronze.owned': 'true',
    'bronze.cluster.name': 'demo',
    'bronze.type': 'controlplane',
    'bronze.node': 'demo-controlplane-1',
  });
  assert.deepEqual(body.ExposedPorts, { '50000/tcp': {} });
  const h = body.HostConfig;
  assert.equal(h['Privileged'], true);
  assert.equal(h['ReadonlyRootfs'], true);
  assert.deepEqual(h['Tmpfs'], { '/run': 'rw', '/system': 'rw', '/tmp': 'rw' });
  assert.deepEqual(h['Mounts'], [
    { Type: 'volume', Source: 'demo-controlplane-1-var', Target: '/var' },
    { Type: 'volume', Source: 'demo-controlplane-1-state', Target: '/system/state' },
  ]);
  assert.deepEqual(h['Ulimits'], [
    { Name: 'nofile', Soft: 20000, Hard: 20000 },
    { Name: 'nproc', Soft: 4096, Hard: 4096 },
  ]);
  assert.deepEqual(h['PortBindings'], { '50000/tcp': [{ HostIp: '127.0.0.1', HostPort: '40000' }] });
  assert.equal(h['NetworkMode'], 'demo');
  assert.equal(h['NanoCpus'], 2e9);
  assert.equal(h['Memory'], 2 ** 31);
  assert.deepEqual(body.NetworkingConfig, { EndpointsConfig: { demo: { IPAMConfig: { IPv4Address: '10.5.0.2' } } } });
});
