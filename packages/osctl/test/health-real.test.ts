// osctl health against a real process cluster (3 control planes, 1 worker, the real etcd): it fails
// on the services check before bootstrap (etcd waits for its launch) and passes after one
// `osctl bootstrap`, with the nodes given by flag and with roles learned from the nodes.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, suite, test } from 'node:test';
import { defaultNodeProgram, processProvisioner, type ClusterInfo } from '@bronze/provision';
import { runCli } from '../src/cli.ts';
import type { NodeIo } from '../src/commands/node-command.ts';

const program = defaultNodeProgram();
const skip = !existsSync(program)
  ? `machined is not in this tree yet (${program})`
  : !existsSync('/usr/bin/etcd')
    ? 'no etcd binary at /usr/bin/etcd'
    : false;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

void suite('osctl health against a real process cluster', { skip, timeout: 180_000 }, () => {
  let root = '';
  let info: ClusterInfo;
  let created = false;
  let cp = '';
  let cps: string[] = [];
  let worker = '';
  const provisioner = () => processProvisioner({ stateRoot: root, stopTimeoutMs: 5000 });

  const osctl = async (args: string[]): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    const io: NodeIo = { out: (s) => (stdout += s), err: (s) => (stderr += s), env: { HOME: root }, cwd: root };
    const code = await runCli(['--talosconfig', join(root, 'talosconfig'), '-e', cp, ...args], io);
    return { code, stdout, stderr };
  };

  before(async () => {
    process.env['BRONZE_ETCD_HEALTH_PERIOD_MS'] = '500';
    root = await mkdtemp(join(tmpdir(), 'bronze-osctl-health-'));
    info = await provisioner().create({
      name: 'health',
      controlPlanes: 3,
      workers: 1,
      rsaBits: 2048,
      waitTimeoutMs: 30_000,
      talosconfig: join(root, 'talosconfig'),
    });
    created = true;
    cps = info.nodes.filter((n) => n.role === 'controlplane').map((n) => n.address);
    cp = cps[0] ?? '';
    worker = info.nodes.find((n) => n.role === 'worker')?.address ?? '';
  });

  after(async () => {
    delete process.env['BRONZE_ETCD_HEALTH_PERIOD_MS'];
    if (created)
      await provisioner()
        .destroy('health')
        .catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });

  test('before bootstrap health fails naming the check that waits for etcd', async () => {
    const run = await osctl([
      'health',
      '--control-plane-nodes',
      cps.join(','),
      '--worker-nodes',
      worker,
      '--wait-timeout',
      '4s',
    ]);
    assert.equal(run.code, 1, run.stdout);
    assert.match(run.stdout, /^waiting for apid to be ready: \.\.\.\nwaiting for apid to be ready: OK\n/);
    assert.match(
      run.stderr,
      /^error: waiting for all nodes to finish boot sequence: timed out after 4s: .*services not up and healthy: etcd\)\n$/,
    );
  });

  test('after one bootstrap health passes, with flags and with roles learned from the nodes', async () => {
    const boot = await osctl(['bootstrap', '-n', cp]);
    assert.equal(boot.code, 0, boot.stderr);
    const run = await osctl([
      'health',
      '--control-plane-nodes',
      cps.join(','),
      '--worker-nodes',
      worker,
      '--wait-timeout',
      '90s',
    ]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /waiting for etcd members to be control plane nodes: OK\n$/);
    const learned = await osctl(['health', '-n', [...cps, worker].join(','), '--wait-timeout', '30s']);
    assert.equal(learned.code, 0, `${learned.stdout}\n${learned.stderr}`);
    // the cluster's own context lists every node: no flag at all
    const plain = await osctl(['health', '--wait-timeout', '30s']);
    assert.equal(plain.code, 0, `${plain.stdout}\n${plain.stderr}`);
  });
});
