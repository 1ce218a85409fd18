// Kubernetes on a 3 + 1 docker cluster of the node image, the lighter check: with the kubeconfig of
// `osctl kubeconfig` and the pinned kubectl, every node is Ready and each of the three control planes
// runs its own kube-apiserver, kube-controller-manager and kube-scheduler; then the cluster is
// destroyed without leftovers. The workload steps are in kubernetes.e2e.ts (1 + 1). Part of
// `npm run test:e2e`; skips only without an engine.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { bootstrapCluster, dockerProvisioner } from '../src/index.ts';
import { eventually, field, kubeItems, kubectlBinary, kubectlWith, nodeReady, osctl } from './kube-e2e-helpers.ts';
import { nodeImageTarget } from './node-image-fixture.ts';

const { engine, image, skip } = await nodeImageTarget();
const name = 'e2e-k8s-3p1';
const staticPods = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

void test(
  'a 3 + 1 docker cluster: every node Ready, static pods on all three control planes',
  { skip, timeout: 600_000 },
  async (t) => {
    const started = Date.now();
    const since = (): string => `${String(Math.round((Date.now() - started) / 1000))} s`;
    const kubectlPath = await kubectlBinary();
    const root = await mkdtemp(join(tmpdir(), 'bronze-kubernetes-ha-e2e-'));
    t.after(() => rm(root, { recursive: true, force: true }));
    const provisioner = dockerProvisioner({
      stateRoot: root,
      socketPath: engine.socketPath,
      image,
      cidr: '10.213.43.0/24',
    });
    t.after(() => provisioner.destroy(name).catch(() => undefined));
    const info = await provisioner.create({
      name,
      controlPlanes: 3,
      workers: 1,
      talosconfig: join(root, 'talosconfig'),
      rsaBits: 2048,
      waitTimeoutMs: 180_000,
    });
    await bootstrapCluster(info, { timeoutMs: 180_000 });
    t.diagnostic(`created and bootstrapped in ${since()}`);
    const cps = info.nodes.filter((n) => n.role === 'controlplane');
    const first = cps[0];
    assert.ok(first !== undefined && cps.length === 3 && info.talosconfig !== undefined);
    const { path, context } = info.talosconfig;

    const kubeconfig = join(root, 'kubeconfig');
    await eventually('osctl kubeconfig', 120_000, () =>
      osctl(['--talosconfig', path, '--context', context, '-n', first.address, 'kubeconfig', kubeconfig]),
    );
    const kubectl = kubectlWith(kubectlPath, kubeconfig);

    const ready = await eventually('all four nodes Ready', 240_000, async () => {
      const nodes = await kubeItems(kubectl, ['nodes']);
      const names = nodes.filter(nodeReady).map((n) => String(field(n, 'metadata', 'name')));
      if (names.length < info.nodes.length) throw new Error(`Ready: ${JSON.stringify(names)}`);
      return names;
    });
    assert.deepEqual(ready.sort(), info.nodes.map((n) => n.name).sort());
    t.diagnostic(`nodes Ready ${since()} after create`);

    const want = cps.flatMap((cp) => staticPods.map((p) => `${p}-${cp.name}`));
    await eventually('the static pods Running on every control plane', 180_000, async () => {
      const pods = await kubeItems(kubectl, ['pods', '-n', 'kube-system']);
      const running = new Set(
        pods.filter((p) => field(p, 'status', 'phase') === 'Running').map((p) => String(field(p, 'metadata', 'name'))),
      );
      const missing = want.filter((n) => !running.has(n));
      if (missing.length > 0) throw new Error(`not running: ${missing.join(', ')}`);
      return true;
    });
    t.diagnostic(`${String(want.length)} static pods running ${since()} after create`);

    const result = await provisioner.destroy(name);
    assert.deepEqual(result.leftovers, []);
    t.diagnostic(`done in ${since()}`);
  },
);
