import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, commonApi } from '@bronze/machinery';
import { nodeOf, osctl, startFakeNode } from '../../test/fake-node.ts';

const system = [
  { namespace: 'system', id: 'registryd', podId: 'registryd', image: 'registry:1', pid: 12, status: 'RUNNING' },
  { namespace: 'system', id: 'apid', podId: 'apid', image: 'bronze/apid', pid: 0, status: 'STOPPED' },
];
const pods = [
  {
    namespace: 'k8s.io',
    id: 'kube-system/coredns-1:coredns',
    podId: 'kube-system/coredns-1',
    image: 'coredns:1.12.1',
    pid: 31,
    status: 'RUNNING',
  },
  {
    namespace: 'k8s.io',
    id: 'kube-system/coredns-1',
    podId: 'kube-system/coredns-1',
    image: 'pause',
    pid: 30,
    status: 'RUNNING',
  },
];

async function fake(t: Parameters<typeof startFakeNode>[0]) {
  const seen: { namespace: string; driver: number; id?: string }[] = [];
  const node = await startFakeNode(t, {
    machine: {
      containers: (req, ctx) => {
        seen.push({ namespace: req.namespace, driver: req.driver });
        if (nodeOf(ctx) === 'down') throw new ApiError('unavailable', 'containerd does not answer on /x.sock');
        return { messages: [{ containers: req.driver === commonApi.ContainerDriver.CRI ? pods : system }] };
      },
      stats: (req) => {
        seen.push({ namespace: req.namespace, driver: req.driver });
        return {
          messages: [
            {
              stats: [
                { namespace: req.namespace, id: 'ns/p:c', podId: 'ns/p', memoryUsage: 12_345_678n, cpuUsage: 99n },
                { namespace: req.namespace, id: 'ns/p', podId: 'ns/p', memoryUsage: 500_000n, cpuUsage: 7n },
              ],
            },
          ],
        };
      },
      restart: (req, ctx) => {
        seen.push({ namespace: req.namespace, driver: req.driver, id: req.id });
        if (req.id === 'nope')
          throw new ApiError('not-found', 'container "nope" not found in containerd namespace system');
        return { messages: [{ metadata: { hostname: nodeOf(ctx) } }] };
      },
    },
  });
  return { node, seen };
}

test('containers lists the system namespace sorted by id, as talosctl prints it', async (t) => {
  const { node, seen } = await fake(t);
  const run = await osctl(node, ['containers', '-n', 'a']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stdout,
    'NODE   NAMESPACE   ID          IMAGE         PID   STATUS\n' +
      'a      system      apid        bronze/apid   0     STOPPED\n' +
      'a      system      registryd   registry:1    12    RUNNING\n',
  );
  assert.deepEqual(seen, [{ namespace: 'system', driver: commonApi.ContainerDriver.CONTAINERD }]);
});

test('containers -k asks the CRI driver for k8s.io and draws containers under their pod', async (t) => {
  const { node, seen } = await fake(t);
  const run = await osctl(node, ['c', '-k', '-n', 'a']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stdout,
    'NODE   NAMESPACE   ID                                 IMAGE            PID   STATUS\n' +
      'a      k8s.io      kube-system/coredns-1              pause            30    RUNNING\n' +
      'a      k8s.io      └─ kube-system/coredns-1:coredns   coredns:1.12.1   31    RUNNING\n',
  );
  assert.deepEqual(seen, [{ namespace: 'k8s.io', driver: commonApi.ContainerDriver.CRI }]);
});

test('a node whose containerd does not answer is reported and the command exits 1', async (t) => {
  const { node } = await fake(t);
  const run = await osctl(node, ['containers', '-n', 'a', '-n', 'down']);
  assert.equal(run.code, 1);
  assert.match(run.stdout, /^a +system +apid /m);
  assert.match(run.stderr, /^down: .*containerd does not answer on \/x\.sock/m);
});

test('restart sends the id with the namespace and driver; an unknown id fails; no id is a usage error', async (t) => {
  const { node, seen } = await fake(t);
  const run = await osctl(node, ['restart', '-k', 'kube-system/coredns-1:coredns', '-n', 'a']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, 'a: restarted kube-system/coredns-1:coredns\n');
  assert.deepEqual(seen, [
    { namespace: 'k8s.io', driver: commonApi.ContainerDriver.CRI, id: 'kube-system/coredns-1:coredns' },
  ]);
  const missing = await osctl(node, ['restart', 'nope', '-n', 'a']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^a: .*container "nope" not found/m);
  assert.equal((await osctl(node, ['restart'])).code, 2);
});

test('stats prints memory in MB and CPU time per container, pod members indented; -k asks CRI', async (t) => {
  const { node, seen } = await fake(t);
  const run = await osctl(node, ['stats', '-k', '-n', 'a']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stdout,
    'NODE   NAMESPACE   ID          MEMORY(MB)   CPU\n' +
      'a      k8s.io      ns/p        0.50         7\n' +
      'a      k8s.io      └─ ns/p:c   12.35        99\n',
  );
  assert.deepEqual(seen, [{ namespace: 'k8s.io', driver: commonApi.ContainerDriver.CRI }]);
});
