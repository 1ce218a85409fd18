import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { clusterDir, writeClusterRecord, type ClusterRecord } from './cluster-record.ts';
import { isProvisionError } from './provision-error.ts';
import { startClusterNode, stopClusterNode } from './process-node-ops.ts';

async function fixture(t: {
  after: (fn: () => Promise<void>) => void;
}): Promise<{ root: string; record: ClusterRecord }> {
  const root = await mkdtemp(join(tmpdir(), 'bronze-node-ops-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const dir = clusterDir(root, 'c');
  const record: ClusterRecord = {
    name: 'c',
    provisioner: 'process',
    createdAt: new Date(0).toISOString(),
    subnet: '127.0.99.0/24',
    kubernetesEndpoint: 'https://127.0.99.1:6443',
    program: '/nonexistent/main.ts',
    nodes: [
      {
        name: 'c-controlplane-1',
        role: 'controlplane',
        address: '127.0.99.1',
        stateDir: join(dir, 'nodes/c-controlplane-1'),
        configPath: join(dir, 'c-controlplane-1.yaml'),
        logPath: join(dir, 'c-controlplane-1.log'),
      },
    ],
  };
  await writeClusterRecord(dir, record);
  return { root, record };
}

test('an unknown cluster or node is named with what exists', async (t) => {
  const { root } = await fixture(t);
  const options = { root, stopTimeoutMs: 100 };
  await assert.rejects(stopClusterNode('nope', 'x', options), (e) => isProvisionError(e, 'not-found'));
  await assert.rejects(
    startClusterNode('c', 'c-worker-9', options),
    (e) => isProvisionError(e, 'not-found') && /nodes: c-controlplane-1/.test(e.message),
  );
});

test('a stopped node reports gone; a running one is not started twice', async (t) => {
  const { root, record } = await fixture(t);
  const options = { root, stopTimeoutMs: 100 };
  assert.equal(await stopClusterNode('c', '127.0.99.1', options), 'gone');
  const stateDir = record.nodes[0]?.stateDir ?? '';
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)', '--', '--state-dir', stateDir]);
  t.after(() => {
    child.kill('SIGKILL');
    return Promise.resolve();
  });
  await new Promise((resolve) => child.once('spawn', resolve));
  await assert.rejects(
    startClusterNode('c', 'c-controlplane-1', options),
    (e) => isProvisionError(e, 'exists') && /is running \(pids \d+\): stop it first/.test(e.message),
  );
  assert.equal(await stopClusterNode('c', 'c-controlplane-1', options), 'killed');
});
