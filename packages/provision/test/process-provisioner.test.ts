// The process provider against a stand-in node program (fake-node.ts): the conformance suite plus
// what only this provider does (failures during create, stubborn processes, reused pids).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { loadConfig } from '@bronze/machinery';
import { isProvisionError, processProvisioner, type Provisioner } from '../src/index.ts';
import { provisionerConformance } from '../src/provisioner-conformance.ts';
import { commandLineOf, killNodesUnder, nodeProcesses } from '../src/node-process.ts';

const fake = join(import.meta.dirname, 'fake-node.ts');

async function stateRoot(t: TestContext): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'bronze-provision-'));
  // One hook, so nothing of a failed test outlives its directory (after hooks run in order).
  t.after(async () => {
    await killNodesUnder(root);
    await rm(root, { recursive: true, force: true });
  });
  return root;
}

async function fakeProvisioner(
  t: TestContext,
  mode = '',
  stopTimeoutMs = 2000,
): Promise<{ p: Provisioner; root: string }> {
  const root = await stateRoot(t);
  const p = processProvisioner({
    stateRoot: root,
    program: fake,
    env: { ...process.env, FAKE_NODE_MODE: mode },
    stopTimeoutMs,
  });
  return { p, root };
}

provisionerConformance('process (fake node program)', {
  make: async (t) => (await fakeProvisioner(t)).p,
  isGone: async (node) =>
    (await nodeProcesses(node.stateDir)).length === 0 &&
    (node.pid === undefined || (await commandLineOf(node.pid)) === undefined),
  rsaBits: 2048,
});

test('configs carry the endpoint, the patches by role, and each node its hostname and address', async (t) => {
  const { p, root } = await fakeProvisioner(t);
  await writeFile(join(root, 'all.yaml'), 'machine:\n  env:\n    ALL: "1"\n');
  const info = await p.create({
    name: 'patched',
    controlPlanes: 1,
    workers: 1,
    rsaBits: 2048,
    cwd: root,
    patches: {
      all: ['@all.yaml'],
      controlPlane: ['{"machine": {"env": {"ROLE": "cp"}}}'],
      worker: ['[{"op": "add", "path": "/machine/env/ROLE", "value": "worker"}]'],
    },
  });
  t.after(() => p.destroy('patched').catch(() => undefined));
  for (const node of info.nodes) {
    const config = loadConfig(await readFile(join(info.dir, 'configs', `${node.name}.yaml`), 'utf8')).config;
    const v1 = config?.v1alpha1();
    assert.ok(v1 !== undefined, `${node.name} has a v1alpha1 config`);
    assert.equal(v1.cluster?.controlPlane?.endpoint, `https://${info.nodes[0]?.address ?? ''}:6443`);
    assert.equal(v1.machine?.network?.hostname, node.name);
    assert.deepEqual(v1.machine.certSANs, [node.address]);
    assert.deepEqual(v1.machine.env, { ALL: '1', ROLE: node.role === 'controlplane' ? 'cp' : 'worker' });
  }
  await p.destroy('patched');
});

test('a node that dies during create: the error names it and its log, nothing else is left', async (t) => {
  const { p, root } = await fakeProvisioner(t, 'crash');
  await assert.rejects(
    p.create({ name: 'dies', controlPlanes: 1, workers: 1, rsaBits: 2048, waitTimeoutMs: 20_000 }),
    (err) => {
      assert.ok(isProvisionError(err, 'node-failed'), String(err));
      assert.match(
        err.message,
        /node dies-(controlplane|worker)-1 \(127\.0\.\d+\.[23]\) failed: machined \(pid \d+\) exited/,
      );
      assert.match(err.message, /its log is .*logs\/dies-(controlplane|worker)-1\.log/);
      assert.match(err.message, /crashing on purpose/);
      return true;
    },
  );
  assert.deepEqual(await readdir(join(root, 'dies')), ['logs']);
  assert.deepEqual((await readdir(join(root, 'dies', 'logs'))).sort(), [
    'dies-controlplane-1.log',
    'dies-worker-1.log',
  ]);
  assert.deepEqual(await p.list(), []);
});

test('a node that never answers times out, and the started processes are stopped', async (t) => {
  const { p, root } = await fakeProvisioner(t, 'hang');
  const lines: string[] = [];
  await assert.rejects(
    p.create({
      name: 'hangs',
      controlPlanes: 1,
      workers: 0,
      rsaBits: 2048,
      waitTimeoutMs: 6000,
      progress: (l) => lines.push(l),
    }),
    /no answer from apid on 127\.0\.\d+\.2:50000 in time/,
  );
  assert.ok(
    lines.some((l) => /still waiting for 1 of 1 nodes after 5s \(hangs-controlplane-1: /.test(l)),
    lines.join('\n'),
  );
  assert.deepEqual(await nodeProcesses(join(root, 'hangs', 'nodes', 'controlplane-1')), []);
});

test('an aborted create leaves a cluster that can be created again', async (t) => {
  const { p, root } = await fakeProvisioner(t, 'hang');
  const abort = new AbortController();
  setTimeout(() => {
    abort.abort(new Error('interrupted'));
  }, 1500);
  await assert.rejects(
    p.create({ name: 'again', controlPlanes: 1, workers: 0, rsaBits: 2048, signal: abort.signal }),
    /interrupted/,
  );
  await assert.rejects(p.show('again'), (e) => isProvisionError(e, 'not-found'));
  const healthy = processProvisioner({ stateRoot: root, program: fake });
  const info = await healthy.create({ name: 'again', controlPlanes: 1, workers: 0, rsaBits: 2048 });
  assert.equal(info.nodes[0]?.state, 'running');
  assert.deepEqual((await healthy.destroy('again')).leftovers, []);
});

test("a state directory too long for machined's socket is refused before anything starts", async (t) => {
  const root = join(await stateRoot(t), 'x'.repeat(60));
  const p = processProvisioner({ stateRoot: root, program: fake });
  await assert.rejects(
    p.create({ name: 'long', controlPlanes: 1, workers: 0 }),
    (e) =>
      isProvisionError(e, 'invalid') && /is too long: machined's socket under it would be \d+ bytes/.test(e.message),
  );
  assert.deepEqual(await p.list(), []);
});

test('destroy cleans up a cluster whose creator was killed half-way', async (t) => {
  const root = await stateRoot(t);
  const creator = spawn(process.execPath, [join(import.meta.dirname, 'create-cluster.ts'), root, 'half', '1'], {
    stdio: 'ignore',
    env: { ...process.env, BRONZE_MACHINED: fake, FAKE_NODE_MODE: 'hang' },
  });
  t.after(() => creator.kill('SIGKILL'));
  const recordPath = join(root, 'half', 'cluster.json');
  let pids: number[] = [];
  for (let i = 0; i < 200 && pids.length < 2; i++) {
    await sleep(100);
    const text = await readFile(recordPath, 'utf8').catch(() => '{"nodes": []}');
    pids = (JSON.parse(text) as { nodes: { pid?: number }[] }).nodes.flatMap((n) =>
      n.pid === undefined ? [] : [n.pid],
    );
  }
  assert.equal(pids.length, 2, 'both nodes were started');
  creator.kill('SIGKILL');
  await once(creator, 'exit');
  const p = processProvisioner({ stateRoot: root, program: fake, stopTimeoutMs: 2000 });
  const info = await p.show('half');
  assert.deepEqual(
    info.nodes.map((n) => n.state),
    ['running', 'running'],
  );
  assert.deepEqual((await p.destroy('half')).leftovers, []);
  for (const node of info.nodes) assert.deepEqual(await nodeProcesses(node.stateDir), []);
  for (const pid of pids) assert.equal(await commandLineOf(pid), undefined);
});

test('create never deletes a directory at the cluster path that is not a cluster', async (t) => {
  const { p, root } = await fakeProvisioner(t);
  await mkdir(join(root, 'mine', 'notes'), { recursive: true });
  await writeFile(join(root, 'mine', 'notes', 'todo.txt'), 'keep me');
  await assert.rejects(
    p.create({ name: 'mine', controlPlanes: 1, workers: 0 }),
    (e) => isProvisionError(e, 'exists') && /is not a cluster of this provisioner/.test(e.message),
  );
  assert.equal(await readFile(join(root, 'mine', 'notes', 'todo.txt'), 'utf8'), 'keep me');
});

test('destroy kills a machined that ignores SIGTERM, and its children', async (t) => {
  const { p } = await fakeProvisioner(t, 'ignore-term', 500);
  const info = await p.create({ name: 'stubborn', controlPlanes: 1, workers: 0, rsaBits: 2048 });
  const node = info.nodes[0];
  assert.ok(node !== undefined);
  assert.equal((await nodeProcesses(node.stateDir)).length, 2, 'machined and its apid');
  const result = await p.destroy('stubborn');
  assert.deepEqual(
    result.stopped.map((s) => s.how),
    ['killed'],
  );
  assert.deepEqual(await nodeProcesses(node.stateDir), []);
  await assert.rejects(stat(node.stateDir));
});

test('destroy never signals a recorded pid that now belongs to another program', async (t) => {
  const { p, root } = await fakeProvisioner(t);
  const info = await p.create({ name: 'reused', controlPlanes: 1, workers: 0, rsaBits: 2048 });
  const record = JSON.parse(await readFile(join(root, 'reused', 'cluster.json'), 'utf8')) as {
    nodes: { pid: number }[];
  };
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  t.after(() => other.kill('SIGKILL'));
  const realPid = info.nodes[0]?.pid;
  record.nodes[0] = { ...record.nodes[0], pid: other.pid ?? 0 };
  await writeFile(join(root, 'reused', 'cluster.json'), JSON.stringify(record));
  assert.equal((await p.show('reused')).nodes[0]?.state, 'stopped');
  await p.destroy('reused');
  assert.equal(other.exitCode, null, 'the other program still runs');
  assert.ok(
    realPid !== undefined && (await commandLineOf(realPid)) === undefined,
    'our machined was still found by its state dir',
  );
});
